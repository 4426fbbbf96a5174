#include "sparkline.h"

#include "palettes.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace spanlight {

Sparkline::Sparkline(QWidget* parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

void Sparkline::setValues(std::vector<std::optional<double>> values)
{
    m_values = std::move(values);
    update();
}

void Sparkline::setColor(const QColor& color)
{
    m_color = color;
    update();
}

void Sparkline::setFilled(bool filled)
{
    m_filled = filled;
    update();
}

void Sparkline::setZeroBased(bool zeroBased)
{
    m_zeroBased = zeroBased;
    update();
}

QSize Sparkline::sizeHint() const
{
    // Scales with the font, so it keeps its proportions on high-DPI and large-font desktops.
    return { fontMetrics().averageCharWidth() * 24, fontMetrics().height() * 2 };
}

QSize Sparkline::minimumSizeHint() const
{
    return { fontMetrics().averageCharWidth() * 8, fontMetrics().height() * 2 };
}

void Sparkline::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1.5, 2.5, -1.5, -1.5);
    const QColor line = m_color.isValid() ? m_color : themeAccent(palette());
    // A faint baseline so an empty or flat series still reads as a chart.
    QColor base = palette().color(QPalette::Mid);
    painter.setPen(QPen(base, 1));
    painter.drawLine(area.bottomLeft(), area.bottomRight());

    double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
    for (const auto& v : m_values)
        if (v && std::isfinite(*v)) {
            lo = std::min(lo, *v);
            hi = std::max(hi, *v);
        }
    if (hi < lo || m_values.empty())
        return;
    if (m_zeroBased)
        lo = std::min(lo, 0.0);
    if (hi - lo < 1e-12)
        hi = lo + (lo == 0 ? 1 : std::abs(lo) * 0.1); // flat series: a line at mid-height, not at the top
    const double n = static_cast<double>(m_values.size());
    const auto xAt = [&](size_t i) { return area.left() + area.width() * (n > 1 ? i / (n - 1) : 0.5); };
    const auto yAt = [&](double v) { return area.bottom() - area.height() * (v - lo) / (hi - lo); };

    // Each run of consecutive values is one segment; a missing value breaks the line.
    std::vector<QPolygonF> runs(1);
    for (size_t i = 0; i < m_values.size(); ++i) {
        if (m_values[i] && std::isfinite(*m_values[i]))
            runs.back() << QPointF(xAt(i), yAt(*m_values[i]));
        else if (!runs.back().isEmpty())
            runs.emplace_back();
    }
    for (const QPolygonF& run : runs) {
        if (run.isEmpty())
            continue;
        if (m_filled && run.size() > 1) {
            QPainterPath fill;
            fill.moveTo(run.first().x(), area.bottom());
            for (const QPointF& p : run)
                fill.lineTo(p);
            fill.lineTo(run.last().x(), area.bottom());
            QColor shade = line;
            shade.setAlphaF(0.18f);
            painter.fillPath(fill, shade);
        }
        painter.setPen(QPen(line, 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        if (run.size() == 1)
            painter.drawEllipse(run.first(), 1.5, 1.5);
        else
            painter.drawPolyline(run);
    }
}

} // namespace spanlight
