#pragma once

#include "heatmapquery.h"
#include "querytypes.h"
#include "records.h"

#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Spans that start in [range) with a duration inside the fine latency
/// buckets [firstBucket, lastBucket], newest stored first, one page at a time.
struct CellSpansQuery
{
    TimeRange range;
    int firstBucket = 0;
    int lastBucket = 1279;
    QueryFilters filters;
    int limit = 100;
    int64_t cursor = 0; ///< 0: first page; else the nextCursor of the previous page
};

/// One span as a list row.
struct SpanSummary
{
    int64_t rowId = 0;
    TraceId traceId {};
    SpanId spanId {};
    std::string service;
    std::string name;
    std::string tenant;
    std::string model;
    int64_t startNs = 0;
    int64_t durationNs = 0;
    int statusCode = 0;
    std::string errorType;
    std::string promptLabel;
    std::optional<int64_t> inputTokens;
    std::optional<int64_t> outputTokens;
    std::optional<int64_t> cacheReadTokens;
    std::optional<int64_t> cacheWriteTokens;
    std::optional<int64_t> reasoningTokens;
    std::optional<int64_t> costNanoUsd;
};

struct CellSpansResult : QueryStatus
{
    std::vector<SpanSummary> spans; ///< by descending rowid (arrival order, newest first)
    int64_t nextCursor = 0; ///< 0: this was the last page
};

/// Raw spans through span_minutes rowid ranges. The keyset cursor is a rowid,
/// so no span appears on two pages; spans stored after the first page was read
/// show up on a fresh first page.
class NameCache;
class SqlQuery;
/// One row of the span summary columns (id, trace_id, span_id, service_id,
/// name_id, tenant_id, model, start_ns, duration_ns, status_code,
/// error_type_id, prompt_fp_id, five token kinds, cost) as a SpanSummary; the
/// cell-spans and span-search queries both select them in this order.
SpanSummary readSpanSummary(const SqlQuery& row, NameCache& names);

CellSpansResult queryCellSpans(sqlite3* db, const CellSpansQuery& query, const QueryControl& control = {});

/// The spans of one heatmap cell, with the heatmap's filters.
CellSpansQuery cellSpansQuery(const HeatmapQuery& heatmap, const HeatmapResult& result, const HeatmapCell& cell);

} // namespace spanlight
