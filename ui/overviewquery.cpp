#include "overviewquery.h"

#include "heatmapquery.h"
#include "spendquery.h"

#include <algorithm>

namespace spanlight {

namespace {

void takeStatus(OverviewFigures& out, const QueryStatus& part)
{
    if (out.error.empty() && !part.error.empty())
        out.error = part.error;
    out.interrupted = out.interrupted || part.interrupted;
    for (const std::string& notice : part.notices)
        if (std::find(out.notices.begin(), out.notices.end(), notice) == out.notices.end())
            out.notices.push_back(notice);
}

std::optional<double> ifCounted(int64_t count, double value)
{
    return count > 0 ? std::optional<double>(value) : std::nullopt;
}

} // namespace

OverviewFigures queryOverview(sqlite3* db, const TimeRange& range, int columnMinutes, const QueryFilters& filters,
    int64_t nowSeconds, const QueryControl& control)
{
    OverviewFigures out;
    out.range = range;
    out.columnMinutes = std::max(1, columnMinutes);
    // Coarse rows: only counts and percentiles per column are wanted, not a fine latency grid.
    const HeatmapResult columns = queryHeatmap(db, { range, out.columnMinutes, 64, filters }, control);
    takeStatus(out, columns);
    if (!out.ok() || control.stopRequested())
        return out;
    // One column over the whole range: exact whole-range percentiles, still from rollups.
    const int whole = static_cast<int>(std::max<int64_t>(1, range.minutes()));
    const HeatmapResult total = queryHeatmap(db, { range, whole, 64, filters }, control);
    takeStatus(out, total);
    if (!out.ok() || control.stopRequested())
        return out;
    const SpendResult spend = querySpend(db, { range, out.columnMinutes, filters }, control);
    takeStatus(out, spend);
    out.spendFiltered = spend.notices.empty();
    out.fromRawSpans = columns.fromRawSpans;

    // Seconds of each column that have passed: the running column counts only up to now.
    out.columnStarts = columns.columnStarts;
    const size_t n = out.columnStarts.size();
    std::vector<double> seconds(n, 0);
    for (size_t c = 0; c < n; ++c) {
        const int64_t from = out.columnStarts[c] * 60;
        const int64_t to = (c + 1 < n ? out.columnStarts[c + 1] : range.toMinute) * 60;
        seconds[c] = static_cast<double>(std::clamp<int64_t>(nowSeconds, from, to) - from);
        out.seconds += seconds[c];
    }

    std::vector<int64_t> counts(n, 0), errors(n, 0);
    for (const HeatmapCell& cell : columns.cells)
        if (cell.column >= 0 && static_cast<size_t>(cell.column) < n) {
            counts[cell.column] += cell.count;
            errors[cell.column] += cell.errorCount;
        }
    out.spans = columns.total;
    out.errors = columns.errorTotal;
    if (!total.percentiles.empty() && total.percentiles.front().count > 0) {
        out.p50Ns = total.percentiles.front().p50Ns;
        out.p95Ns = total.percentiles.front().p95Ns;
        out.p99Ns = total.percentiles.front().p99Ns;
    }
    for (size_t c = 0; c < n; ++c) {
        // A column with under a second behind it gives a wild rate: leave it out.
        out.spanRate.push_back(seconds[c] >= 1 ? std::optional<double>(counts[c] / seconds[c]) : std::nullopt);
        out.errorRate.push_back(ifCounted(counts[c], double(errors[c]) / double(std::max<int64_t>(1, counts[c]))));
        const ColumnPercentiles p = c < columns.percentiles.size() ? columns.percentiles[c] : ColumnPercentiles {};
        out.p50.push_back(ifCounted(p.count, p.p50Ns));
        out.p95.push_back(ifCounted(p.count, p.p95Ns));
        out.p99.push_back(ifCounted(p.count, p.p99Ns));
    }

    out.spend = spend.grand;
    std::vector<double> cost(n, 0), unpriced(n, 0), tenants(n, 0);
    for (const SpendSeries& tenant : spend.byTenant) {
        if (tenant.total.requests > 0)
            ++out.activeTenants;
        for (size_t c = 0; c < std::min(n, tenant.perColumn.size()); ++c) {
            cost[c] += static_cast<double>(tenant.perColumn[c].costNanoUsd);
            unpriced[c] += static_cast<double>(tenant.perColumn[c].unpricedRequests);
            tenants[c] += tenant.perColumn[c].requests > 0 ? 1 : 0;
        }
    }
    for (const SpendSeries& model : spend.byModel)
        if (model.total.unpricedRequests > 0)
            out.unpricedModels.push_back(model.name.empty() ? std::string("(no model)") : model.name);
    for (size_t c = 0; c < n; ++c) {
        out.spendPerHour.push_back(
            seconds[c] >= 1 ? std::optional<double>(cost[c] / 1e9 / seconds[c] * 3600.0) : std::nullopt);
        out.tenants.push_back(seconds[c] >= 1 ? std::optional<double>(tenants[c]) : std::nullopt);
        out.unpriced.push_back(seconds[c] >= 1 ? std::optional<double>(unpriced[c]) : std::nullopt);
    }
    return out;
}

} // namespace spanlight
