#pragma once

#include "ingestlimits.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace spanlight {

class IngestPipeline;

struct TlsFiles
{
    std::string certificate; ///< PEM chain; empty = plain TCP
    std::string privateKey;
    bool enabled() const { return !certificate.empty(); }
};

/// OTLP/HTTP on Boost.Beast, on its own io_context threads. Reads headers and
/// bodies under the limits, inflates, hands bodies to the pipeline and answers
/// only when the pipeline replies (after the commit).
class HttpReceiver
{
public:
    /// Reports whether storage can take data, and a JSON fragment for /health.
    using HealthFn = std::function<bool(std::string* json)>;

    HttpReceiver(IngestPipeline& pipeline, const IngestLimits& limits, HealthFn health);
    ~HttpReceiver();

    /// Binds and starts serving; false with a message (e.g. port taken).
    bool start(const std::string& address, uint16_t port, const TlsFiles& tls, std::string* error);
    uint16_t port() const { return m_port; }
    /// Stops accepting; open connections finish their request and close.
    void stopAccepting();
    /// Waits until every request whose header arrived has been answered
    /// (idle keep-alive connections do not count); false on timeout.
    bool waitForExchanges(int timeoutMs);
    /// Stops the threads. Call after the pipeline is idle.
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
    uint16_t m_port = 0;
};

} // namespace spanlight
