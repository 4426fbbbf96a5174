#pragma once

#include "collectorstats.h"
#include "genaisettings.h"
#include "httpreceiver.h"
#include "ingestlimits.h"

#include <memory>
#include <string>

namespace spanlight {

class TelemetryWriter;
class IngestAuthenticator;
class IngestPipeline;
class GrpcReceiver;

struct ReceiverOptions
{
    std::string bind = "127.0.0.1";
    uint16_t httpPort = 4318;
    uint16_t grpcPort = 4317;
    TlsFiles httpTls;
    TlsFiles grpcTls;
    GenAiSettings genai; ///< how spans are read as GenAI calls (config genai/*)
    /// Who may ingest, and under which tenant; null: ingest auth off (auth/ingest).
    std::shared_ptr<const IngestAuthenticator> ingestAuth;
};

/// Both OTLP receivers over one pipeline and writer: what `spanlight` and
/// `spanlight --headless` run, and what integration tests start on port 0.
class Collector
{
public:
    Collector(TelemetryWriter& writer, IngestLimits limits);
    ~Collector();

    bool start(const ReceiverOptions& options, std::string* error);
    uint16_t httpPort() const;
    uint16_t grpcPort() const;

    /// Graceful drain (SIGTERM): stop accepting, answer every queued export
    /// after its commit, then stop the receivers. The writer keeps running.
    void drain(int grpcDeadlineMs = 30000);

    CollectorStats& stats() { return m_stats; }
    const CollectorStats& stats() const { return m_stats; }
    const IngestLimits& limits() const { return m_limits; }

private:
    TelemetryWriter& m_writer;
    IngestLimits m_limits;
    CollectorStats m_stats;
    std::unique_ptr<IngestPipeline> m_pipeline;
    std::unique_ptr<HttpReceiver> m_http;
    std::unique_ptr<GrpcReceiver> m_grpc;
};

} // namespace spanlight
