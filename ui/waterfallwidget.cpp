#include "waterfallwidget.h"

#include "spanformat.h"

#include <QHelpEvent>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace spanlight {

namespace {

constexpr double kMaxContentWidth = 1e9; // scroll bars hold ints

} // namespace

WaterfallWidget::WaterfallWidget(QWidget* parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    viewport()->setAutoFillBackground(false);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, viewport(), qOverload<>(&QWidget::update));
    connect(horizontalScrollBar(), &QScrollBar::valueChanged, viewport(), qOverload<>(&QWidget::update));
    updateMetrics();
}

void WaterfallWidget::setTrace(std::shared_ptr<const TraceOutline> outline)
{
    LaidOutTrace trace;
    if (outline)
        trace.layout.build(*outline);
    trace.outline = std::move(outline);
    setTrace(std::move(trace));
}

void WaterfallWidget::setTrace(LaidOutTrace trace)
{
    m_outline = std::move(trace.outline);
    m_layout = std::move(trace.layout);
    m_strings.clear();
    if (m_outline) {
        m_strings.reserve(m_outline->strings.size());
        for (const std::string& s : m_outline->strings)
            m_strings.push_back(fromUtf8(s));
    }
    m_matches.clear();
    m_isMatch.assign(static_cast<size_t>(m_layout.rowCount()), 0);
    m_current = m_layout.rowCount() > 0 ? 0 : -1;
    m_zoom = 1;
    horizontalScrollBar()->setValue(0);
    verticalScrollBar()->setValue(0);
    m_paintPending = m_outline != nullptr; // clear() paints nothing worth reporting
    layoutChanged();
    emit currentSpanChanged(currentSpan());
}

void WaterfallWidget::clear()
{
    setTrace(nullptr);
}

int WaterfallWidget::currentSpan() const
{
    return m_current >= 0 ? m_layout.row(m_current).span : -1;
}

void WaterfallWidget::setCurrentRow(int row)
{
    if (row < 0 || row >= m_layout.rowCount())
        return;
    m_layout.reveal(row);
    layoutChanged();
    const int index = m_layout.visibleIndex(row);
    const int page = std::max(1, (viewport()->height() - m_axisHeight) / m_rowHeight);
    QScrollBar* v = verticalScrollBar();
    if (index < v->value())
        v->setValue(index);
    else if (index >= v->value() + page)
        v->setValue(index - page + 1);
    if (row == m_current)
        return;
    m_current = row;
    viewport()->update();
    emit currentSpanChanged(currentSpan());
}

bool WaterfallWidget::selectSpan(const SpanId& id)
{
    if (!m_outline)
        return false;
    for (size_t i = 0; i < m_outline->spans.size(); ++i)
        if (m_outline->spans[i].spanId == id) {
            setCurrentRow(m_layout.rowOfSpan(static_cast<int>(i)));
            return true;
        }
    return false;
}

int WaterfallWidget::setSearchText(const QString& text)
{
    m_matches.clear();
    std::fill(m_isMatch.begin(), m_isMatch.end(), 0);
    const QString needle = text.trimmed();
    if (m_outline && !needle.isEmpty()) {
        // Test each distinct name once, then spans by their name indexes.
        std::vector<char> stringMatches(m_strings.size());
        for (size_t i = 1; i < m_strings.size(); ++i)
            stringMatches[i] = m_strings[i].contains(needle, Qt::CaseInsensitive);
        const QString hex = needle.toLower();
        for (int r = 0; r < m_layout.rowCount(); ++r) {
            const OutlineSpan& s = m_outline->spans[static_cast<size_t>(m_layout.row(r).span)];
            const bool match = stringMatches[s.name] || stringMatches[s.service] || stringMatches[s.model]
                || stringMatches[s.errorType] || (hex.size() >= 4 && hexId(s.spanId).startsWith(hex));
            if (match) {
                m_matches.push_back(r);
                m_isMatch[static_cast<size_t>(r)] = 1;
            }
        }
    }
    viewport()->update();
    return matchCount();
}

int WaterfallWidget::currentMatchNumber() const
{
    const auto it = std::lower_bound(m_matches.begin(), m_matches.end(), m_current);
    return it != m_matches.end() && *it == m_current ? static_cast<int>(it - m_matches.begin()) + 1 : 0;
}

void WaterfallWidget::stepMatch(bool forward)
{
    setCurrentRow(WaterfallLayout::step(m_matches, m_current, forward));
}

void WaterfallWidget::stepError(bool forward)
{
    setCurrentRow(WaterfallLayout::step(m_layout.errorRows(), m_current, forward));
}

void WaterfallWidget::toggle(int row)
{
    if (row < 0 || !m_layout.hasChildren(row))
        return;
    m_layout.setCollapsed(row, !m_layout.collapsed(row));
    layoutChanged();
}

void WaterfallWidget::expandAll()
{
    m_layout.expandAll();
    layoutChanged();
}

void WaterfallWidget::collapseAll()
{
    m_layout.collapseBelow(1);
    if (m_current >= 0 && m_layout.visibleIndex(m_current) < 0) {
        int row = m_current;
        while (m_layout.visibleIndex(row) < 0)
            row = m_layout.row(row).parentRow;
        setCurrentRow(row);
    }
    layoutChanged();
}

void WaterfallWidget::setZoom(double zoom, int anchorX)
{
    if (!m_outline)
        return;
    const int left = timelineLeft();
    if (anchorX < left)
        anchorX = left + timelineWidth() / 2;
    const double anchorNs = nsAt(anchorX);
    m_zoom = std::clamp(zoom, 1.0, std::max(1.0, kMaxContentWidth / std::max(1, timelineWidth())));
    updateScrollBars();
    const double span = double(std::max<int64_t>(1, m_layout.endNs() - m_layout.startNs()));
    horizontalScrollBar()->setValue(static_cast<int>(
        std::lround((anchorNs - double(m_layout.startNs())) / span * contentWidth() - (anchorX - left))));
    viewport()->update();
}

QRect WaterfallWidget::rowRect(int row) const
{
    const int index = m_layout.visibleIndex(row) - verticalScrollBar()->value();
    if (index < 0 || m_axisHeight + index * m_rowHeight > viewport()->height())
        return {};
    return QRect(0, m_axisHeight + index * m_rowHeight, viewport()->width(), m_rowHeight);
}

void WaterfallWidget::updateMetrics()
{
    const QFontMetrics fm(font());
    m_rowHeight = fm.height() + 8;
    m_axisHeight = fm.height() + 10;
    updateScrollBars();
}

void WaterfallWidget::updateScrollBars()
{
    const int page = std::max(1, (viewport()->height() - m_axisHeight) / m_rowHeight);
    QScrollBar* v = verticalScrollBar();
    v->setRange(0, std::max(0, static_cast<int>(m_layout.visibleRows().size()) - page));
    v->setPageStep(page);
    v->setSingleStep(1);
    QScrollBar* h = horizontalScrollBar();
    h->setRange(0, std::max(0, static_cast<int>(contentWidth()) - timelineWidth()));
    h->setPageStep(timelineWidth());
    h->setSingleStep(std::max(1, timelineWidth() / 20));
    // Deep traces get a narrower indent so names keep their room.
    m_indentStep = std::clamp(static_cast<int>(m_labelWidth * 0.45) / std::max(1, m_layout.maxDepth()), 3, 14);
}

void WaterfallWidget::layoutChanged()
{
    updateScrollBars();
    viewport()->update();
}

int WaterfallWidget::rowAt(int y) const
{
    if (y < m_axisHeight)
        return -1;
    const size_t index = static_cast<size_t>((y - m_axisHeight) / m_rowHeight + verticalScrollBar()->value());
    return index < m_layout.visibleRows().size() ? m_layout.visibleRows()[index] : -1;
}

int WaterfallWidget::timelineWidth() const
{
    return std::max(40, viewport()->width() - timelineLeft() - 8);
}

double WaterfallWidget::xOf(int64_t ns) const
{
    const double span = double(std::max<int64_t>(1, m_layout.endNs() - m_layout.startNs()));
    return timelineLeft() + double(ns - m_layout.startNs()) / span * contentWidth() - horizontalScrollBar()->value();
}

double WaterfallWidget::nsAt(int x) const
{
    const double span = double(std::max<int64_t>(1, m_layout.endNs() - m_layout.startNs()));
    return double(m_layout.startNs()) + (x - timelineLeft() + horizontalScrollBar()->value()) / contentWidth() * span;
}

int WaterfallWidget::indentOf(int depth) const
{
    return 4 + depth * m_indentStep;
}

void WaterfallWidget::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    // The label column follows the width until the user drags it.
    if (!m_dragDivider)
        m_labelWidth = std::clamp(viewport()->width() * 2 / 5, 200, 520);
    updateScrollBars();
}

void WaterfallWidget::mousePressEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    if (std::abs(pos.x() - m_labelWidth) <= 3) {
        m_dragDivider = true;
        return;
    }
    const int row = rowAt(pos.y());
    if (row < 0)
        return;
    const int indent = indentOf(m_layout.row(row).depth);
    if (pos.x() >= indent && pos.x() < indent + kExpander + 2 && m_layout.hasChildren(row))
        toggle(row);
    setCurrentRow(row);
}

void WaterfallWidget::mouseMoveEvent(QMouseEvent* event)
{
    const int x = event->position().toPoint().x();
    if (m_dragDivider && (event->buttons() & Qt::LeftButton)) {
        m_labelWidth = std::clamp(x, 120, std::max(120, viewport()->width() - 120));
        updateScrollBars();
        viewport()->update();
    }
    viewport()->setCursor(std::abs(x - m_labelWidth) <= 3 ? Qt::SplitHCursor : Qt::ArrowCursor);
}

void WaterfallWidget::mouseReleaseEvent(QMouseEvent*)
{
    m_dragDivider = false;
}

void WaterfallWidget::mouseDoubleClickEvent(QMouseEvent* event)
{
    toggle(rowAt(event->position().toPoint().y()));
}

void WaterfallWidget::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const double steps = event->angleDelta().y() / 120.0;
        setZoom(m_zoom * std::pow(1.25, steps), event->position().toPoint().x());
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void WaterfallWidget::keyPressEvent(QKeyEvent* event)
{
    const auto& visible = m_layout.visibleRows();
    if (visible.empty())
        return QAbstractScrollArea::keyPressEvent(event);
    const int index = std::max(0, m_layout.visibleIndex(m_current));
    const int page = std::max(1, verticalScrollBar()->pageStep());
    const auto go
        = [&](int i) { setCurrentRow(visible[static_cast<size_t>(std::clamp<int>(i, 0, int(visible.size()) - 1))]); };
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    switch (event->key()) {
    case Qt::Key_Up:
        return go(index - 1);
    case Qt::Key_Down:
        return go(index + 1);
    case Qt::Key_PageUp:
        return go(index - page);
    case Qt::Key_PageDown:
        return go(index + page);
    case Qt::Key_Home:
        return go(0);
    case Qt::Key_End:
        return go(static_cast<int>(visible.size()) - 1);
    case Qt::Key_Left:
        // Collapse, or step out to the parent when already collapsed.
        if (m_layout.hasChildren(m_current) && !m_layout.collapsed(m_current))
            return toggle(m_current);
        return setCurrentRow(m_layout.row(m_current).parentRow);
    case Qt::Key_Right:
        if (m_layout.hasChildren(m_current) && m_layout.collapsed(m_current))
            return toggle(m_current);
        return go(index + 1);
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        return toggle(m_current);
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        if (ctrl)
            return setZoom(m_zoom * 1.5);
        break;
    case Qt::Key_Minus:
        if (ctrl)
            return setZoom(m_zoom / 1.5);
        break;
    case Qt::Key_0:
        if (ctrl)
            return setZoom(1);
        break;
    default:
        break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

bool WaterfallWidget::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip && m_outline) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = rowAt(help->pos().y());
        if (row < 0) {
            QToolTip::hideText();
            return true;
        }
        const OutlineSpan& s = m_outline->spans[static_cast<size_t>(m_layout.row(row).span)];
        QString text = QStringLiteral("<b>%1</b><br>%2<br>")
                           .arg(m_strings[s.name].toHtmlEscaped(), m_strings[s.service].toHtmlEscaped());
        text += tr("starts at +%1, lasts %2")
                    .arg(formatDuration(s.startNs - m_layout.startNs()), formatDuration(s.durationNs));
        if (s.model)
            text += QStringLiteral("<br>") + tr("model %1").arg(m_strings[s.model].toHtmlEscaped());
        if (s.statusCode == 2)
            text += QStringLiteral("<br><b>") + tr("error %1").arg(m_strings[s.errorType].toHtmlEscaped())
                + QStringLiteral("</b>");
        QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void WaterfallWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateMetrics();
    QAbstractScrollArea::changeEvent(event);
}

} // namespace spanlight
