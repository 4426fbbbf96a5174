#pragma once

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spanlight {

namespace loadgen {
class LoadRunner;
}
class DemoControlPlane;
class DemoTenantGate;
struct DemoControlPlaneStats;

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
    int64_t spansWithheld = 0; ///< generated for paused tenants and not sent (not in the two counts above)
    std::string problem; ///< why the fleet stopped early (nothing listening...), empty if it did not
};

/// Sends a simulated multi-tenant GenAI fleet (spanlight-loadgen's TrafficModel)
/// as real OTLP over loopback on the load runner's own threads, so a first
/// start shows a console with data flowing through the real ingest path.
///
/// The fleet's platform listens for control-plane actions (docs/control-plane.md)
/// on controlPlaneUrl() with controlPlaneSecret(): a paused tenant stops sending
/// until it is resumed, so the console shows the pause take effect.
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

    /// The control-plane base URL ("http://127.0.0.1:<port>") while running, else empty.
    QString controlPlaneUrl() const;
    /// The shared secret the demo's control plane verifies signatures with.
    QByteArray controlPlaneSecret() const;
    DemoControlPlaneStats controlPlaneStats() const;
    /// The fleet's tenants, as their telemetry names them (tenant.id).
    const std::vector<std::string>& tenantNames() const { return m_tenantNames; }
    bool tenantPaused(const std::string& tenant) const;

private:
    DemoOptions m_options;
    std::vector<std::string> m_tenantNames;
    std::shared_ptr<DemoTenantGate> m_gate;
    std::unique_ptr<DemoControlPlane> m_controlPlane;
    std::unique_ptr<loadgen::LoadRunner> m_runner;
};

} // namespace spanlight
