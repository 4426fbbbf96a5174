#pragma once

#include "querytypes.h"
#include "records.h"

#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// A span known by id and start time (a FailingSpanSample, say).
struct SpanAt
{
    SpanId spanId {};
    int64_t startNs = 0;
};

struct SpanServicesResult : QueryStatus
{
    std::vector<std::string> services; ///< parallel to the input; empty where not found or not scanned
    bool scanCapped = false; ///< some minutes were left unread to stay within maxScannedRows
};

/// Services of a few spans. queryFailingTraces' samples carry no service and
/// spans have no index on span_id, so each distinct start minute's rowid
/// range (span_minutes) is scanned once, at most \a maxScannedRows rows in all.
SpanServicesResult querySpanServices(
    sqlite3* db, const std::vector<SpanAt>& spans, int64_t maxScannedRows = 500000, const QueryControl& control = {});

} // namespace spanlight
