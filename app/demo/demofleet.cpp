#include "demofleet.h"

#include "loadrunner.h"
#include "sender.h"

#include <algorithm>
#include <chrono>

namespace spanlight {

DemoFleet::DemoFleet(DemoOptions options)
    : m_options(std::move(options))
{
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
    loadgen::LoadConfig config;
    config.endpoint = m_options.endpoint;
    config.makeSender
        = [endpoint = m_options.endpoint, sender] { return loadgen::makeSender(endpoint, false, sender); };
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
    totals.spansSent = summary.spansSent;
    totals.spansAcknowledged = summary.spansAcknowledged;
    totals.problem = summary.abortReason;
    m_runner.reset();
    return totals;
}

int64_t DemoFleet::spansAcknowledged() const
{
    return m_runner ? m_runner->counters().spansAcknowledged : 0;
}

} // namespace spanlight
