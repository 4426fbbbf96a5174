// HeatmapWidget's geometry and colours: everything a paint needs, computed
// when a result arrives or the widget is resized, never while painting.

#include "heatmapscale.h"
#include "heatmapwidget.h"
#include "latencyhistogram.h"

#include <algorithm>
#include <cmath>

namespace spanlight {

namespace {

constexpr double kLegendGap = 16;
constexpr double kLegendBarWidth = 14;
constexpr int kLegendKeyLines = 4; // p50, p95, p99, errors: reserved so toggles never move the map

} // namespace

void HeatmapWidget::updateColours()
{
    // Counts span orders of magnitude (a few slow outliers next to thousands
    // of fast calls): a log scale keeps both visible.
    m_cellColours.clear();
    const double logMax = m_result.maxCount > 1 ? std::log(static_cast<double>(m_result.maxCount)) : 1.0;
    for (const HeatmapCell& cell : m_result.cells) {
        const double t
            = m_result.maxCount > 1 ? std::log(static_cast<double>(std::max<int64_t>(cell.count, 1))) / logMax : 1.0;
        // Start a little above the darkest colour so a single span stands out from the background.
        m_cellColours.push_back(heatColour(0.08 + 0.92 * t));
    }
}

void HeatmapWidget::updateLayout()
{
    const QFontMetricsF fm(font());
    const double lineHeight = fm.height();
    double labelWidth = 0;
    for (const double ns : { 500e6, 500e3, 600e9, 20e9 })
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(formatLatency(ns)));
    const double legendLabelWidth = fm.horizontalAdvance(formatCompactCount(std::max<int64_t>(m_result.maxCount, 100)));
    const double legendWidth = std::max(fm.horizontalAdvance(tr("Spans per cell")),
        std::max(kLegendBarWidth + 6 + legendLabelWidth, fm.horizontalAdvance(QStringLiteral("—— p99")) + 8));
    const double left = lineHeight + 8 + labelWidth + kTickLength + 4; // rotated axis title, labels, ticks
    const double bottom = kTickLength + 2 + lineHeight + 4 + lineHeight + 4; // tick labels, axis title
    m_plot = QRectF(left, 8 + lineHeight / 2, width() - left - kLegendGap - legendWidth - 8,
        height() - 8 - lineHeight / 2 - bottom);
    if (m_plot.width() < 10 || m_plot.height() < 10)
        m_plot = QRectF();
    const double barTop = m_plot.top() + lineHeight + 8;
    const double barBottom = m_plot.bottom() - kLegendKeyLines * lineHeight - 10;
    m_legendBar = QRectF(m_plot.right() + kLegendGap, barTop, kLegendBarWidth, std::max(0.0, barBottom - barTop));

    m_columnEdges.clear();
    for (int64_t start : m_result.columnStarts)
        m_columnEdges.push_back(xOfMinute(static_cast<double>(start)));
    m_columnEdges.push_back(xOfMinute(static_cast<double>(m_query.range.toMinute)));

    updateTimeTicks();
    updateLatencyTicks();
    updatePercentilePaths();

    // Legend: decades of counts, the maximum on top.
    m_legendTicks.clear();
    if (m_result.maxCount > 0 && !m_legendBar.isEmpty()) {
        const double logMax = m_result.maxCount > 1 ? std::log(static_cast<double>(m_result.maxCount)) : 0;
        const auto yOfCount = [&](double count) {
            const double t = logMax > 0 ? 0.08 + 0.92 * std::log(count) / logMax : 1.0;
            return m_legendBar.bottom() - t * m_legendBar.height();
        };
        const double maxY = yOfCount(static_cast<double>(m_result.maxCount));
        m_legendTicks.push_back({ maxY, formatCompactCount(m_result.maxCount) });
        for (int64_t decade = 1; decade < m_result.maxCount; decade *= 10) {
            const double y = yOfCount(static_cast<double>(decade));
            if (y - maxY >= lineHeight)
                m_legendTicks.push_back({ y, formatCompactCount(decade) });
        }
    }
}

double HeatmapWidget::xOfMinute(double minute) const
{
    const double span = static_cast<double>(m_query.range.minutes());
    if (span <= 0)
        return m_plot.left();
    return m_plot.left() + (minute - static_cast<double>(m_query.range.fromMinute)) / span * m_plot.width();
}

double HeatmapWidget::yOfLatency(double ns) const
{
    // Rows are consecutive log-uniform bucket groups: place ns inside its row
    // on a log scale, so lines and labels agree with the cells exactly.
    const auto& rows = m_result.rows;
    if (rows.empty() || m_plot.isEmpty())
        return m_plot.bottom();
    const double rowHeight = m_plot.height() / static_cast<double>(rows.size());
    if (ns <= static_cast<double>(rows.front().lowerNs))
        return m_plot.bottom();
    if (ns > static_cast<double>(rows.back().upperNs))
        return m_plot.top();
    const auto it = std::lower_bound(rows.begin(), rows.end(), ns,
        [](const HeatmapRow& row, double value) { return static_cast<double>(row.upperNs) < value; });
    const auto r = static_cast<size_t>(it - rows.begin());
    const double upper = static_cast<double>(it->upperNs);
    const double lower = it->lowerNs > 0 ? static_cast<double>(it->lowerNs)
                                         : upper / std::pow(latency::kGamma, it->lastBucket - it->firstBucket + 1);
    const double fraction = std::clamp(std::log(ns / lower) / std::log(upper / lower), 0.0, 1.0);
    return m_plot.bottom() - (static_cast<double>(r) + fraction) * rowHeight;
}

void HeatmapWidget::updateTimeTicks()
{
    m_timeTicks.clear();
    if (m_plot.isEmpty() || m_query.range.empty())
        return;
    const QFontMetricsF fm(font());
    const double spacing = fm.horizontalAdvance(QStringLiteral("Wed 00:00")) + 16;
    const double perMinute = m_plot.width() / static_cast<double>(m_query.range.minutes());
    for (const TimeTick& t : timeTicks(m_query.range.fromMinute, m_query.range.toMinute, perMinute, spacing))
        m_timeTicks.push_back({ xOfMinute(static_cast<double>(t.minute)), t.label, t.major });
}

void HeatmapWidget::updateLatencyTicks()
{
    m_latencyTicks.clear();
    if (m_result.rows.empty() || m_plot.isEmpty())
        return;
    const double lowest = std::max<double>(static_cast<double>(m_result.rows.front().lowerNs), 1.0);
    const double highest = static_cast<double>(m_result.rows.back().upperNs);
    const double minGap = QFontMetricsF(font()).height() + 2;
    // Decades first (they anchor the scale), then 2× and 5× where they fit;
    // past 10 s the steps are minutes and hours, which people read faster.
    std::vector<std::pair<double, bool>> candidates;
    for (double decade = 1e3; decade <= 1e10; decade *= 10)
        candidates.push_back({ decade, true });
    for (double minutes : { 1.0, 10.0, 60.0, 600.0 })
        candidates.push_back({ minutes * 60e9, true });
    for (double decade = 1e3; decade <= 1e9; decade *= 10) {
        candidates.push_back({ 2 * decade, false });
        candidates.push_back({ 5 * decade, false });
    }
    for (double seconds : { 20.0, 30.0, 120.0, 300.0, 1200.0, 1800.0, 7200.0 })
        candidates.push_back({ seconds * 1e9, false });
    for (const auto& [ns, major] : candidates) {
        if (ns <= lowest || ns > highest)
            continue;
        const double y = yOfLatency(ns);
        const bool crowded = std::any_of(
            m_latencyTicks.begin(), m_latencyTicks.end(), [&](const Tick& t) { return std::abs(t.pos - y) < minGap; });
        if (!crowded && y - m_plot.top() >= -0.5)
            m_latencyTicks.push_back({ y, formatLatency(ns), major });
    }
}

void HeatmapWidget::updatePercentilePaths()
{
    for (auto& paths : m_percentilePaths)
        paths.clear();
    if (m_plot.isEmpty() || m_result.rows.empty())
        return;
    // A nearest-rank p99 of 30 spans is just their maximum: a line is drawn
    // only through columns with enough spans for its percentile to mean something.
    static constexpr int64_t kMinSpans[3] = { 5, 20, 100 };
    for (int k = 0; k < 3; ++k) {
        std::vector<QPointF> run;
        for (size_t c = 0; c < m_result.percentiles.size() && c + 1 < m_columnEdges.size(); ++c) {
            const ColumnPercentiles& p = m_result.percentiles[c];
            if (p.count < kMinSpans[k]) {
                if (run.size() > 0)
                    m_percentilePaths[k].push_back(std::move(run));
                run.clear();
                continue;
            }
            const double value = k == 0 ? p.p50Ns : k == 1 ? p.p95Ns : p.p99Ns;
            run.push_back({ (m_columnEdges[c] + m_columnEdges[c + 1]) / 2, yOfLatency(value) });
        }
        if (!run.empty())
            m_percentilePaths[k].push_back(std::move(run));
    }
}

} // namespace spanlight
