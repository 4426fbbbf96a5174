#include "ingestsnapshot.h"

#include "collectorruntime.h"

namespace spanlight {

IngestSnapshot takeSnapshot(CollectorRuntime& runtime)
{
    IngestSnapshot s;
    s.httpEndpoint = runtime.httpEndpoint();
    s.grpcEndpoint = runtime.grpcEndpoint();
    s.dataDir = runtime.config().dataDir;
    if (!runtime.running())
        return s;
    const CollectorStats& c = runtime.collector().stats();
    s.httpRequests = c.httpRequests;
    s.grpcRequests = c.grpcRequests;
    s.spansReceived = c.spansReceived;
    s.logsReceived = c.logsReceived;
    s.pointsReceived = c.pointsReceived;
    s.attributesTruncated = c.attributesTruncated;
    s.openConnections = c.openConnections;
    for (size_t i = 0; i < s.rejected.size(); ++i)
        s.rejected[i] = c.rejected[i];
    s.writer = runtime.writer().stats();
    return s;
}

} // namespace spanlight
