#pragma once

#include "collectorstats.h"
#include "telemetrywriter.h"

#include <QString>
#include <array>
#include <map>
#include <string>

namespace spanlight {

class CollectorRuntime;

/// A copy of the collector's counters at one moment, cheap to take (atomics and
/// one mutex, no I/O), so the UI thread may take it on a timer.
struct IngestSnapshot
{
    QString httpEndpoint;
    QString grpcEndpoint;
    QString dataDir;
    int64_t httpRequests = 0;
    int64_t grpcRequests = 0;
    int64_t spansReceived = 0;
    int64_t logsReceived = 0;
    int64_t pointsReceived = 0;
    int64_t attributesTruncated = 0;
    int64_t openConnections = 0;
    std::array<int64_t, static_cast<size_t>(RejectReason::Count)> rejected {};
    WriterStats writer;
};

IngestSnapshot takeSnapshot(CollectorRuntime& runtime);

} // namespace spanlight
