#pragma once

#include "auditrecorder.h"
#include "passwordhasher.h"

#include <QString>

namespace spanlight {

class ControlStore;

struct AuthOptions
{
    PasswordCost cost;
    int maxFailedAttempts = 5; ///< consecutive failures before a lockout (auth/max_failed_logins)
    int64_t lockoutMs = 15 * 60 * 1000; ///< auth/lockout_minutes
    int64_t stepUpAfterMs
        = 5 * 60 * 1000; ///< destructive actions re-ask the password after this (auth/step_up_minutes)
};

struct LoginResult
{
    bool ok = false;
    Session session;
    QString error; ///< for the person at the keyboard; never says whether the user exists
};

/// Password sign-in, lockout after repeated failures, step-up re-authentication
/// and the first admin. Every attempt, good or bad, is audited.
class AuthService
{
public:
    AuthService(ControlStore& store, AuditRecorder& audit, AuthOptions options, Clock clock);

    bool hasUsers(QString* error = nullptr);
    /// Creates the first admin; refused once any user exists.
    LoginResult createFirstAdmin(const QString& name, const QByteArray& password);

    /// \a method is recorded in the session and the audit log ("password", "cli-password").
    LoginResult login(const QString& name, const QByteArray& password, const QString& method);
    /// Step-up: checks \a session's own password again; the new session's lastAuthMs is now.
    LoginResult reauthenticate(const Session& session, const QByteArray& password);
    /// True when \a session authenticated recently enough for a destructive action.
    bool stepUpFresh(const Session& session) const;

    const AuthOptions& options() const { return m_options; }

private:
    LoginResult fail(const QString& name, const QString& method, const QString& why, const QString& shown);

    ControlStore& m_store;
    AuditRecorder& m_audit;
    AuthOptions m_options;
    Clock m_clock;
};

} // namespace spanlight
