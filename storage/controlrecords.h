#pragma once

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <optional>

namespace spanlight {

// Rows of control.db (DESIGN.md "Two databases"): who may act, which keys may
// ingest, which tenants are paused, what is waiting for a second admin, and the
// audit log. Times are Unix milliseconds (UTC).

enum class Role { Viewer = 0, Operator = 1, Admin = 2, Auditor = 3 };

QString roleName(Role role); ///< "viewer", "operator", "admin", "auditor"
std::optional<Role> roleFromName(const QString& name);

struct UserRecord
{
    int64_t id = 0;
    QString name;
    Role role = Role::Viewer;
    QString passwordHash; ///< crypto_pwhash_str output (Argon2id, encodes its own parameters)
    bool disabled = false;
    int failedAttempts = 0; ///< consecutive failed logins
    int64_t lockedUntilMs = 0; ///< 0: not locked out
    int64_t createdMs = 0;
    int64_t lastLoginMs = 0;
};

struct IngestKeyRecord
{
    int64_t id = 0;
    QString tenant;
    QString prefix; ///< the first characters of the key, shown in lists ("spl_ab12")
    QString last4; ///< the last four characters, shown in lists
    QByteArray secretHash; ///< SHA-256 of the whole key, 32 bytes; the key itself is never stored
    int64_t createdMs = 0;
    int64_t expiresMs = 0; ///< 0: does not expire (set when a rotation starts the grace period)
    int64_t revokedMs = 0; ///< 0: not revoked
    QString createdBy;

    bool activeAt(int64_t nowMs) const { return revokedMs == 0 && (expiresMs == 0 || nowMs < expiresMs); }
};

struct TenantState
{
    QString tenant;
    bool paused = false;
    QString changedBy; ///< who paused or resumed last
    int64_t changedMs = 0;
    QString reason;
    int64_t monthlyBudgetNanoUsd = 0; ///< 0: no budget
};

/// A destructive action waiting for a second admin (two-person rule).
struct ApprovalRecord
{
    int64_t id = 0;
    QString action; ///< ActionKind name, e.g. "tenant.purge_data"
    QString target;
    QString params; ///< canonical JSON of the action's parameters
    QString requestedBy;
    QString reason;
    QString ticket;
    int64_t requestedMs = 0;
    int64_t expiresMs = 0; ///< requestedMs + 30 min
    QString approvedBy; ///< empty until approved
    int64_t approvedMs = 0;
    int64_t consumedMs = 0; ///< set when the approved action ran; an approval runs once
};

/// One audit log entry. Never updated: an action writes an Intent entry before
/// its effect and an Outcome entry (citing the intent's seq) after; a denial
/// is a single Outcome entry with outcome "denied".
struct AuditEntry
{
    enum class Phase { Intent = 0, Outcome = 1 };

    int64_t seq = 0; ///< assigned by the store, 1, 2, 3 … without gaps
    int64_t timeMs = 0;
    Phase phase = Phase::Intent;
    int64_t intentSeq = 0; ///< for Outcome entries of an action: the intent's seq
    QString actor;
    QString role;
    QString authMethod; ///< "password", "cli-password", "system"
    int64_t stepUpMs = 0; ///< when the actor last (re-)authenticated
    QString approver;
    QString action;
    QString target;
    QString reason;
    QString ticket;
    QString before; ///< redacted state before (JSON text), may be empty
    QString after; ///< redacted state after (JSON text), may be empty
    QString outcome; ///< "" for intents; "success", "failure" or "denied"
    QString error;
    QString host;
    QString appVersion;
    QByteArray prevHash; ///< 32 bytes; all zero for seq 1
    QByteArray hash; ///< SHA-256 over prevHash + the canonical encoding of every field above
};

} // namespace spanlight
