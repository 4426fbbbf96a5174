#include "heatmapquery.h"

#include "latencyhistogram.h"
#include "querysql.h"
#include "rollupranges.h"

#include <algorithm>
#include <map>

namespace spanlight {

namespace {

constexpr int64_t kMaxColumns = 10000;

struct Column
{
    LatencyHistogram ok;
    LatencyHistogram errors;
};

int columnCount(const HeatmapQuery& q)
{
    return static_cast<int>((q.range.minutes() + q.columnMinutes - 1) / q.columnMinutes);
}

TimeRange columnRange(const HeatmapQuery& q, int c)
{
    const int64_t from = q.range.fromMinute + int64_t(c) * q.columnMinutes;
    return { from, std::min(from + q.columnMinutes, q.range.toMinute) };
}

void readRollups(sqlite3* db, const HeatmapQuery& q, const ResolvedFilters& f, std::vector<Column>& columns,
    HeatmapResult& result, const QueryControl& control)
{
    // No dimension filter: the total rows (their own table). A filter: the
    // full-dimension rows.
    std::string sql = std::string("SELECT is_error, hist FROM ")
        + (f.hasDimension() ? "rollup_latency" : "rollup_latency_total")
        + " WHERE grain = ? AND slot >= ? AND slot < ?";
    std::vector<int64_t> params;
    if (f.hasDimension()) {
        const std::pair<int64_t, const char*> clauses[]
            = { { f.tenantId, " AND tenant_id = ?" }, { f.environmentId, " AND environment_id = ?" },
                  { f.serviceId, " AND service_id = ?" }, { f.modelId, " AND model_id = ?" } };
        for (const auto& [id, clause] : clauses) {
            if (id) {
                sql += clause;
                params.push_back(id);
            }
        }
    }
    if (f.status != StatusFilter::Any) {
        sql += " AND is_error = ?";
        params.push_back(f.status == StatusFilter::Error ? 1 : 0);
    }
    SqlQuery rows(db, sql, result);
    const RollupHorizon horizon = readRollupHorizon(db, "rollup_latency", result);
    LatencyHistogram hist;
    for (size_t c = 0; c < columns.size() && result.ok(); ++c) {
        if (stopRequested(control, result))
            return;
        for (const RollupPiece& piece : plannedPieces(columnRange(q, int(c)), horizon, &result.coverage)) {
            rows.bind(1, static_cast<int64_t>(piece.grain)).bind(2, piece.fromSlot).bind(3, piece.toSlot);
            rows.bindAll(4, params);
            while (rows.next()) {
                if (!LatencyHistogram::decode(rows.blob(1), &hist)) {
                    result.error = "a latency histogram in rollup_latency is malformed";
                    return;
                }
                (rows.integer(0) ? columns[c].errors : columns[c].ok).merge(hist);
            }
            rows.reset();
        }
    }
}

void readRawSpans(sqlite3* db, const HeatmapQuery& q, const ResolvedFilters& f, std::vector<Column>& columns,
    HeatmapResult& result, const QueryControl& control)
{
    noteRawHorizon(db, q.range, result);
    const auto rowRange = spanRowRange(db, q.range, result);
    if (!rowRange)
        return;
    const RawSpanFilter filter = rawSpanFilter(f);
    SqlQuery spans(db,
        "SELECT start_ns, duration_ns, status_code FROM spans WHERE id BETWEEN ? AND ? AND start_ns >= ?"
        " AND start_ns < ?"
            + filter.sql,
        result);
    spans.bind(1, rowRange->first).bind(2, rowRange->second);
    spans.bind(3, q.range.fromMinute * kNsPerMinute).bind(4, q.range.toMinute * kNsPerMinute);
    spans.bindAll(5, filter.params);
    int64_t seen = 0;
    while (spans.next()) {
        if ((++seen & 4095) == 0 && stopRequested(control, result))
            return;
        const auto c = static_cast<size_t>((minuteOf(spans.integer(0)) - q.range.fromMinute) / q.columnMinutes);
        (spans.integer(2) == 2 ? columns[c].errors : columns[c].ok).add(spans.integer(1));
    }
}

void buildCells(const HeatmapQuery& q, const std::vector<Column>& columns, HeatmapResult& result)
{
    int minBucket = latency::kBucketCount, maxBucket = -1;
    for (const Column& col : columns) {
        for (const LatencyHistogram* h : { &col.ok, &col.errors }) {
            if (!h->empty()) {
                minBucket = std::min(minBucket, h->buckets().front().first);
                maxBucket = std::max(maxBucket, h->buckets().back().first);
            }
        }
    }
    const int k = q.bucketsPerRow;
    const int firstRow = maxBucket < 0 ? 0 : minBucket / k;
    const int lastRow = maxBucket < 0 ? -1 : maxBucket / k;
    for (int r = firstRow; r <= lastRow; ++r) {
        const int first = r * k, last = std::min(first + k - 1, latency::kBucketCount - 1);
        result.rows.push_back({ first, last, latency::lowerBound(first), latency::upperBound(last) });
    }
    for (size_t c = 0; c < columns.size(); ++c) {
        std::map<int, HeatmapCell> cells;
        for (const auto& [bucket, count] : columns[c].ok.buckets())
            cells[bucket / k - firstRow].count += count;
        for (const auto& [bucket, count] : columns[c].errors.buckets()) {
            HeatmapCell& cell = cells[bucket / k - firstRow];
            cell.count += count;
            cell.errorCount += count;
        }
        for (auto& [row, cell] : cells) {
            cell.column = static_cast<int>(c);
            cell.row = row;
            result.maxCount = std::max(result.maxCount, cell.count);
            result.total += cell.count;
            result.errorTotal += cell.errorCount;
            result.cells.push_back(cell);
        }
        LatencyHistogram all = columns[c].ok;
        all.merge(columns[c].errors);
        result.percentiles.push_back({ all.total(), all.quantileNs(0.50), all.quantileNs(0.95), all.quantileNs(0.99) });
    }
}

} // namespace

HeatmapResult queryHeatmap(sqlite3* db, const HeatmapQuery& query, const QueryControl& control)
{
    HeatmapResult result;
    if (query.columnMinutes < 1 || query.bucketsPerRow < 1) {
        result.error = "a heatmap needs a column width and a row height of at least 1";
        return result;
    }
    if (columnCount(query) > kMaxColumns) {
        result.error = "a heatmap has at most " + std::to_string(kMaxColumns) + " columns: widen the columns";
        return result;
    }
    std::vector<Column> columns(static_cast<size_t>(columnCount(query)));
    for (int c = 0; c < columnCount(query); ++c)
        result.columnStarts.push_back(columnRange(query, c).fromMinute);
    {
        ReadSnapshot snapshot(db);
        const ResolvedFilters filters = resolveFilters(db, query.filters, result);
        if (filters.matchesNothing) {
            // Nothing to read; the notice says which name is unknown.
        } else if (filters.promptId) {
            result.fromRawSpans = true;
            readRawSpans(db, query, filters, columns, result, control);
        } else {
            readRollups(db, query, filters, columns, result, control);
            noteCoverage(result.coverage, result);
        }
    }
    buildCells(query, columns, result);
    return result;
}

} // namespace spanlight
