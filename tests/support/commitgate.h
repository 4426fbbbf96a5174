#pragma once

#include "telemetrywriter.h"

#include <future>
#include <mutex>

namespace spanlight::test {

/// Holds the writer just before its next COMMIT until released: the way tests
/// prove that no exporter is answered before its data is durable, and fill
/// the queue deterministically behind a transaction in progress.
class CommitGate
{
public:
    explicit CommitGate(TelemetryWriter& writer)
        : m_writer(writer)
        , m_released(m_release.get_future().share())
    {
        m_writer.setBeforeCommitHook([this, released = m_released] {
            std::call_once(m_once, [this, released] {
                m_held.set_value();
                released.wait();
            });
        });
    }
    ~CommitGate()
    {
        release();
        m_writer.setBeforeCommitHook({});
    }

    /// Blocks until the writer is inside a transaction, before COMMIT.
    void waitUntilHeld() { m_held.get_future().wait(); }
    void release()
    {
        std::call_once(m_releaseOnce, [this] { m_release.set_value(); });
    }

private:
    TelemetryWriter& m_writer;
    std::promise<void> m_held;
    std::promise<void> m_release;
    std::shared_future<void> m_released;
    std::once_flag m_once;
    std::once_flag m_releaseOnce;
};

} // namespace spanlight::test
