#pragma once

#include "records.h"
#include "sqliteconnection.h"

#include <string>
#include <vector>

namespace spanlight {

/// A span as read back for a trace view.
struct StoredSpan
{
    int64_t rowId = 0;
    TraceId traceId {};
    SpanId spanId {};
    SpanId parentSpanId {};
    std::string name;
    std::string service;
    std::string tenant;
    int kind = 0;
    int64_t startNs = 0;
    int64_t durationNs = 0;
    int statusCode = 0;
    std::string statusMessage;
    std::string detail;
};

/// Finds every span of a trace through trace_index (one row per trace per
/// commit) and rowid ranges, never through an index on the span table.
class TraceLookup
{
public:
    explicit TraceLookup(sqlite3* db);
    bool valid() const { return m_runs.valid() && m_spans.valid() && m_buckets.valid(); }

    /// Spans of the trace ordered by start time; empty when unknown.
    std::vector<StoredSpan> spansOf(const TraceId& trace, std::string* error = nullptr);

private:
    Statement m_buckets;
    Statement m_runs;
    Statement m_spans;
};

} // namespace spanlight
