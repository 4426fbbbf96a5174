#pragma once

#include "controlrecords.h"

#include <QString>
#include <functional>
#include <optional>

namespace spanlight {

class ControlStore;

/// Who is acting: a signed-in person (console or CLI) or Spanlight itself.
struct Session
{
    int64_t userId = 0;
    QString user;
    Role role = Role::Viewer;
    QString authMethod; ///< "password" (console), "cli-password", "bootstrap"
    int64_t signedInMs = 0;
    int64_t lastAuthMs = 0; ///< last password check: login or step-up

    bool valid() const { return userId != 0; }
};

using Clock = std::function<int64_t()>; ///< Unix milliseconds; injectable for tests
Clock systemClock();

/// Writes audit entries with the fields every entry shares (time, actor, role,
/// auth method, step-up time, host, app version) filled in one place.
class AuditRecorder
{
public:
    AuditRecorder(ControlStore& store, Clock clock);

    /// An entry for \a session about \a action on \a target, not yet written.
    AuditEntry entry(const Session& session, const QString& action, const QString& target) const;
    /// Writes it; nullopt (with \a error) when the audit log cannot be written.
    std::optional<int64_t> append(AuditEntry entry, QString* error);

    ControlStore& store() { return m_store; }
    int64_t now() const { return m_clock(); }

private:
    ControlStore& m_store;
    Clock m_clock;
    QString m_host;
};

} // namespace spanlight
