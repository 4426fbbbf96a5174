#pragma once

// One very large, very deep trace (an agent run of 50,000 spans, depth >= 20)
// written into an existing telemetry.db through the real conversion and the
// TelemetryWriter: the trace the trace-open benchmark and the Traces view
// tests open. Deterministic and idempotent: spans already stored (by span id)
// are never written twice, so the benchmark can run again on the same data.

#include "records.h"

#include <QString>
#include <cstdint>
#include <string>
#include <vector>

namespace spanlight::bench {

/// 5b5b... — never produced by the generators (their ids are random).
inline constexpr TraceId kDeepTraceId
    = { 0x5b, 0x5b, 0xde, 0xe9, 0x7a, 0xce, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 };

struct DeepTraceOptions
{
    TraceId traceId = kDeepTraceId;
    int spans = 50'000;
    int spineDepth = 24; ///< a chain this deep guarantees the trace's depth
    int errorEvery = 997; ///< every n-th span fails
    int logs = 12; ///< log records naming spans of the trace
    /// 0: the newest stored minute, so the trace sits inside the data (or the
    /// stored spans' time when part of the trace is there already).
    int64_t startNs = 0;
    uint64_t seed = 7;
};

/// One planned span: index 0 is the root; parents come before children.
struct PlannedDeepSpan
{
    SpanId id {};
    int parent = -1;
    int depth = 0;
    int64_t offsetNs = 0; ///< start relative to the root's start
    int64_t durationNs = 0;
    bool error = false;
    bool llm = false;
    std::string name;
    std::string service;
};

std::vector<PlannedDeepSpan> planDeepTrace(const DeepTraceOptions& options);

struct DeepTraceResult
{
    bool ok = false;
    std::string error;
    int64_t alreadyStored = 0;
    int64_t written = 0;
    int64_t startNs = 0;
};

/// Makes sure \a dbPath (a telemetry.db) holds the whole trace. Opens a
/// TelemetryWriter with retention off, so no other data is touched; needs a
/// QCoreApplication (QtSql).
DeepTraceResult ensureDeepTrace(const QString& dbPath, const DeepTraceOptions& options = {});

} // namespace spanlight::bench
