#pragma once

#include "detaildecode.h"
#include "querytypes.h"
#include "records.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Every stored fact of one span, detail decoded.
struct TraceSpan
{
    int64_t rowId = 0;
    TraceId traceId {};
    SpanId spanId {};
    SpanId parentSpanId {}; ///< all zero for a root span
    std::string tenant;
    std::string environment;
    std::string service;
    std::string name;
    std::string scope;
    int kind = 0;
    int64_t startNs = 0;
    int64_t durationNs = 0;
    int statusCode = 0;
    std::string statusMessage;
    std::string errorType;
    std::string provider;
    std::string requestModel;
    std::string responseModel;
    std::string operation;
    std::optional<int64_t> inputTokens;
    std::optional<int64_t> outputTokens;
    std::optional<int64_t> cacheReadTokens;
    std::optional<int64_t> cacheWriteTokens;
    std::optional<int64_t> reasoningTokens;
    std::optional<int64_t> costNanoUsd;
    std::optional<int64_t> priceRowId;
    std::string session;
    std::string endUser;
    int convention = 0; ///< ConventionBits
    int flags = 0; ///< SpanFlags, prompt source in bits 8..10
    std::string promptFingerprint;
    std::string promptLabel;
    int64_t resourceId = 0; ///< key into TraceResult::resources
    SpanDetailText detail;
};

struct TraceLogRecord
{
    int64_t rowId = 0;
    int64_t timeNs = 0;
    int64_t observedNs = 0;
    SpanId spanId {};
    std::string service;
    int severityNumber = 0;
    std::string severityText;
    std::string eventName;
    std::string body; ///< the body as text
    std::vector<AttributeText> attributes;
};

struct TraceResult : QueryStatus
{
    std::vector<TraceSpan> spans; ///< by start time
    std::vector<TraceLogRecord> logs; ///< by time
    std::map<int64_t, std::vector<AttributeText>> resources; ///< resource attributes by TraceSpan::resourceId
};

/// A trace by id: spans through trace_index runs, logs through log_index,
/// never through an index on the span or log table.
TraceResult queryTrace(sqlite3* db, const TraceId& traceId, const QueryControl& control = {});

} // namespace spanlight
