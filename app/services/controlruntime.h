#pragma once

#include "actionservice.h"
#include "auditrecorder.h"
#include "authservice.h"

#include <QString>
#include <memory>

namespace spanlight {

class ControlStore;
class KeyDirectory;
class TelemetryWriter;
struct AppConfig;
struct ControlPlaneOptions;

/// control.db and everything that acts on it, opened once per process: the
/// store (own writer thread), the audit recorder, sign-in, the action service
/// with its effects (control-plane webhook, telemetry purge, key directory).
/// The console, `--headless` and the CLI commands share it.
class ControlRuntime
{
public:
    explicit ControlRuntime(const AppConfig& config, Clock clock = systemClock());
    ~ControlRuntime();

    /// Opens control.db in the data dir and the audit key (audit/key_file).
    /// \a telemetry (may be null) receives purges. False with a message on failure.
    bool open(TelemetryWriter* telemetry, QString* error);

    /// Points control-plane actions at \a options (the demo's own platform).
    /// Call before any action runs: it replaces the action service.
    void useControlPlane(const ControlPlaneOptions& options);

    ControlStore& store() { return *m_store; }
    AuditRecorder& audit() { return *m_audit; }
    AuthService& auth() { return *m_auth; }
    ActionService& actions() { return *m_actions; }
    KeyDirectory& keys() { return *m_keys; }
    QString controlDbPath() const;

private:
    void makeActionService();

    struct Config;
    std::unique_ptr<Config> m_config;
    Clock m_clock;
    TelemetryWriter* m_telemetry = nullptr;
    std::unique_ptr<ControlStore> m_store;
    std::unique_ptr<AuditRecorder> m_audit;
    std::unique_ptr<AuthService> m_auth;
    std::unique_ptr<KeyDirectory> m_keys;
    std::unique_ptr<ActionService> m_actions;
};

} // namespace spanlight
