#pragma once

#include "querytypes.h"

#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// A series with one value per time column; nullopt where the column has no data.
using Series = std::vector<std::optional<double>>;

/// Everything the Overview page shows, computed on a reader thread from two
/// rollup reads (heatmap columns and one whole-range column) and a spend read,
/// so the UI thread only formats numbers.
struct OverviewFigures : QueryStatus
{
    TimeRange range;
    int columnMinutes = 1;
    std::vector<int64_t> columnStarts;
    double seconds = 0; ///< of the range that has passed (a live range ends now, not at the minute's end)

    int64_t spans = 0;
    int64_t errors = 0;
    std::optional<double> p50Ns, p95Ns, p99Ns; ///< whole range, within 1%
    SpendTotals spend;
    int activeTenants = 0; ///< tenants with LLM calls in the range
    std::vector<std::string> unpricedModels; ///< models with calls that matched no price row

    Series spanRate; ///< spans per second
    Series errorRate; ///< errors / spans, 0..1
    Series p50, p95, p99; ///< ns
    Series spendPerHour; ///< USD per hour
    Series tenants; ///< active tenants per column
    Series unpriced; ///< unpriced calls per column

    bool fromRawSpans = false; ///< a prompt filter: latency from raw spans
    bool spendFiltered = true; ///< false when the spend rollup could not apply every filter
};

/// Reads the overview for [range) in columns of \a columnMinutes. \a nowSeconds
/// (unix) cuts the last, still running column so rates do not dip at the end.
OverviewFigures queryOverview(sqlite3* db, const TimeRange& range, int columnMinutes, const QueryFilters& filters,
    int64_t nowSeconds, const QueryControl& control = {});

} // namespace spanlight
