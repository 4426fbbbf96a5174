#include "waterfallwidget.h"

// The painting half of WaterfallWidget: only the rows in view, each a few
// rectangles and one elided text, so paint cost does not grow with the trace.

#include "palettes.h"
#include "spanformat.h"

#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <algorithm>

namespace spanlight {

namespace {

/// 1, 2 or 5 times a power of ten, at least \a ns.
int64_t niceStep(double ns)
{
    int64_t step = 1;
    while (step < 4'000'000'000'000'000'000) {
        for (int m : { 1, 2, 5 })
            if (double(step) * m >= ns)
                return step * m;
        step *= 10;
    }
    return step;
}

} // namespace

void WaterfallWidget::paintEvent(QPaintEvent*)
{
    QPainter p(viewport());
    p.fillRect(viewport()->rect(), palette().base());
    if (!m_outline || m_layout.rowCount() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect(), Qt::AlignCenter, m_outline ? tr("This trace holds no spans") : QString());
    } else {
        const auto& visible = m_layout.visibleRows();
        const int first = verticalScrollBar()->value();
        const int last = std::min<int>(
            static_cast<int>(visible.size()), first + (viewport()->height() - m_axisHeight) / m_rowHeight + 2);
        for (int i = first; i < last; ++i)
            paintRow(p, visible[static_cast<size_t>(i)], m_axisHeight + (i - first) * m_rowHeight);
        paintAxis(p);
    }
    if (m_paintPending) {
        m_paintPending = false;
        emit tracePainted(m_layout.rowCount());
    }
}

void WaterfallWidget::paintAxis(QPainter& p)
{
    const QRect axis(0, 0, viewport()->width(), m_axisHeight);
    p.fillRect(axis, palette().window());
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(0, m_axisHeight - 1, axis.width(), m_axisHeight - 1);
    p.drawLine(m_labelWidth, 0, m_labelWidth, viewport()->height());
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(6, 0, m_labelWidth - 12, m_axisHeight), Qt::AlignVCenter | Qt::AlignLeft,
        countOf(m_layout.rowCount(), tr("span"), tr("spans")));
    const double span = double(std::max<int64_t>(1, m_layout.endNs() - m_layout.startNs()));
    const int64_t step = niceStep(span / contentWidth() * 75); // a label every ~75 px at least
    const int64_t fromOffset = static_cast<int64_t>(std::max(0.0, nsAt(timelineLeft()) - double(m_layout.startNs())));
    p.save();
    p.setClipRect(QRect(timelineLeft(), 0, viewport()->width() - timelineLeft(), viewport()->height()));
    for (int64_t offset = fromOffset / step * step;; offset += step) {
        const double x = xOf(m_layout.startNs() + offset);
        if (x > viewport()->width())
            break;
        p.setPen(palette().color(QPalette::Mid));
        p.drawLine(QPointF(x, m_axisHeight - 5), QPointF(x, m_axisHeight - 1));
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(
            QRectF(x + 3, 0, 120, m_axisHeight - 2), Qt::AlignVCenter | Qt::AlignLeft, formatOffset(offset, step));
    }
    p.restore();
}

void WaterfallWidget::paintRow(QPainter& p, int row, int y)
{
    const WaterfallLayout::Row& r = m_layout.row(row);
    const OutlineSpan& s = m_outline->spans[static_cast<size_t>(r.span)];
    const QRect line(0, y, viewport()->width(), m_rowHeight);
    const bool error = s.statusCode == 2;
    if (row == m_current)
        p.fillRect(line, palette().color(hasFocus() ? QPalette::Active : QPalette::Inactive, QPalette::Highlight));
    else if (m_isMatch[static_cast<size_t>(row)])
        p.fillRect(line, QColor(255, 214, 10, 90));
    else if (m_layout.visibleIndex(row) % 2)
        p.fillRect(line, palette().alternateBase());
    const QColor text = row == m_current ? palette().color(QPalette::HighlightedText) : palette().color(QPalette::Text);

    // Label: expander, service colour, name (red for errors).
    const int indent = indentOf(r.depth);
    if (m_layout.hasChildren(row)) {
        QPainterPath arrow;
        const QPointF c(indent + kExpander / 2.0, y + m_rowHeight / 2.0);
        if (m_layout.collapsed(row))
            arrow.addPolygon(QPolygonF({ c + QPointF(-2.5, -4.5), c + QPointF(3.5, 0), c + QPointF(-2.5, 4.5) }));
        else
            arrow.addPolygon(QPolygonF({ c + QPointF(-4.5, -2.5), c + QPointF(4.5, -2.5), c + QPointF(0, 3.5) }));
        p.fillPath(arrow, text);
    }
    const QString& service = m_strings[s.service];
    const QColor color = error ? themeError(palette()) : serviceColor(service, palette());
    p.fillRect(QRect(indent + kExpander, y + m_rowHeight / 2 - 4, 8, 8), color);
    const int nameLeft = indent + kExpander + 12;
    QString label = m_strings[s.name];
    if (m_layout.hasChildren(row) && m_layout.collapsed(row))
        label += tr("  (+%L1)").arg(r.subtreeEnd - row - 1);
    p.setPen(error && row != m_current ? themeError(palette()) : text);
    const QRect nameRect(nameLeft, y, std::max(0, m_labelWidth - nameLeft - 6), m_rowHeight);
    p.drawText(nameRect, Qt::AlignVCenter | Qt::AlignLeft,
        p.fontMetrics().elidedText(label, Qt::ElideRight, nameRect.width()));

    // Bar on the time axis, at least 2 px so the shortest span stays visible.
    p.save();
    p.setClipRect(QRect(timelineLeft(), y, viewport()->width() - timelineLeft(), m_rowHeight));
    const double x0 = xOf(s.startNs);
    const double x1 = std::max(xOf(s.startNs + s.durationNs), x0 + 2);
    const QRectF bar(x0, y + 4, x1 - x0, m_rowHeight - 8);
    p.fillRect(bar, color);
    const QString duration = formatDuration(s.durationNs);
    const int textWidth = p.fontMetrics().horizontalAdvance(duration) + 6;
    p.setPen(text);
    const bool after = x1 + textWidth < viewport()->width();
    p.drawText(
        QRectF(after ? x1 + 4 : x0 - textWidth, y, textWidth, m_rowHeight), Qt::AlignVCenter | Qt::AlignLeft, duration);
    p.restore();
}

} // namespace spanlight
