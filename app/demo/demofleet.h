#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace spanlight {

namespace loadgen {
class LoadRunner;
}

struct DemoOptions
{
    std::string endpoint; ///< "http://127.0.0.1:4318": the collector's own HTTP receiver
    double spansPerSecond = 300; ///< modest: a living console, not a benchmark
    int tenants = 8;
};

/// What the fleet did, for the line printed at exit.
struct DemoTotals
{
    int64_t spansSent = 0;
    int64_t spansAcknowledged = 0;
    std::string problem; ///< why the fleet stopped early (nothing listening...), empty if it did not
};

/// Sends a simulated multi-tenant GenAI fleet (spanlight-loadgen's TrafficModel)
/// as real OTLP over loopback on the load runner's own threads, so a first
/// start shows a console with data flowing through the real ingest path.
class DemoFleet
{
public:
    explicit DemoFleet(DemoOptions options);
    ~DemoFleet(); ///< stops and joins

    DemoFleet(const DemoFleet&) = delete;
    DemoFleet& operator=(const DemoFleet&) = delete;

    /// Starts sending and returns at once; false with \a error if the endpoint is unusable.
    bool start(std::string* error);
    /// Stops sending and joins the sender thread: call before the collector drains,
    /// so no export is cut off half-way. Idempotent.
    DemoTotals stop();
    bool running() const { return m_runner != nullptr; }
    int64_t spansAcknowledged() const;

private:
    DemoOptions m_options;
    std::unique_ptr<loadgen::LoadRunner> m_runner;
};

} // namespace spanlight
