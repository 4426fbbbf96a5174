#pragma once

#include "auditrecorder.h"
#include "rbacpolicy.h"

#include <QJsonObject>
#include <QString>
#include <functional>
#include <mutex>

namespace spanlight {

class AuthService;
class ControlStore;
struct ControlPlaneOutcome;
struct ControlPlaneRequest;
struct IngestKeyRecord;

/// What someone asks for. The target is a tenant for tenant and key actions,
/// an approval id for ApproveTenantPurge, a key id for RevokeIngestKey and a
/// user name for ManageUsers.
struct ActionRequest
{
    Action action = Action::ReadTelemetry;
    QString target;
    /// Action parameters: {"scope"} for cache purges; {"grace_hours"} for key
    /// rotation; {"op": add|set_role|disable|enable|reset_password, "role",
    /// "password"} for users. Secrets in here are never audited.
    QJsonObject params;
    QString reason; ///< required
    QString ticket; ///< optional
    QString confirmation; ///< the tenant's name typed again, for typeToConfirm actions
    int64_t approvalId = 0; ///< PurgeTenantData: the approved request it carries out
};

struct ActionResult
{
    enum class Status {
        Done,
        Denied, ///< the policy forbids it (audited)
        StepUpRequired, ///< re-enter the password first
        ConfirmationRequired, ///< type the tenant's name
        ApprovalPending, ///< a second admin has to approve (approvalId)
        Invalid, ///< the request itself is malformed (nothing happened, nothing audited)
        AuditUnavailable, ///< the intent could not be written: nothing was done
        Failed, ///< tried and failed (audited)
    };
    Status status = Status::Invalid;
    QString message; ///< one sentence for the person who asked
    int64_t intentSeq = 0;
    int64_t outcomeSeq = 0;
    int64_t approvalId = 0;
    QString secret; ///< a new ingest key, shown once and never stored
    QJsonObject details; ///< e.g. per-table row counts of a purge

    bool ok() const { return status == Status::Done || status == Status::ApprovalPending; }
};

/// How effects happen; each part is optional (absent → the action fails with
/// a message saying what is not configured).
struct ActionEffects
{
    /// The signed control-plane webhook (ControlPlaneClient::deliver). Blocking.
    std::function<ControlPlaneOutcome(const ControlPlaneRequest&)> controlPlane;
    /// Deletes every telemetry row of a tenant; fills per-table counts.
    std::function<bool(const QString& tenant, QJsonObject* deletedRows, QString* error)> purgeTelemetry;
    /// Ingest keys changed: the key directory reloads.
    std::function<void()> keysChanged;
    int64_t keyGraceMs = 24LL * 3600 * 1000; ///< default grace of a rotated key (auth/key_grace_hours)
};

/// The one door every action goes through, from the console and the CLI alike
/// (DESIGN.md rule 8): policy → step-up → confirmation → audit intent (fail
/// closed) → effect → audit outcome. Blocking: call it off the UI thread.
class ActionService
{
public:
    ActionService(ControlStore& store, AuthService& auth, AuditRecorder& audit, ActionEffects effects);

    ActionResult perform(const Session& session, const ActionRequest& request);
    /// For reads (lists, the audit view): true when allowed; a refusal is audited.
    bool authorize(const Session& session, Action action, const QString& target, QString* why);

    static constexpr int64_t kApprovalWindowMs = 30 * 60 * 1000;

private:
    struct Attempt;
    ActionResult run(Attempt& attempt);
    ActionResult deny(const Session& session, const ActionRequest& request, const QString& why);
    ActionResult controlPlaneAction(Attempt& attempt);
    ActionResult requestPurge(Attempt& attempt);
    ActionResult approvePurge(Attempt& attempt);
    ActionResult purgeData(Attempt& attempt);
    ActionResult keyAction(Attempt& attempt);
    ActionResult userAction(Attempt& attempt);
    /// Approval checks for purges; a default (Invalid, empty message) result means go on.
    ActionResult precheck(Attempt& attempt);
    QString describeBefore(const Attempt& attempt);
    ActionResult finish(Attempt& attempt, bool success, const QString& message, const QString& error = {});

    ControlStore& m_store;
    AuthService& m_auth;
    AuditRecorder& m_audit;
    ActionEffects m_effects;
    /// One action at a time: checks such as "at most two active keys" and
    /// "approval not yet used" then hold until the action's outcome is written.
    std::mutex m_oneAtATime;
};

} // namespace spanlight
