#pragma once

#include "querytypes.h"

#include <vector>

struct sqlite3;

namespace spanlight {

/// Time × latency over [range): columns of \a columnMinutes, rows of
/// \a bucketsPerRow consecutive fine latency buckets (latency::bucketOf), so a
/// row's bounds are exact bucket bounds and its spans can be fetched raw.
struct HeatmapQuery
{
    TimeRange range;
    int columnMinutes = 1;
    int bucketsPerRow = 8; ///< 8 buckets of γ = 1.02: about 17% of latency per row
    QueryFilters filters;
};

struct HeatmapCell
{
    int column = 0;
    int row = 0; ///< index into HeatmapResult::rows
    int64_t count = 0;
    int64_t errorCount = 0;
};

/// Latency bounds of a row: durations d with lowerNs < d <= upperNs.
struct HeatmapRow
{
    int firstBucket = 0;
    int lastBucket = 0;
    int64_t lowerNs = 0; ///< exclusive (latency::lowerBound(firstBucket))
    int64_t upperNs = 0; ///< inclusive (latency::upperBound(lastBucket))
};

/// Nearest-rank percentiles of one column, within 1% of the exact value.
struct ColumnPercentiles
{
    int64_t count = 0;
    double p50Ns = 0;
    double p95Ns = 0;
    double p99Ns = 0;
};

struct HeatmapResult : QueryStatus
{
    std::vector<int64_t> columnStarts; ///< first unix minute of each column (the last may be shorter)
    std::vector<HeatmapRow> rows; ///< from the lowest to the highest non-empty row, dense
    std::vector<HeatmapCell> cells; ///< non-empty cells, by column then row
    std::vector<ColumnPercentiles> percentiles; ///< one per column
    int64_t maxCount = 0;
    int64_t total = 0;
    int64_t errorTotal = 0;
    bool fromRawSpans = false; ///< a prompt filter: rollup_latency has no prompt dimension
    RollupCoverage coverage;
};

/// Reads rollup_latency (total rows without a dimension filter, full-dimension
/// rows with one) or, with a prompt filter, raw spans via span_minutes.
HeatmapResult queryHeatmap(sqlite3* db, const HeatmapQuery& query, const QueryControl& control = {});

} // namespace spanlight
