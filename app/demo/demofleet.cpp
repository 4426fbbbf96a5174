#include "demofleet.h"

#include "democontrolplane.h"
#include "demotenantgate.h"
#include "loadrunner.h"
#include "sender.h"
#include "trafficmodel.h"

#include <algorithm>
#include <chrono>

namespace spanlight {

DemoFleet::DemoFleet(DemoOptions options)
    : m_options(std::move(options))
    , m_gate(std::make_shared<DemoTenantGate>())
{
    loadgen::TrafficOptions traffic; // the same fleet the runner's models build from the same options
    traffic.tenants = m_options.tenants;
    const loadgen::TrafficModel model(traffic);
    for (int i = 0; i < model.tenantCount(); ++i)
        m_tenantNames.push_back(model.tenantName(i));
    m_controlPlane = std::make_unique<DemoControlPlane>(m_gate, m_tenantNames);
}

DemoFleet::~DemoFleet()
{
    stop();
}

bool DemoFleet::start(std::string* error)
{
    if (m_runner)
        return true;
    loadgen::SenderOptions sender;
    if (!loadgen::makeSender(m_options.endpoint, false, sender, error))
        return false;
    if (!m_controlPlane->start(error))
        return false;
    loadgen::LoadConfig config;
    config.endpoint = m_options.endpoint;
    config.makeSender = [endpoint = m_options.endpoint, sender, gate = m_gate] {
        return gatedSender(loadgen::makeSender(endpoint, false, sender), gate);
    };
    config.traffic.tenants = m_options.tenants;
    config.spansPerSecond = m_options.spansPerSecond;
    // Several small exports a second, like SDK batch processors of a fleet, so the live
    // views move smoothly instead of jumping once a second.
    config.batchSize = std::max(1, static_cast<int>(m_options.spansPerSecond / 5));
    config.connections = 1;
    // Retries matter only while the collector is busy; at shutdown stop() ends them.
    config.retryTimeout = std::chrono::milliseconds(10'000);
    try {
        m_runner = std::make_unique<loadgen::LoadRunner>(config);
        m_runner->start();
    } catch (const std::exception& e) {
        m_runner.reset();
        m_controlPlane->stop();
        if (error)
            *error = e.what();
        return false;
    }
    return true;
}

DemoTotals DemoFleet::stop()
{
    DemoTotals totals;
    if (!m_runner)
        return totals;
    m_runner->stop();
    const loadgen::LoadSummary summary = m_runner->wait();
    m_controlPlane->stop();
    // The runner counts the spans it generated; those of paused tenants never left.
    totals.spansWithheld = m_gate->withheld();
    totals.spansSent = summary.spansSent - totals.spansWithheld;
    totals.spansAcknowledged = summary.spansAcknowledged - totals.spansWithheld;
    totals.problem = summary.abortReason;
    m_runner.reset();
    return totals;
}

int64_t DemoFleet::spansAcknowledged() const
{
    return m_runner ? m_runner->counters().spansAcknowledged - m_gate->withheld() : 0;
}

QString DemoFleet::controlPlaneUrl() const
{
    if (!m_runner || m_controlPlane->port() == 0)
        return {};
    return QStringLiteral("http://127.0.0.1:%1").arg(m_controlPlane->port());
}

QByteArray DemoFleet::controlPlaneSecret() const
{
    return QByteArray::fromStdString(m_controlPlane->secret());
}

DemoControlPlaneStats DemoFleet::controlPlaneStats() const
{
    return m_controlPlane->stats();
}

bool DemoFleet::tenantPaused(const std::string& tenant) const
{
    return m_gate->paused(tenant);
}

} // namespace spanlight
