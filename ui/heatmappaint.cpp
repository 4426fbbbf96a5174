// HeatmapWidget's painting: draws what updateLayout() and updateColours()
// prepared, nothing else, so a live repaint stays cheap.

#include "heatmapscale.h"
#include "heatmapwidget.h"
#include "palettes.h"

#include <QPainter>
#include <algorithm>

namespace spanlight {

namespace {

const QColor kPercentileColours[3] = { QColor(255, 255, 255), QColor(255, 166, 48), QColor(255, 79, 216) };
const Qt::PenStyle kPercentileStyles[3] = { Qt::SolidLine, Qt::DashLine, Qt::DotLine };
const char* const kPercentileNames[3] = { "p50", "p95", "p99" };
const QColor kErrorColour(230, 32, 32);

QColor errorOutline(double share)
{
    QColor c = kErrorColour;
    c.setAlphaF(static_cast<float>(0.45 + 0.55 * share));
    return c;
}

} // namespace

void HeatmapWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    if (m_plot.isEmpty())
        return;
    p.fillRect(m_plot, palette().base());
    paintAxes(p);
    paintCells(p);
    if (m_percentileLines)
        paintPercentiles(p);
    paintOverlays(p);
    paintLegend(p);
    if (m_result.cells.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(m_plot, Qt::AlignCenter, tr("No spans in this range"));
    }
}

void HeatmapWidget::paintAxes(QPainter& p) const
{
    const QColor text = palette().color(QPalette::WindowText);
    // Opaque: translucent vertical lines are blended by worker threads the UI thread waits for.
    const QColor base = palette().color(QPalette::Base), mid = palette().color(QPalette::Mid);
    const QColor grid = opaqueBlend(mid, 0.35, base);
    const QColor majorGrid = opaqueBlend(mid, 0.7, base);
    const QFontMetricsF fm(font());

    // Latency: grid lines under the cells, labels on the left.
    for (const Tick& t : m_latencyTicks) {
        p.setPen(QPen(t.major ? majorGrid : grid, 1));
        p.drawLine(QPointF(m_plot.left(), t.pos), QPointF(m_plot.right(), t.pos));
        p.setPen(text);
        p.drawLine(QPointF(m_plot.left() - kTickLength, t.pos), QPointF(m_plot.left(), t.pos));
        const QRectF label(0, t.pos - fm.height() / 2, m_plot.left() - kTickLength - 3, fm.height());
        p.drawText(label, Qt::AlignRight | Qt::AlignVCenter, t.label);
    }
    // Time: day boundaries as stronger lines.
    for (const Tick& t : m_timeTicks) {
        p.setPen(QPen(t.major ? majorGrid : grid, 1));
        p.drawLine(QPointF(t.pos, m_plot.top()), QPointF(t.pos, m_plot.bottom()));
        p.setPen(text);
        p.drawLine(QPointF(t.pos, m_plot.bottom()), QPointF(t.pos, m_plot.bottom() + kTickLength));
        QFont f = font();
        f.setBold(t.major);
        p.setFont(f);
        const double w = QFontMetricsF(f).horizontalAdvance(t.label);
        // Centred under the tick, but never past the plot's ends.
        const double x = std::clamp(t.pos - w / 2, m_plot.left() - 4, m_plot.right() - w + 4);
        p.drawText(QRectF(x, m_plot.bottom() + kTickLength + 2, w, fm.height()), Qt::AlignCenter, t.label);
        p.setFont(font());
    }
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.drawRect(m_plot);

    // Axis titles.
    p.setPen(text);
    const QString timeTitle = tr("Time (local, columns of %n min)", nullptr, m_query.columnMinutes);
    p.drawText(
        QRectF(m_plot.left(), height() - fm.height() - 4, m_plot.width(), fm.height()), Qt::AlignCenter, timeTitle);
    p.save();
    p.translate(4, m_plot.center().y());
    p.rotate(-90);
    p.drawText(
        QRectF(-m_plot.height() / 2, 0, m_plot.height(), fm.height()), Qt::AlignCenter, tr("Latency (log scale)"));
    p.restore();
}

void HeatmapWidget::paintCells(QPainter& p) const
{
    p.setRenderHint(QPainter::Antialiasing, false);
    for (size_t i = 0; i < m_result.cells.size(); ++i) {
        const HeatmapCell& cell = m_result.cells[i];
        p.fillRect(cellRect(cell.column, cell.row), m_cellColours[i]);
    }
    if (!m_errorOverlay)
        return;
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const HeatmapCell& cell : m_result.cells) {
        if (cell.errorCount == 0)
            continue;
        const double share = static_cast<double>(cell.errorCount) / static_cast<double>(cell.count);
        const QRectF r = cellRect(cell.column, cell.row).adjusted(0.75, 0.75, -0.75, -0.75);
        p.setPen(QPen(errorOutline(share), 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r);
    }
}

void HeatmapWidget::paintPercentiles(QPainter& p) const
{
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(m_plot);
    for (int k = 0; k < 3; ++k) {
        for (const auto& run : m_percentilePaths[k]) {
            if (run.size() < 2) {
                p.setPen(Qt::NoPen);
                p.setBrush(kPercentileColours[k]);
                p.drawEllipse(run.front(), 2, 2);
                continue;
            }
            // A dark halo under each line keeps it readable over yellow and violet cells alike.
            p.setPen(QPen(QColor(0, 0, 0, 140), 3.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.drawPolyline(run.data(), static_cast<int>(run.size()));
            p.setPen(QPen(kPercentileColours[k], 1.6, kPercentileStyles[k], Qt::RoundCap, Qt::RoundJoin));
            p.drawPolyline(run.data(), static_cast<int>(run.size()));
        }
    }
    p.setClipping(false);
}

void HeatmapWidget::paintOverlays(QPainter& p) const
{
    p.setRenderHint(QPainter::Antialiasing, false);
    if (m_focusColumn >= 0) {
        const QRectF r = cellRect(m_focusColumn, m_focusRow).adjusted(-1, -1, 1, 1);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::black, 3));
        p.drawRect(r);
        p.setPen(QPen(hasFocus() ? palette().color(QPalette::Highlight).lighter(150) : QColor(Qt::white), 1.5));
        p.drawRect(r);
    }
    QColor fill = palette().color(QPalette::Highlight);
    fill.setAlphaF(0.18f);
    if (m_pressPos && m_dragPos) {
        const QRectF band = QRectF(*m_pressPos, *m_dragPos).normalized().intersected(m_plot);
        p.setBrush(fill);
        p.setPen(QPen(palette().color(QPalette::Highlight), 1, Qt::DashLine));
        p.drawRect(band);
    } else if (m_selection) {
        p.setBrush(fill);
        p.setPen(QPen(palette().color(QPalette::Highlight), 1.5, Qt::DashLine));
        p.drawRect(selectionRect(*m_selection));
    }
    p.setBrush(Qt::NoBrush);
}

const QImage& HeatmapWidget::legendImage() const
{
    // The colour bar once per size, then a plain image copy: a gradient fill
    // is blended row by row on every repaint (and by worker threads).
    const QSize size = m_legendBar.size().toSize() * devicePixelRatio();
    if (m_legendImage.size() != size && !size.isEmpty()) {
        m_legendImage = QImage(size, QImage::Format_RGB32);
        for (int y = 0; y < size.height(); ++y) {
            const QRgb colour = heatColour(1.0 - double(y) / std::max(1, size.height() - 1)).rgb();
            std::fill_n(reinterpret_cast<QRgb*>(m_legendImage.scanLine(y)), size.width(), colour);
        }
        m_legendImage.setDevicePixelRatio(devicePixelRatio());
    }
    return m_legendImage;
}

void HeatmapWidget::paintLegend(QPainter& p) const
{
    const QFontMetricsF fm(font());
    const QColor text = palette().color(QPalette::WindowText);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(text);
    p.drawText(QRectF(m_legendBar.left(), m_plot.top(), width() - m_legendBar.left(), fm.height()),
        Qt::AlignLeft | Qt::AlignVCenter, tr("Spans per cell"));
    if (m_legendBar.height() >= 20 && m_result.maxCount > 0) {
        p.drawImage(m_legendBar, legendImage());
        p.setPen(QPen(palette().color(QPalette::Mid), 1));
        p.drawRect(m_legendBar);
        p.setPen(text);
        for (const LegendTick& t : m_legendTicks) {
            p.drawLine(QPointF(m_legendBar.right(), t.y), QPointF(m_legendBar.right() + 3, t.y));
            p.drawText(QRectF(m_legendBar.right() + 6, t.y - fm.height() / 2, width(), fm.height()),
                Qt::AlignLeft | Qt::AlignVCenter, t.label);
        }
    }
    // Keys for what is drawn over the cells.
    double y = m_legendBar.bottom() + 10;
    p.setRenderHint(QPainter::Antialiasing, true);
    const double keyWidth = fm.horizontalAdvance(QStringLiteral("——"));
    if (m_percentileLines) {
        for (int k = 0; k < 3; ++k) {
            const double mid = y + fm.height() / 2;
            p.setPen(QPen(QColor(0, 0, 0, 140), 3.5));
            p.drawLine(QPointF(m_legendBar.left(), mid), QPointF(m_legendBar.left() + keyWidth, mid));
            p.setPen(QPen(kPercentileColours[k], 1.6, kPercentileStyles[k]));
            p.drawLine(QPointF(m_legendBar.left(), mid), QPointF(m_legendBar.left() + keyWidth, mid));
            p.setPen(text);
            p.drawText(QRectF(m_legendBar.left() + keyWidth + 6, y, width(), fm.height()),
                Qt::AlignLeft | Qt::AlignVCenter, QString::fromLatin1(kPercentileNames[k]));
            y += fm.height();
        }
    }
    if (m_errorOverlay) {
        const QRectF box(m_legendBar.left() + 1, y + 3, fm.height() - 6, fm.height() - 6);
        p.fillRect(box, heatColour(0.5));
        p.setPen(QPen(errorOutline(0.5), 1.5));
        p.drawRect(box);
        p.setPen(text);
        p.drawText(QRectF(m_legendBar.left() + keyWidth + 6, y, width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
            tr("errors"));
    }
}

} // namespace spanlight
