#include "actionservice.h"

#include "actionattempt.h"

#include "authservice.h"
#include "controlplaneclient.h"
#include "controlstore.h"

#include <QJsonDocument>
#include <QUuid>

namespace spanlight {

ActionService::ActionService(ControlStore& store, AuthService& auth, AuditRecorder& audit, ActionEffects effects)
    : m_store(store)
    , m_auth(auth)
    , m_audit(audit)
    , m_effects(std::move(effects))
{
}

ActionResult ActionService::perform(const Session& session, const ActionRequest& request)
{
    const ActionTraits& traits = traitsOf(request.action);
    if (!session.valid())
        return invalid(QStringLiteral("sign in first"));
    if (request.reason.trimmed().isEmpty())
        return invalid(QStringLiteral("every action needs a reason"));
    if (request.target.trimmed().isEmpty())
        return invalid(QStringLiteral("%1 needs a target").arg(QLatin1String(traits.label)));
    if (!isAllowed(session.role, request.action))
        return deny(session, request,
            QStringLiteral("the %1 role may not %2")
                .arg(roleName(session.role), QString::fromLatin1(traits.label).toLower()));
    if (traits.destructive && !m_auth.stepUpFresh(session)) {
        ActionResult result;
        result.status = ActionResult::Status::StepUpRequired;
        result.message
            = QStringLiteral("%1 is destructive: enter your password again").arg(QLatin1String(traits.label));
        return result;
    }
    if (traits.typeToConfirm && request.confirmation != request.target) {
        ActionResult result;
        result.status = ActionResult::Status::ConfirmationRequired;
        result.message = QStringLiteral("type the tenant's name (%1) to confirm").arg(request.target);
        return result;
    }
    std::lock_guard serialized(m_oneAtATime);
    Attempt attempt { session, request, traits };
    return run(attempt);
}

bool ActionService::authorize(const Session& session, Action action, const QString& target, QString* why)
{
    if (session.valid() && isAllowed(session.role, action))
        return true;
    ActionRequest request;
    request.action = action;
    request.target = target;
    const ActionResult result = deny(session, request,
        QStringLiteral("the %1 role may not %2")
            .arg(roleName(session.role), QString::fromLatin1(traitsOf(action).label).toLower()));
    if (why)
        *why = result.message;
    return false;
}

ActionResult ActionService::deny(const Session& session, const ActionRequest& request, const QString& why)
{
    AuditEntry entry = m_audit.entry(session, QLatin1String(traitsOf(request.action).name), request.target);
    entry.phase = AuditEntry::Phase::Outcome;
    entry.outcome = QStringLiteral("denied");
    entry.reason = request.reason;
    entry.ticket = request.ticket;
    entry.error = why;
    ActionResult result;
    result.status = ActionResult::Status::Denied;
    QString error;
    const auto seq = m_audit.append(entry, &error);
    result.outcomeSeq = seq.value_or(0);
    result.message = seq ? QStringLiteral("denied: %1").arg(why)
                         : QStringLiteral("denied: %1 (and the audit log cannot be written: %2)").arg(why, error);
    return result;
}

ActionResult ActionService::run(Attempt& attempt)
{
    // Checks that need the store come before the intent, so a refused request
    // leaves a denial or nothing, never a dangling intent.
    if (ActionResult refused = precheck(attempt); !refused.message.isEmpty())
        return refused;
    AuditEntry intent = m_audit.entry(attempt.session, QLatin1String(attempt.traits.name), attempt.request.target);
    intent.reason = attempt.request.reason;
    intent.ticket = attempt.request.ticket;
    intent.before = describeBefore(attempt);
    intent.approver = attempt.approver;
    QString error;
    const std::optional<int64_t> seq = m_audit.append(intent, &error);
    if (!seq) {
        ActionResult result;
        result.status = ActionResult::Status::AuditUnavailable;
        result.message = QStringLiteral("the audit log cannot be written (%1): %2 was not performed")
                             .arg(error, QString::fromLatin1(attempt.traits.label).toLower());
        return result;
    }
    attempt.intentSeq = *seq;
    switch (attempt.request.action) {
    case Action::PauseTenant:
    case Action::ResumeTenant:
    case Action::PurgeTenantCaches:
    case Action::RotateTenantApiKey:
        return controlPlaneAction(attempt);
    case Action::RequestTenantPurge:
        return requestPurge(attempt);
    case Action::ApproveTenantPurge:
        return approvePurge(attempt);
    case Action::PurgeTenantData:
        return purgeData(attempt);
    case Action::CreateIngestKey:
    case Action::RotateIngestKey:
    case Action::RevokeIngestKey:
        return keyAction(attempt);
    case Action::ManageUsers:
        return userAction(attempt);
    case Action::ReadTelemetry:
    case Action::ReadAudit:
    case Action::VerifyAudit:
        break;
    }
    return finish(attempt, true, QStringLiteral("allowed"));
}

ActionResult ActionService::finish(Attempt& attempt, bool success, const QString& message, const QString& error)
{
    AuditEntry outcome = m_audit.entry(attempt.session, QLatin1String(attempt.traits.name), attempt.request.target);
    outcome.phase = AuditEntry::Phase::Outcome;
    outcome.intentSeq = attempt.intentSeq;
    outcome.reason = attempt.request.reason;
    outcome.ticket = attempt.request.ticket;
    outcome.approver = attempt.approver;
    outcome.after = attempt.after.isEmpty()
        ? QString()
        : QString::fromUtf8(QJsonDocument(attempt.after).toJson(QJsonDocument::Compact));
    outcome.outcome = success ? QStringLiteral("success") : QStringLiteral("failure");
    outcome.error = error;
    ActionResult& result = attempt.result;
    if (result.status == ActionResult::Status::Invalid)
        result.status = success ? ActionResult::Status::Done : ActionResult::Status::Failed;
    result.intentSeq = attempt.intentSeq;
    result.message = success ? message : QStringLiteral("%1: %2").arg(message, error);
    QString auditError;
    const auto seq = m_audit.append(outcome, &auditError);
    result.outcomeSeq = seq.value_or(0);
    if (!seq) // the effect happened; say that its outcome is missing from the log
        result.message += QStringLiteral(" (the outcome could not be audited: %1; intent #%2 stands)")
                              .arg(auditError)
                              .arg(attempt.intentSeq);
    return result;
}

ActionResult ActionService::controlPlaneAction(Attempt& attempt)
{
    const QString& tenant = attempt.request.target;
    if (!m_effects.controlPlane)
        return finish(attempt, false, QStringLiteral("not sent"),
            QStringLiteral("no control plane is configured (control_plane/url in the config file)"));
    ControlPlaneRequest call;
    call.action = QLatin1String(attempt.traits.name);
    call.tenant = tenant;
    call.params = attempt.request.params;
    if (attempt.request.action == Action::PurgeTenantCaches) {
        const QString scope = call.params.value(QStringLiteral("scope")).toString(QStringLiteral("all"));
        if (scope != QStringLiteral("prompt_cache") && scope != QStringLiteral("embeddings")
            && scope != QStringLiteral("all"))
            return finish(attempt, false, QStringLiteral("not sent"),
                QStringLiteral("scope must be prompt_cache, embeddings or all, not \"%1\"").arg(scope));
        call.params.insert(QStringLiteral("scope"), scope);
    }
    call.reason = attempt.request.reason;
    call.actor = attempt.session.user;
    call.requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const ControlPlaneOutcome sent = m_effects.controlPlane(call);
    attempt.after.insert(QStringLiteral("request_id"), call.requestId);
    attempt.after.insert(QStringLiteral("http_status"), sent.httpStatus);
    attempt.after.insert(QStringLiteral("attempts"), sent.attempts);
    if (!sent.delivered)
        return finish(attempt, false, QStringLiteral("the control plane did not accept it"), sent.error);
    if (attempt.request.action == Action::PauseTenant || attempt.request.action == Action::ResumeTenant) {
        TenantState state = m_store.tenantState(tenant);
        state.tenant = tenant;
        state.paused = attempt.request.action == Action::PauseTenant;
        state.changedBy = attempt.session.user;
        state.changedMs = m_audit.now();
        state.reason = attempt.request.reason;
        std::string why;
        if (!m_store.setTenantState(state, &why))
            return finish(attempt, false, QStringLiteral("delivered, but the tenant's state was not saved"),
                QString::fromStdString(why));
        attempt.after.insert(
            QStringLiteral("state"), state.paused ? QStringLiteral("paused") : QStringLiteral("active"));
    }
    return finish(attempt, true, QStringLiteral("%1: done for %2").arg(QLatin1String(attempt.traits.label), tenant));
}

} // namespace spanlight
