#pragma once

#include "querytypes.h"
#include "records.h"

#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

struct FailingPromptsQuery
{
    TimeRange range;
    std::string tenant; ///< empty: every tenant
    std::string environment;
    int limit = 20;
    int64_t minSpansForRate = 20; ///< volume floor of the failure-rate ranking
    int topErrorTypes = 3;
};

struct PromptErrorType
{
    std::string errorType; ///< "(none)" for errors without error.type
    int64_t count = 0;
};

struct FailingPrompt
{
    int64_t promptId = 0;
    std::string fingerprint;
    std::string label;
    PromptSource source = PromptSource::None;
    int64_t firstSeenNs = 0;
    int64_t lastSeenNs = 0;
    std::string example;
    int64_t spans = 0;
    int64_t errors = 0;
    double failureRate = 0;
    int64_t durationSumNs = 0;
    int64_t costNanoUsd = 0;
    std::vector<PromptErrorType> topErrors; ///< most frequent first
};

struct FailingPromptsResult : QueryStatus
{
    std::vector<FailingPrompt> byFailures; ///< most failures first
    std::vector<FailingPrompt> byRate; ///< highest failure rate first, among prompts with >= minSpansForRate spans
    RollupCoverage coverage;
};

/// Ranks prompts by failures from rollup_prompt (+ rollup_prompt_error for
/// their top error types), joined to `prompts` for label, source and example.
FailingPromptsResult queryFailingPrompts(
    sqlite3* db, const FailingPromptsQuery& query, const QueryControl& control = {});

/// Recent failing spans of one prompt, one per trace, newest first.
struct FailingTracesQuery
{
    TimeRange range;
    std::string prompt; ///< fingerprint
    std::string tenant;
    std::string environment;
    int limit = 10;
    int64_t maxScannedRows = 500000; ///< bound on span rows read (newest minutes first)
};

struct FailingSpanSample
{
    TraceId traceId {};
    SpanId spanId {};
    int64_t startNs = 0;
    int64_t durationNs = 0;
    std::string errorType;
    std::string statusMessage;
};

struct FailingTracesResult : QueryStatus
{
    std::vector<FailingSpanSample> samples;
    int64_t scannedRows = 0;
    bool scanCapped = false; ///< stopped at maxScannedRows before reaching the range's start
};

/// Raw spans via span_minutes, newest minute first, a bounded scan.
FailingTracesResult queryFailingTraces(sqlite3* db, const FailingTracesQuery& query, const QueryControl& control = {});

} // namespace spanlight
