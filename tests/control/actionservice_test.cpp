// The action service against a real control.db and the demo platform's signed
// webhook receiver: the whole role × action matrix (allowed and denied, both
// audited), fail-closed audit, typed confirmation, step-up and the two-person
// purge.

#include "controlfixture.h"

#include "actionservice.h"
#include "rbacpolicy.h"
#include "telemetrywriter.h"

#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

/// The issue's roles, written out independently of rbacpolicy.cpp.
bool expectedAllowed(Role role, Action action)
{
    switch (role) {
    case Role::Admin:
        return true;
    case Role::Operator:
        return action == Action::ReadTelemetry || action == Action::PauseTenant || action == Action::ResumeTenant
            || action == Action::PurgeTenantCaches;
    case Role::Auditor:
        return action == Action::ReadTelemetry || action == Action::ReadAudit || action == Action::VerifyAudit;
    case Role::Viewer:
        return action == Action::ReadTelemetry;
    }
    return false;
}

class ActionServiceTest : public ControlFixture
{
protected:
    void SetUp() override
    {
        ControlFixture::SetUp();
        addUser(QStringLiteral("boss"), Role::Admin);
        addUser(QStringLiteral("boss2"), Role::Admin);
    }

    ActionRequest request(Action action, const QString& target)
    {
        ActionRequest r;
        r.action = action;
        r.target = target;
        r.reason = QStringLiteral("incident 42");
        r.ticket = QStringLiteral("OPS-42");
        r.confirmation = target;
        return r;
    }

    /// A purge request by boss, approved by boss2 when \a approve.
    int64_t purgeRequest(bool approve)
    {
        const Session boss = signIn(QStringLiteral("boss"));
        const ActionResult asked
            = runtime->actions().perform(boss, request(Action::RequestTenantPurge, QStringLiteral("acme")));
        EXPECT_EQ(asked.status, ActionResult::Status::ApprovalPending) << asked.message.toStdString();
        if (approve) {
            const Session second = signIn(QStringLiteral("boss2"));
            const ActionResult ok = runtime->actions().perform(
                second, request(Action::ApproveTenantPurge, QString::number(asked.approvalId)));
            EXPECT_EQ(ok.status, ActionResult::Status::Done) << ok.message.toStdString();
        }
        return asked.approvalId;
    }

    /// A valid request for \a action, with whatever it needs prepared by the admins.
    ActionRequest validRequest(Action action)
    {
        switch (action) {
        case Action::PurgeTenantCaches: {
            ActionRequest r = request(action, QStringLiteral("acme"));
            r.params.insert(QStringLiteral("scope"), QStringLiteral("prompt_cache"));
            return r;
        }
        case Action::ApproveTenantPurge:
            return request(action, QString::number(purgeRequest(false)));
        case Action::PurgeTenantData: {
            ActionRequest r = request(action, QStringLiteral("acme"));
            r.approvalId = purgeRequest(true);
            return r;
        }
        case Action::RevokeIngestKey: {
            for (const IngestKeyRecord& old : runtime->store().keys(QStringLiteral("globex")))
                if (old.revokedMs == 0)
                    runtime->store().revokeKey(old.id, nowMs, nullptr);
            const ActionResult created = runtime->actions().perform(
                signIn(QStringLiteral("boss")), request(Action::CreateIngestKey, QStringLiteral("globex")));
            EXPECT_EQ(created.status, ActionResult::Status::Done) << created.message.toStdString();
            const auto keys = runtime->store().keys(QStringLiteral("globex"));
            EXPECT_FALSE(keys.empty());
            return request(action, keys.empty() ? QStringLiteral("0") : QString::number(keys.back().id));
        }
        case Action::ManageUsers: {
            ActionRequest r = request(action, QStringLiteral("newcomer"));
            r.params.insert(QStringLiteral("op"), QStringLiteral("add"));
            r.params.insert(QStringLiteral("role"), QStringLiteral("viewer"));
            r.params.insert(QStringLiteral("password"), QStringLiteral("a fine long password"));
            return r;
        }
        default:
            return request(action, QStringLiteral("acme"));
        }
    }
};

TEST_F(ActionServiceTest, PolicyTableMatchesTheRolesOfTheIssue)
{
    for (Role role : { Role::Viewer, Role::Operator, Role::Admin, Role::Auditor })
        for (const ActionTraits& traits : allActions())
            EXPECT_EQ(isAllowed(role, traits.action), expectedAllowed(role, traits.action))
                << roleName(role).toStdString() << " × " << traits.name;
}

TEST_F(ActionServiceTest, EveryRoleTimesEveryActionIsEnforcedAndAudited)
{
    addUser(QStringLiteral("vic"), Role::Viewer);
    addUser(QStringLiteral("otto"), Role::Operator);
    addUser(QStringLiteral("ann"), Role::Admin);
    addUser(QStringLiteral("aud"), Role::Auditor);
    const std::pair<QString, Role> people[]
        = { { QStringLiteral("vic"), Role::Viewer }, { QStringLiteral("otto"), Role::Operator },
              { QStringLiteral("ann"), Role::Admin }, { QStringLiteral("aud"), Role::Auditor } };
    for (const auto& [name, role] : people) {
        for (const ActionTraits& traits : allActions()) {
            SCOPED_TRACE(name.toStdString() + " × " + traits.name);
            const bool allowed = expectedAllowed(role, traits.action);
            if (traits.action == Action::ReadTelemetry || traits.action == Action::ReadAudit
                || traits.action == Action::VerifyAudit) {
                const size_t before = audit().size();
                QString why;
                EXPECT_EQ(
                    runtime->actions().authorize(signIn(name), traits.action, QStringLiteral("x"), &why), allowed);
                const auto entries = audit();
                if (allowed)
                    continue;
                ASSERT_GT(entries.size(), before + 1); // the sign-in, then the denial
                EXPECT_EQ(entries.back().outcome, QStringLiteral("denied"));
                EXPECT_EQ(entries.back().actor, name);
                continue;
            }
            if (traits.action == Action::ManageUsers)
                runtime->store().runOnWriter(
                    [](sqlite3* db, std::string*) {
                        return sqlite3_exec(db, "DELETE FROM users WHERE name = 'newcomer'", nullptr, nullptr, nullptr)
                            == SQLITE_OK;
                    },
                    nullptr);
            const ActionRequest r = validRequest(traits.action);
            const Session session = signIn(name);
            const ActionResult result = runtime->actions().perform(session, r);
            const auto entries = audit();
            ASSERT_FALSE(entries.empty());
            const AuditEntry& last = entries.back();
            EXPECT_EQ(last.action, QLatin1String(traits.name));
            EXPECT_EQ(last.actor, name);
            EXPECT_EQ(last.phase, AuditEntry::Phase::Outcome);
            EXPECT_EQ(last.reason, QStringLiteral("incident 42"));
            EXPECT_EQ(last.ticket, QStringLiteral("OPS-42"));
            if (!allowed) {
                EXPECT_EQ(result.status, ActionResult::Status::Denied) << result.message.toStdString();
                EXPECT_EQ(last.outcome, QStringLiteral("denied"));
                EXPECT_EQ(last.intentSeq, 0);
                continue;
            }
            EXPECT_NE(result.status, ActionResult::Status::Denied) << result.message.toStdString();
            EXPECT_NE(result.status, ActionResult::Status::AuditUnavailable);
            ASSERT_GE(entries.size(), 2u);
            const AuditEntry& intent = entries[entries.size() - 2];
            EXPECT_EQ(intent.phase, AuditEntry::Phase::Intent);
            EXPECT_EQ(intent.action, QLatin1String(traits.name));
            EXPECT_EQ(last.intentSeq, intent.seq);
            EXPECT_TRUE(last.outcome == QStringLiteral("success") || last.outcome == QStringLiteral("failure"));
        }
    }
    EXPECT_TRUE(runtime->store().verifyAudit().ok);
}

TEST_F(ActionServiceTest, PauseReachesThePlatformAndIsRecorded)
{
    addUser(QStringLiteral("otto"), Role::Operator);
    const ActionResult result = runtime->actions().perform(
        signIn(QStringLiteral("otto")), request(Action::PauseTenant, QStringLiteral("acme")));
    ASSERT_EQ(result.status, ActionResult::Status::Done) << result.message.toStdString();
    EXPECT_TRUE(gate->paused("acme"));
    EXPECT_FALSE(gate->paused("globex"));
    EXPECT_EQ(platform->stats().pauses, 1);
    const TenantState state = runtime->store().tenantState(QStringLiteral("acme"));
    EXPECT_TRUE(state.paused);
    EXPECT_EQ(state.changedBy, QStringLiteral("otto"));
    const auto entries = audit();
    EXPECT_EQ(entries.back().before, QString()); // before lives in the intent
    EXPECT_EQ(entries[entries.size() - 2].before, QStringLiteral("{\"state\":\"active\"}"));
    EXPECT_TRUE(entries.back().after.contains(QStringLiteral("\"state\":\"paused\"")))
        << entries.back().after.toStdString();

    const ActionResult resumed = runtime->actions().perform(
        signIn(QStringLiteral("otto")), request(Action::ResumeTenant, QStringLiteral("acme")));
    ASSERT_EQ(resumed.status, ActionResult::Status::Done) << resumed.message.toStdString();
    EXPECT_FALSE(gate->paused("acme"));
    EXPECT_FALSE(runtime->store().tenantState(QStringLiteral("acme")).paused);
}

TEST_F(ActionServiceTest, NoAuditNoAction)
{
    addUser(QStringLiteral("otto"), Role::Operator);
    const Session otto = signIn(QStringLiteral("otto"));
    std::string error;
    // From here on every audit insert fails, as on a full disk.
    ASSERT_TRUE(runtime->store().runOnWriter(
        [](sqlite3* db, std::string*) {
            return sqlite3_exec(db,
                       "CREATE TEMP TRIGGER audit_full BEFORE INSERT ON main.audit_log "
                       "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
                       nullptr, nullptr, nullptr)
                == SQLITE_OK;
        },
        &error))
        << error;
    const size_t before = audit().size();
    const ActionResult result = runtime->actions().perform(otto, request(Action::PauseTenant, QStringLiteral("acme")));
    EXPECT_EQ(result.status, ActionResult::Status::AuditUnavailable);
    EXPECT_TRUE(result.message.contains(QStringLiteral("was not performed"))) << result.message.toStdString();
    EXPECT_TRUE(result.message.contains(QStringLiteral("disk is full"))) << result.message.toStdString();
    EXPECT_EQ(platform->stats().requests, 0);
    EXPECT_FALSE(gate->paused("acme"));
    EXPECT_FALSE(runtime->store().tenantState(QStringLiteral("acme")).paused);
    EXPECT_EQ(audit().size(), before);
}

TEST_F(ActionServiceTest, DestructiveActionsNeedTheTypedNameAndAFreshPassword)
{
    addUser(QStringLiteral("otto"), Role::Operator);
    Session otto = signIn(QStringLiteral("otto"));
    ActionRequest pause = request(Action::PauseTenant, QStringLiteral("acme"));
    pause.confirmation = QStringLiteral("acm");
    const size_t before = audit().size();
    EXPECT_EQ(runtime->actions().perform(otto, pause).status, ActionResult::Status::ConfirmationRequired);
    pause.confirmation = QStringLiteral("acme");
    nowMs += 6 * 60 * 1000;
    EXPECT_EQ(runtime->actions().perform(otto, pause).status, ActionResult::Status::StepUpRequired);
    EXPECT_EQ(audit().size(), before);
    EXPECT_EQ(platform->stats().requests, 0);

    // Resuming is not destructive: no step-up.
    EXPECT_EQ(runtime->actions().perform(otto, request(Action::ResumeTenant, QStringLiteral("acme"))).status,
        ActionResult::Status::Done);
    const LoginResult stepUp = runtime->auth().reauthenticate(otto, "correct horse battery");
    ASSERT_TRUE(stepUp.ok);
    EXPECT_EQ(runtime->actions().perform(stepUp.session, pause).status, ActionResult::Status::Done);
    EXPECT_TRUE(gate->paused("acme"));
}

TEST_F(ActionServiceTest, ReasonIsRequired)
{
    ActionRequest pause = request(Action::PauseTenant, QStringLiteral("acme"));
    pause.reason = QStringLiteral("  ");
    const ActionResult result = runtime->actions().perform(signIn(QStringLiteral("boss")), pause);
    EXPECT_EQ(result.status, ActionResult::Status::Invalid);
    EXPECT_TRUE(result.message.contains(QStringLiteral("reason")));
}

TEST_F(ActionServiceTest, AnUnreachablePlatformIsRecordedAsAFailure)
{
    platform->stop();
    const ActionResult result = runtime->actions().perform(
        signIn(QStringLiteral("boss")), request(Action::PurgeTenantCaches, QStringLiteral("acme")));
    EXPECT_EQ(result.status, ActionResult::Status::Failed);
    const AuditEntry last = audit().back();
    EXPECT_EQ(last.outcome, QStringLiteral("failure"));
    EXPECT_FALSE(last.error.isEmpty());
    EXPECT_TRUE(last.after.contains(QStringLiteral("\"attempts\":"))) << last.after.toStdString();
}

TEST_F(ActionServiceTest, TelemetryPurgeNeedsASecondAdminWithinThirtyMinutes)
{
    QTemporaryDir telemetryDir;
    WriterOptions options;
    options.path = telemetryDir.filePath(QStringLiteral("telemetry.db"));
    TelemetryWriter telemetry(options);
    std::string error;
    ASSERT_TRUE(telemetry.start(&error)) << error;
    openRuntime(true, &telemetry);

    const Session boss = signIn(QStringLiteral("boss"));
    ActionRequest run = request(Action::PurgeTenantData, QStringLiteral("acme"));
    run.approvalId = purgeRequest(false);
    // Not approved yet, and the requester cannot approve it.
    EXPECT_EQ(runtime->actions().perform(boss, run).status, ActionResult::Status::Denied);
    const ActionResult self
        = runtime->actions().perform(boss, request(Action::ApproveTenantPurge, QString::number(run.approvalId)));
    EXPECT_EQ(self.status, ActionResult::Status::Denied);
    EXPECT_TRUE(self.message.contains(QStringLiteral("second admin"))) << self.message.toStdString();
    EXPECT_EQ(audit().back().outcome, QStringLiteral("denied"));

    const ActionResult approved = runtime->actions().perform(
        signIn(QStringLiteral("boss2")), request(Action::ApproveTenantPurge, QString::number(run.approvalId)));
    ASSERT_EQ(approved.status, ActionResult::Status::Done) << approved.message.toStdString();

    ActionRequest wrongTenant = run;
    wrongTenant.target = wrongTenant.confirmation = QStringLiteral("globex");
    EXPECT_EQ(runtime->actions().perform(boss, wrongTenant).status, ActionResult::Status::Denied);

    const ActionResult purged = runtime->actions().perform(boss, run);
    ASSERT_EQ(purged.status, ActionResult::Status::Done) << purged.message.toStdString();
    EXPECT_EQ(audit().back().approver, QStringLiteral("boss2"));
    EXPECT_TRUE(audit().back().after.contains(QStringLiteral("deleted_rows"))) << audit().back().after.toStdString();
    EXPECT_EQ(runtime->actions().perform(boss, run).status, ActionResult::Status::Denied); // carried out once

    // An approval older than 30 minutes no longer counts.
    ActionRequest late = request(Action::PurgeTenantData, QStringLiteral("acme"));
    late.approvalId = purgeRequest(true);
    nowMs += 31 * 60 * 1000;
    const LoginResult fresh
        = runtime->auth().login(QStringLiteral("boss"), "correct horse battery", QStringLiteral("password"));
    const ActionResult expired = runtime->actions().perform(fresh.session, late);
    EXPECT_EQ(expired.status, ActionResult::Status::Denied);
    EXPECT_TRUE(expired.message.contains(QStringLiteral("expired"))) << expired.message.toStdString();
    runtime.reset();
    telemetry.stop();
}

TEST_F(ActionServiceTest, TheLastAdminCannotBeDemotedOrDisabled)
{
    runtime->store().runOnWriter(
        [](sqlite3* db, std::string*) {
            return sqlite3_exec(db, "DELETE FROM users WHERE name = 'boss2'", nullptr, nullptr, nullptr) == SQLITE_OK;
        },
        nullptr);
    ActionRequest demote = request(Action::ManageUsers, QStringLiteral("boss"));
    demote.params.insert(QStringLiteral("op"), QStringLiteral("set_role"));
    demote.params.insert(QStringLiteral("role"), QStringLiteral("viewer"));
    const ActionResult result = runtime->actions().perform(signIn(QStringLiteral("boss")), demote);
    EXPECT_EQ(result.status, ActionResult::Status::Failed);
    EXPECT_TRUE(result.message.contains(QStringLiteral("last admin"))) << result.message.toStdString();
    EXPECT_EQ(runtime->store().user(QStringLiteral("boss"))->role, Role::Admin);
}

} // namespace
