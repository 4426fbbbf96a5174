// The action service's local effects: the two-person telemetry purge, ingest
// keys and users. Control-plane actions and the common flow are in
// actionservice.cpp.

#include "actionattempt.h"
#include "authservice.h"
#include "controlstore.h"
#include "ingestkeyops.h"
#include "passwordhasher.h"

#include <QJsonDocument>

namespace spanlight {

namespace {
QString compact(const QJsonObject& object)
{
    return object.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

int activeAdmins(const std::vector<UserRecord>& users)
{
    int count = 0;
    for (const UserRecord& user : users)
        count += user.role == Role::Admin && !user.disabled ? 1 : 0;
    return count;
}
} // namespace

QString ActionService::describeBefore(const Attempt& attempt)
{
    QJsonObject before;
    const QString& target = attempt.request.target;
    switch (attempt.request.action) {
    case Action::PauseTenant:
    case Action::ResumeTenant:
        before.insert(QStringLiteral("state"),
            m_store.tenantState(target).paused ? QStringLiteral("paused") : QStringLiteral("active"));
        break;
    case Action::CreateIngestKey:
    case Action::RotateIngestKey: {
        int active = 0;
        for (const IngestKeyRecord& key : m_store.keys(target))
            active += key.activeAt(m_audit.now()) ? 1 : 0;
        before.insert(QStringLiteral("active_keys"), active);
        break;
    }
    case Action::ManageUsers:
        if (const auto user = m_store.user(target)) {
            before.insert(QStringLiteral("role"), roleName(user->role));
            before.insert(QStringLiteral("disabled"), user->disabled);
        }
        break;
    default:
        break;
    }
    return compact(before);
}

ActionResult ActionService::precheck(Attempt& attempt)
{
    const ActionRequest& request = attempt.request;
    if (request.action != Action::ApproveTenantPurge && request.action != Action::PurgeTenantData)
        return {};
    const int64_t id = request.action == Action::ApproveTenantPurge ? request.target.toLongLong() : request.approvalId;
    const std::optional<ApprovalRecord> approval = id > 0 ? m_store.approval(id) : std::nullopt;
    if (!approval)
        return invalid(QStringLiteral("there is no purge request #%1").arg(id));
    const int64_t now = m_audit.now();
    if (request.action == Action::ApproveTenantPurge) {
        if (approval->requestedBy == attempt.session.user)
            return deny(attempt.session, request,
                QStringLiteral("the admin who requested purge #%1 cannot approve it; a second admin must").arg(id));
        if (approval->expiresMs <= now)
            return deny(attempt.session, request, QStringLiteral("purge request #%1 expired").arg(id));
        if (!approval->approvedBy.isEmpty())
            return invalid(QStringLiteral("purge request #%1 is approved already").arg(id));
        return {};
    }
    if (approval->target != request.target)
        return deny(attempt.session, request,
            QStringLiteral("purge request #%1 is for tenant %2, not %3").arg(id).arg(approval->target, request.target));
    if (approval->approvedBy.isEmpty())
        return deny(attempt.session, request, QStringLiteral("purge request #%1 is not approved yet").arg(id));
    if (approval->expiresMs <= now)
        return deny(attempt.session, request,
            QStringLiteral("purge request #%1 expired: approvals hold for 30 minutes").arg(id));
    if (approval->consumedMs != 0)
        return deny(attempt.session, request, QStringLiteral("purge request #%1 was carried out already").arg(id));
    attempt.approver = approval->approvedBy;
    return {};
}

ActionResult ActionService::requestPurge(Attempt& attempt)
{
    ApprovalRecord approval;
    approval.action = QLatin1String(traitsOf(Action::PurgeTenantData).name);
    approval.target = attempt.request.target;
    approval.requestedBy = attempt.session.user;
    approval.reason = attempt.request.reason;
    approval.ticket = attempt.request.ticket;
    approval.requestedMs = m_audit.now();
    approval.expiresMs = approval.requestedMs + kApprovalWindowMs;
    std::string why;
    const std::optional<int64_t> id = m_store.addApproval(approval, &why);
    if (!id)
        return finish(attempt, false, QStringLiteral("the request was not recorded"), QString::fromStdString(why));
    attempt.after.insert(QStringLiteral("approval_id"), static_cast<qint64>(*id));
    attempt.result.status = ActionResult::Status::ApprovalPending;
    attempt.result.approvalId = *id;
    return finish(attempt, true,
        QStringLiteral("purge of %1 requested as #%2: a second admin must approve it within 30 minutes")
            .arg(attempt.request.target)
            .arg(*id));
}

ActionResult ActionService::approvePurge(Attempt& attempt)
{
    const int64_t id = attempt.request.target.toLongLong();
    std::string why;
    if (!m_store.approve(id, attempt.session.user, m_audit.now(), &why))
        return finish(attempt, false, QStringLiteral("not approved"), QString::fromStdString(why));
    attempt.result.approvalId = id;
    attempt.after.insert(QStringLiteral("approved_by"), attempt.session.user);
    return finish(attempt, true, QStringLiteral("purge request #%1 approved").arg(id));
}

ActionResult ActionService::purgeData(Attempt& attempt)
{
    const QString& tenant = attempt.request.target;
    if (!m_effects.purgeTelemetry)
        return finish(attempt, false, QStringLiteral("not purged"), QStringLiteral("telemetry storage is not open"));
    std::string why;
    // Consumed first: an approval carries out one purge even if this one fails half-way.
    if (!m_store.consumeApproval(attempt.request.approvalId, m_audit.now(), &why))
        return finish(attempt, false, QStringLiteral("not purged"), QString::fromStdString(why));
    QJsonObject counts;
    QString error;
    const bool purged = m_effects.purgeTelemetry(tenant, &counts, &error);
    attempt.after.insert(QStringLiteral("deleted_rows"), counts);
    attempt.result.details = counts;
    return finish(attempt, purged, QStringLiteral("telemetry of %1 purged").arg(tenant), error);
}

ActionResult ActionService::keyAction(Attempt& attempt)
{
    const QString& target = attempt.request.target;
    const int64_t now = m_audit.now();
    QString error;
    bool ok = false;
    switch (attempt.request.action) {
    case Action::CreateIngestKey:
    case Action::RotateIngestKey: {
        const bool rotate = attempt.request.action == Action::RotateIngestKey;
        int64_t graceMs = m_effects.keyGraceMs;
        if (attempt.request.params.contains(QStringLiteral("grace_hours")))
            graceMs = static_cast<int64_t>(
                attempt.request.params.value(QStringLiteral("grace_hours")).toDouble() * 3600000.0);
        const std::optional<IssuedKey> issued = rotate
            ? rotateIngestKey(m_store, target, attempt.session.user, graceMs, now, &error)
            : createIngestKey(m_store, target, attempt.session.user, now, &error);
        if (issued) {
            ok = true;
            attempt.result.secret = issued->key; // shown once; only the hash is stored
            attempt.after.insert(QStringLiteral("key_id"), static_cast<qint64>(issued->record.id));
            attempt.after.insert(
                QStringLiteral("key"), QString(issued->record.prefix + QStringLiteral("…") + issued->record.last4));
            if (rotate)
                attempt.after.insert(QStringLiteral("grace_hours"), static_cast<double>(graceMs) / 3600000.0);
        }
        break;
    }
    case Action::RevokeIngestKey:
        ok = revokeIngestKey(m_store, target.toLongLong(), now, &error);
        attempt.after.insert(QStringLiteral("revoked_key_id"), target.toLongLong());
        break;
    default:
        break;
    }
    if (ok && m_effects.keysChanged)
        m_effects.keysChanged();
    return finish(
        attempt, ok, QStringLiteral("%1: done for %2").arg(QLatin1String(attempt.traits.label), target), error);
}

ActionResult ActionService::userAction(Attempt& attempt)
{
    const QJsonObject& params = attempt.request.params;
    const QString op = params.value(QStringLiteral("op")).toString();
    const QString& name = attempt.request.target;
    const QByteArray password = params.value(QStringLiteral("password")).toString().toUtf8();
    const std::optional<Role> role = roleFromName(params.value(QStringLiteral("role")).toString());
    attempt.after.insert(QStringLiteral("op"), op);
    std::string why;
    const std::vector<UserRecord> users = m_store.users(&why);
    std::optional<UserRecord> user = m_store.user(name, &why);
    auto fail = [&](const QString& error) {
        return finish(attempt, false, QStringLiteral("user %1 unchanged").arg(name), error);
    };
    if (op == QStringLiteral("add")) {
        if (!role)
            return fail(QStringLiteral("role must be viewer, operator, admin or auditor"));
        if (const QString problem = passwordProblem(name, password); !problem.isEmpty())
            return fail(problem);
        UserRecord added;
        added.name = name;
        added.role = *role;
        added.passwordHash = hashPassword(password, m_auth.options().cost);
        added.createdMs = m_audit.now();
        if (added.passwordHash.isEmpty() || !m_store.addUser(added, &why))
            return fail(why.empty() ? QStringLiteral("cannot hash the password") : QString::fromStdString(why));
        attempt.after.insert(QStringLiteral("role"), roleName(*role));
        return finish(attempt, true, QStringLiteral("user %1 added as %2").arg(name, roleName(*role)));
    }
    if (!user)
        return fail(QStringLiteral("there is no user %1").arg(name));
    const bool lastAdmin = user->role == Role::Admin && !user->disabled && activeAdmins(users) <= 1;
    if (op == QStringLiteral("set_role")) {
        if (!role)
            return fail(QStringLiteral("role must be viewer, operator, admin or auditor"));
        if (lastAdmin && *role != Role::Admin)
            return fail(QStringLiteral("%1 is the last admin; make someone else admin first").arg(name));
        user->role = *role;
        attempt.after.insert(QStringLiteral("role"), roleName(*role));
    } else if (op == QStringLiteral("disable") || op == QStringLiteral("enable")) {
        const bool disable = op == QStringLiteral("disable");
        if (disable && lastAdmin)
            return fail(QStringLiteral("%1 is the last admin and cannot be disabled").arg(name));
        user->disabled = disable;
        attempt.after.insert(QStringLiteral("disabled"), disable);
    } else if (op == QStringLiteral("reset_password")) {
        if (const QString problem = passwordProblem(name, password); !problem.isEmpty())
            return fail(problem);
        user->passwordHash = hashPassword(password, m_auth.options().cost);
        user->failedAttempts = 0;
        user->lockedUntilMs = 0;
        attempt.after.insert(QStringLiteral("password"), QStringLiteral("changed"));
    } else {
        return fail(
            QStringLiteral("unknown user operation \"%1\" (add, set_role, disable, enable, reset_password)").arg(op));
    }
    if (!m_store.updateUser(*user, &why))
        return fail(QString::fromStdString(why));
    return finish(attempt, true, QStringLiteral("user %1: %2 done").arg(name, op));
}

} // namespace spanlight
