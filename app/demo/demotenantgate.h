#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace spanlight {

namespace loadgen {
class Sender;
}

/// Which tenants of the demo fleet the demo's platform has paused (through its
/// control-plane receiver), and how many spans the fleet therefore did not send.
/// Thread-safe: the receiver's thread writes, the fleet's sender threads read.
class DemoTenantGate
{
public:
    void setPaused(const std::string& tenant, bool paused);
    bool paused(const std::string& tenant) const;
    bool anyPaused() const { return m_anyPaused.load(std::memory_order_acquire); }
    void addWithheld(int64_t spans) { m_withheld.fetch_add(spans, std::memory_order_relaxed); }
    /// Spans of paused tenants that were generated but never sent.
    int64_t withheld() const { return m_withheld.load(std::memory_order_relaxed); }

private:
    mutable std::mutex m_mutex;
    std::set<std::string> m_paused;
    std::atomic<bool> m_anyPaused { false };
    std::atomic<int64_t> m_withheld { 0 };
};

/// Wraps a fleet sender so that a paused tenant's spans and logs stop leaving the
/// fleet, as a paused tenant's requests stop reaching the platform. The load
/// runner still believes it sent them: DemoFleet subtracts gate->withheld().
std::unique_ptr<loadgen::Sender> gatedSender(
    std::unique_ptr<loadgen::Sender> inner, std::shared_ptr<DemoTenantGate> gate);

} // namespace spanlight
