// The Tenants page of the real window, offscreen, over a real control.db and
// generated telemetry: what each role may press, the pause flow through the
// dialog (typed confirmation, audited failure without a control plane) and a
// paused tenant's state. Keys and users: tenantkeys_test.cpp.

#include "tenantspage.h"
#include "testcollector.h"

#include <QLabel>

using namespace spanlight;
using namespace spanlight::test;

TEST_F(TenantsPage, ViewerSeesEveryActionDisabledAndTheServiceDeniesAnyway)
{
    open(QStringLiteral("vera"));
    const QString tenant = busiestTenant();
    ASSERT_TRUE(tenants()->selectTenant(tenant));
    for (Action action : kTenantActions) {
        const QPushButton* button = actions()->button(action);
        ASSERT_TRUE(button) << traitsOf(action).name;
        EXPECT_FALSE(button->isEnabled()) << traitsOf(action).name;
        EXPECT_TRUE(button->toolTip().contains(QStringLiteral("signed in as vera (viewer)")))
            << button->toolTip().toStdString();
    }
    EXPECT_TRUE(actions()->button(Action::PauseTenant)->toolTip().contains(QStringLiteral("operator or admin")));
    EXPECT_TRUE(actions()->button(Action::CreateIngestKey)->toolTip().contains(QStringLiteral("the admin role")));
    EXPECT_FALSE(tenants()->tabs()->isTabVisible(tenants()->tabs()->indexOf(tenants()->users())));

    // The same window as an operator: the operator's actions light up, the admin's stay off.
    window->sessionGuard()->setSession(console->signIn(QStringLiteral("otto")));
    EXPECT_TRUE(actions()->button(Action::PauseTenant)->isEnabled());
    EXPECT_TRUE(actions()->button(Action::PurgeTenantCaches)->isEnabled());
    EXPECT_FALSE(actions()->button(Action::ResumeTenant)->isEnabled()); // not paused
    EXPECT_FALSE(actions()->button(Action::CreateIngestKey)->isEnabled());
    window->sessionGuard()->setSession(console->signIn(QStringLiteral("vera")));

    // A disabled button is a courtesy: the service refuses a viewer's pause and audits the refusal.
    ActionRequest pause;
    pause.action = Action::PauseTenant;
    pause.target = tenant;
    pause.reason = QStringLiteral("trying anyway");
    pause.confirmation = tenant;
    std::optional<ActionResult> answer;
    window->actionRunner()->perform(window.get(), window->sessionGuard()->session(), pause,
        [&answer](const ActionResult& result) { answer = result; });
    ASSERT_TRUE(QTest::qWaitFor([&] { return answer.has_value(); }, kTimeoutMs));
    EXPECT_EQ(answer->status, ActionResult::Status::Denied);
    AuditFilter denials;
    denials.actor = QStringLiteral("vera");
    denials.outcome = QStringLiteral("denied");
    const std::vector<AuditEntry> entries = console->control().store().auditEntries(denials);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries.front().seq, answer->outcomeSeq);
    EXPECT_EQ(entries.front().action, QStringLiteral("tenant.pause"));

    // The audit page is not for viewers: a sentence says why.
    QTest::keyClick(window.get(), Qt::Key_8, Qt::ControlModifier);
    ASSERT_EQ(window->currentPage(), MainWindow::Page::Audit);
    EXPECT_FALSE(window->auditPage()->showsLog());
    const QLabel* denied = window->auditPage()->findChild<QLabel*>(QStringLiteral("denied"));
    ASSERT_TRUE(denied && denied->isVisible());
    EXPECT_TRUE(denied->text().contains(QStringLiteral("admin or auditor"))) << denied->text().toStdString();
    EXPECT_EQ(window->auditPage()->model()->rowCount(), 0);
}

TEST_F(TenantsPage, OperatorPausesThroughTheDialogAndTheAuditShowsIntentAndFailure)
{
    open(QStringLiteral("otto"));
    const QString tenant = busiestTenant();
    ASSERT_TRUE(tenants()->selectTenant(tenant));
    QPointer<ActionDialog> dialog = press(Action::PauseTenant);
    ASSERT_TRUE(dialog);
    EXPECT_EQ(dialog->confirmationName(), tenant);
    EXPECT_FALSE(dialog->canSubmit());
    QTest::keyClicks(field(dialog, "reason"), QStringLiteral("runaway retries during INC-7"));
    QTest::keyClicks(field(dialog, "ticket"), QStringLiteral("INC-7"));
    EXPECT_FALSE(dialog->canSubmit()) << "the name is not typed yet";
    QTest::keyClicks(field(dialog, "confirm"), tenant.chopped(1));
    EXPECT_FALSE(dialog->canSubmit()) << "a prefix of the name is not the name";
    QTest::keyClicks(field(dialog, "confirm"), tenant.right(1));
    EXPECT_TRUE(dialog->canSubmit());
    QCoreApplication::processEvents();
    EXPECT_TRUE(saveScreenshot(dialog, QStringLiteral("action-dialog")));

    clickOk(dialog);
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog && dialog->hasResult(); }, kTimeoutMs));
    const ActionResult result = dialog->result();
    EXPECT_EQ(result.status, ActionResult::Status::Failed);
    EXPECT_TRUE(dialog->message().contains(QStringLiteral("no control plane is configured")))
        << dialog->message().toStdString();
    ASSERT_GT(result.intentSeq, 0);
    ASSERT_GT(result.outcomeSeq, result.intentSeq);
    dialog->reject();
    EXPECT_FALSE(row(tenant)->state.paused) << "nothing was delivered, so nothing is paused";

    // An admin opens the audit log in the same window (Ctrl+8).
    window->sessionGuard()->setSession(console->signIn(QStringLiteral("ada")));
    window->activateWindow(); // what the window manager does when a dialog closes (offscreen has none)
    ASSERT_TRUE(QTest::qWaitForWindowActive(window.get()));
    QTest::keyClick(window.get(), Qt::Key_8, Qt::ControlModifier);
    ASSERT_EQ(window->currentPage(), MainWindow::Page::Audit);
    AuditView* audit = window->auditPage();
    ASSERT_TRUE(audit->showsLog());
    const auto entryAt = [audit](int64_t seq) -> const AuditEntry* {
        for (int r = 0; r < audit->model()->rowCount(); ++r)
            if (audit->model()->entryAt(r)->seq == seq)
                return audit->model()->entryAt(r);
        return nullptr;
    };
    ASSERT_TRUE(QTest::qWaitFor([&] { return entryAt(result.outcomeSeq) != nullptr; }, kTimeoutMs));
    const AuditEntry* intent = entryAt(result.intentSeq);
    const AuditEntry* outcome = entryAt(result.outcomeSeq);
    ASSERT_TRUE(intent && outcome);
    EXPECT_EQ(outcomeText(*intent), QStringLiteral("intent"));
    EXPECT_EQ(intent->action, QStringLiteral("tenant.pause"));
    EXPECT_EQ(intent->target, tenant);
    EXPECT_EQ(intent->actor, QStringLiteral("otto"));
    EXPECT_EQ(intent->role, QStringLiteral("operator"));
    EXPECT_EQ(intent->ticket, QStringLiteral("INC-7"));
    EXPECT_EQ(outcome->outcome, QStringLiteral("failure"));
    EXPECT_EQ(outcome->intentSeq, result.intentSeq);
    EXPECT_TRUE(outcome->error.contains(QStringLiteral("control plane"))) << outcome->error.toStdString();
}

TEST_F(TenantsPage, PausedTenantShowsWhoWhenWhyAndWhatArrivedSince)
{
    open(QStringLiteral("otto"));
    const QString tenant = busiestTenant();
    // Paused at the tenant's tenth-newest minute with requests, as a delivered
    // pause records it: some of its traffic came after the pause and more before,
    // whatever the time of day (the generated traffic follows a daily cycle).
    DbProbe db(sharedTelemetry().databasePath());
    const int64_t pauseMinute = db.scalar("SELECT slot FROM rollup_spend WHERE grain = 1 AND requests > 0"
                                          " AND tenant_id = (SELECT id FROM dict WHERE kind = 1 AND value = '"
        + tenant.toStdString() + "') GROUP BY slot ORDER BY slot DESC LIMIT 1 OFFSET 9");
    ASSERT_GT(pauseMinute, 0);
    TenantState state;
    state.tenant = tenant;
    state.paused = true;
    state.changedBy = QStringLiteral("otto");
    state.changedMs = pauseMinute * 60000;
    state.reason = QStringLiteral("runaway costs");
    std::string error;
    ASSERT_TRUE(console->control().store().setTenantState(state, &error)) << error;
    tenants()->refresh();
    ASSERT_TRUE(QTest::qWaitFor([&] { return row(tenant)->sincePause.has_value(); }, kTimeoutMs));

    const QAbstractItemModel* model = tenants()->model();
    const int r = tenants()->model()->rowOf(tenant);
    const QString shown = model->index(r, TenantsModel::State).data().toString();
    EXPECT_TRUE(shown.startsWith(QStringLiteral("paused by otto at "))) << shown.toStdString();
    EXPECT_TRUE(shown.endsWith(QStringLiteral("runaway costs"))) << shown.toStdString();
    EXPECT_GE(row(tenant)->sincePause->requests, 10) << "ten minutes with requests since";
    EXPECT_LT(row(tenant)->sincePause->requests, row(tenant)->inRange->requests)
        << "since the pause, not the whole day";
    EXPECT_TRUE(model->index(r, TenantsModel::SincePause).data().toString().contains(QStringLiteral("requests")));

    ASSERT_TRUE(tenants()->selectTenant(tenant));
    EXPECT_FALSE(actions()->button(Action::PauseTenant)->isEnabled());
    EXPECT_TRUE(actions()->button(Action::PauseTenant)->toolTip().contains(QStringLiteral("paused already")));
    EXPECT_TRUE(actions()->button(Action::ResumeTenant)->isEnabled());
}
