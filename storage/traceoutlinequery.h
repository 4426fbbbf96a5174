#pragma once

#include "querytypes.h"
#include "records.h"
#include "tracequery.h"

#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// What a waterfall row needs of a span; names are indexes into
/// TraceOutline::strings (0 is the empty string), so a 50,000-span trace
/// carries each distinct name once.
struct OutlineSpan
{
    int64_t rowId = 0;
    SpanId spanId {};
    SpanId parentSpanId {}; ///< all zero for a root span
    int64_t startNs = 0;
    int64_t durationNs = 0;
    uint32_t name = 0;
    uint32_t service = 0;
    uint32_t errorType = 0;
    uint32_t model = 0; ///< request model, else response model
    int kind = 0;
    int statusCode = 0;
    int flags = 0; ///< SpanFlags
};

struct TraceOutline : QueryStatus
{
    TraceId traceId {};
    std::vector<OutlineSpan> spans; ///< by start time
    std::vector<std::string> strings { std::string() };
};

/// The structure of a trace, without attributes: the first stage of a trace
/// view (heaptrack's staged results). Through trace_index runs, like queryTrace.
TraceOutline queryTraceOutline(sqlite3* db, const TraceId& traceId, const QueryControl& control = {});

/// Appended to a value cut at SpanDetailQuery::maxValueBytes.
inline constexpr const char* kTruncationMark = "\xE2\x80\xA6"; // …

/// One span in full, for the detail panel: the second stage.
struct SpanDetailQuery
{
    TraceId traceId {};
    int64_t rowId = 0;
    size_t maxValueBytes = 1024; ///< longer values end in kTruncationMark; 0: no limit ("show all")
};

struct SpanDetailResult : QueryStatus
{
    bool found = false;
    TraceSpan span;
    std::vector<AttributeText> resource;
    std::vector<TraceLogRecord> logs; ///< records that name this span, by time
    std::string priceRowDefinition; ///< the matched price row as stored (JSON); empty without one
    std::string promptExample; ///< the prompt's example text, when content capture kept one
    int truncatedValues = 0; ///< how many values were cut
};

SpanDetailResult querySpanDetail(sqlite3* db, const SpanDetailQuery& query, const QueryControl& control = {});

} // namespace spanlight
