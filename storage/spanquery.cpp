#include "spanquery.h"

#include "latencyhistogram.h"
#include "querysql.h"
#include "rollupaccumulator.h"

#include <algorithm>
#include <cstring>

namespace spanlight {

namespace {

std::optional<int64_t> optionalInteger(const SqlQuery& q, int column)
{
    return q.isNull(column) ? std::nullopt : std::optional<int64_t>(q.integer(column));
}

} // namespace

SpanSummary readSpanSummary(const SqlQuery& q, NameCache& names)
{
    SpanSummary s;
    s.rowId = q.integer(0);
    if (q.blob(1).size() == s.traceId.size())
        std::memcpy(s.traceId.data(), q.blob(1).data(), s.traceId.size());
    if (q.blob(2).size() == s.spanId.size())
        std::memcpy(s.spanId.data(), q.blob(2).data(), s.spanId.size());
    s.service = names.dict(q.integer(3));
    s.name = names.dict(q.integer(4));
    s.tenant = names.dict(q.integer(5));
    s.model = names.dict(q.integer(6));
    s.startNs = q.integer(7);
    s.durationNs = q.integer(8);
    s.statusCode = static_cast<int>(q.integer(9));
    s.errorType = names.dict(q.integer(10));
    s.promptLabel = names.promptLabel(q.integer(11));
    s.inputTokens = optionalInteger(q, 12);
    s.outputTokens = optionalInteger(q, 13);
    s.cacheReadTokens = optionalInteger(q, 14);
    s.cacheWriteTokens = optionalInteger(q, 15);
    s.reasoningTokens = optionalInteger(q, 16);
    s.costNanoUsd = optionalInteger(q, 17);
    return s;
}

CellSpansResult queryCellSpans(sqlite3* db, const CellSpansQuery& query, const QueryControl& control)
{
    CellSpansResult result;
    if (query.limit < 1 || query.firstBucket > query.lastBucket) {
        result.error = "a span page needs a limit of at least 1 and a non-empty latency range";
        return result;
    }
    ReadSnapshot snapshot(db);
    const ResolvedFilters f = resolveFilters(db, query.filters, result);
    if (f.matchesNothing || stopRequested(control, result))
        return result;
    if (query.cursor == 0)
        noteRawHorizon(db, query.range, result);
    const auto rows = spanRowRange(db, query.range, result);
    if (!rows)
        return result;
    const int64_t last = query.cursor > 0 ? std::min(rows->second, query.cursor - 1) : rows->second;
    const RawSpanFilter filter = rawSpanFilter(f);
    SqlQuery q(db,
        "SELECT id, trace_id, span_id, service_id, name_id, tenant_id,"
        " coalesce(request_model_id, response_model_id), start_ns, duration_ns, status_code, error_type_id,"
        " prompt_fp_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,"
        " cost_nano_usd FROM spans WHERE id BETWEEN ? AND ? AND start_ns >= ? AND start_ns < ?"
        " AND duration_ns > ? AND duration_ns <= ?"
            + filter.sql + " ORDER BY id DESC LIMIT ?",
        result);
    q.bind(1, rows->first).bind(2, last);
    q.bind(3, query.range.fromMinute * kNsPerMinute).bind(4, query.range.toMinute * kNsPerMinute);
    q.bind(5, latency::lowerBound(query.firstBucket)).bind(6, latency::upperBound(query.lastBucket));
    const int next = q.bindAll(7, filter.params);
    q.bind(next, int64_t(query.limit) + 1); // one more tells whether another page exists
    NameCache names(db, result);
    while (q.next()) {
        if (static_cast<int>(result.spans.size()) == query.limit) {
            result.nextCursor = result.spans.back().rowId;
            break;
        }
        result.spans.push_back(readSpanSummary(q, names));
    }
    return result;
}

CellSpansQuery cellSpansQuery(const HeatmapQuery& heatmap, const HeatmapResult& result, const HeatmapCell& cell)
{
    CellSpansQuery q;
    q.filters = heatmap.filters;
    const int64_t from = result.columnStarts.at(static_cast<size_t>(cell.column));
    q.range = { from, std::min(from + heatmap.columnMinutes, heatmap.range.toMinute) };
    q.firstBucket = result.rows.at(static_cast<size_t>(cell.row)).firstBucket;
    q.lastBucket = result.rows.at(static_cast<size_t>(cell.row)).lastBucket;
    return q;
}

} // namespace spanlight
