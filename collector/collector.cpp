#include "collector.h"

#include "grpcreceiver.h"
#include "ingestpipeline.h"
#include "telemetrywriter.h"

namespace spanlight {

Collector::Collector(TelemetryWriter& writer, IngestLimits limits)
    : m_writer(writer)
    , m_limits(limits)
    , m_pipeline(std::make_unique<IngestPipeline>(m_limits, writer, m_stats))
{
    m_http = std::make_unique<HttpReceiver>(*m_pipeline, m_limits, [this](std::string* json) {
        const WriterStats s = m_writer.stats();
        *json = std::string("{\"status\":\"") + (s.healthy ? "ok" : "unavailable") + "\",\"spans_stored\":"
            + std::to_string(s.spansStored) + ",\"queue_items\":" + std::to_string(s.queuedItems) + "}";
        return s.healthy;
    });
    m_grpc = std::make_unique<GrpcReceiver>(*m_pipeline, m_limits);
}

Collector::~Collector()
{
    drain(0);
}

bool Collector::start(const ReceiverOptions& options, std::string* error)
{
    m_pipeline->setGenAiSettings(options.genai); // before any receiver thread runs
    m_pipeline->setAuthenticator(options.ingestAuth);
    if (!m_http->start(options.bind, options.httpPort, options.httpTls, error))
        return false;
    if (!m_grpc->start(options.bind, options.grpcPort, options.grpcTls, error)) {
        m_http->stop();
        return false;
    }
    return true;
}

uint16_t Collector::httpPort() const
{
    return m_http->port();
}

uint16_t Collector::grpcPort() const
{
    return m_grpc->port();
}

void Collector::drain(int grpcDeadlineMs)
{
    // New requests are refused (503) from here; those already begun finish.
    m_http->stopAccepting();
    m_grpc->shutdown(grpcDeadlineMs); // returns once in-flight RPCs are answered
    m_http->waitForExchanges(m_limits.bodyTimeoutMs + m_limits.headerTimeoutMs);
    m_pipeline->close();
    m_pipeline->waitUntilIdle(); // nothing the writer holds refers to a receiver any more
    // Answers posted by the last completions are still being written; their
    // writes are bounded by the body timeout.
    m_http->waitForExchanges(m_limits.bodyTimeoutMs);
    m_http->stop();
}

} // namespace spanlight
