#pragma once

#include "httpreceiver.h"
#include "ingestlimits.h"

#include <memory>
#include <string>

namespace spanlight {

class IngestPipeline;

/// OTLP/gRPC with grpc++'s callback API: the three Export services answer from
/// the writer's completion, so no thread waits for a commit.
class GrpcReceiver
{
public:
    GrpcReceiver(IngestPipeline& pipeline, const IngestLimits& limits);
    ~GrpcReceiver();

    bool start(const std::string& address, uint16_t port, const TlsFiles& tls, std::string* error);
    uint16_t port() const { return m_port; }
    /// Stops accepting and waits (bounded) until in-flight exports are answered.
    void shutdown(int deadlineMs);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    uint16_t m_port = 0;
};

} // namespace spanlight
