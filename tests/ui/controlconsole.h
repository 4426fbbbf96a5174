#pragma once

// A console with users, roles and audited actions, for the Tenants, Audit and
// sign-in tests: a real control.db in a temporary directory opened through a
// real ControlRuntime (audit key under XDG_CONFIG_HOME = that directory), users
// created through the real auth and action services, and generated telemetry
// (shared by the whole test process: generating it takes a few seconds).

#include "auditrecorder.h"
#include "consolefixture.h"

#include <QTemporaryDir>
#include <atomic>
#include <memory>

namespace spanlight {
class ControlRuntime;
class MainWindow;
}

namespace spanlight::test {

/// The generated multi-tenant telemetry every test of the process reads.
ConsoleFixture& sharedTelemetry();
/// Closes it (from a gtest Environment, while QApplication still exists).
void releaseSharedTelemetry();

class ControlConsole
{
public:
    /// Every test user's password (Argon2id at the cheapest cost the service allows, for speed).
    static const QByteArray kPassword;

    /// \a withUsers: ada (admin), bob (admin), otto (operator), vera (viewer), aude (auditor).
    explicit ControlConsole(bool withUsers = true);
    ~ControlConsole();

    bool ok() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }
    ControlRuntime& control() { return *m_control; }
    QString directory() const { return m_dir.path(); }

    /// Signs \a user in on the calling thread (tests only: the console does it on the worker).
    Session signIn(const QString& user);
    /// The real window for \a session at 1366x768, shown offscreen; telemetry range: 24 h.
    std::unique_ptr<MainWindow> openWindow(const Session& session);
    /// Moves the control runtime's clock (step-up windows, lockouts) without waiting.
    void advanceClock(int64_t ms) { *m_offsetMs += ms; }

private:
    QTemporaryDir m_dir;
    std::shared_ptr<std::atomic<int64_t>> m_offsetMs;
    std::unique_ptr<ControlRuntime> m_control;
    QString m_error;
};

} // namespace spanlight::test
