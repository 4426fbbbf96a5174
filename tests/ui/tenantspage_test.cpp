// The Tenants page of the real window, offscreen, over a real control.db and
// generated telemetry: what each role may press, the pause flow through the
// dialog (typed confirmation, audited failure without a control plane), a new
// ingest key shown once, step-up before a destructive action, and users.

#include "actiondialog.h"
#include "actionrunner.h"
#include "auditmodel.h"
#include "auditview.h"
#include "controlconsole.h"
#include "controlruntime.h"
#include "controlstore.h"
#include "mainwindow.h"
#include "sessionguard.h"
#include "stepupdialog.h"
#include "tenantactionspanel.h"
#include "tenantsview.h"
#include "usersmodel.h"
#include "usersview.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTest>
#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int kTimeoutMs = 20000;

const Action kTenantActions[] = { Action::PauseTenant, Action::ResumeTenant, Action::PurgeTenantCaches,
    Action::RotateTenantApiKey, Action::CreateIngestKey, Action::RotateIngestKey, Action::RevokeIngestKey,
    Action::RequestTenantPurge, Action::ApproveTenantPurge, Action::PurgeTenantData };

struct TenantsPage : ::testing::Test
{
    void SetUp() override
    {
        QSettings().clear();
        ASSERT_TRUE(sharedTelemetry().ok()) << sharedTelemetry().error();
        console = std::make_unique<ControlConsole>();
        ASSERT_TRUE(console->ok()) << console->error().toStdString();
    }
    void TearDown() override
    {
        testers.clear();
        window.reset();
        console.reset();
        QSettings().clear();
    }

    /// Opens the window for \a user and goes to the Tenants page with Ctrl+7.
    void open(const QString& user)
    {
        const Session session = console->signIn(user);
        ASSERT_TRUE(session.valid()) << user.toStdString();
        window = console->openWindow(session);
        ASSERT_TRUE(window);
        for (QAbstractItemModel* model : { static_cast<QAbstractItemModel*>(tenants()->model()),
                 static_cast<QAbstractItemModel*>(tenants()->users()->model()),
                 static_cast<QAbstractItemModel*>(window->auditPage()->model()) })
            testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model, QAbstractItemModelTester::FailureReportingMode::Fatal));
        QTest::keyClick(window.get(), Qt::Key_7, Qt::ControlModifier);
        ASSERT_EQ(window->currentPage(), MainWindow::Page::Tenants);
        ASSERT_TRUE(QTest::qWaitFor([this] { return !busiestTenant().isEmpty(); }, kTimeoutMs))
            << "the tenants page never showed spend";
    }
    TenantsView* tenants() const { return window->tenantsPage(); }
    TenantActionsPanel* actions() const { return tenants()->actions(); }

    /// The tenant with the most requests in the range (empty until telemetry arrived).
    QString busiestTenant() const
    {
        QString best;
        int64_t most = 0;
        for (int row = 0; row < tenants()->model()->rowCount(); ++row) {
            const TenantsModel::Row* r = tenants()->model()->rowAt(row);
            if (r->inRange && r->inRange->requests > most) {
                most = r->inRange->requests;
                best = r->tenant;
            }
        }
        return best;
    }
    const TenantsModel::Row* row(const QString& tenant) const
    {
        return tenants()->model()->rowAt(tenants()->model()->rowOf(tenant));
    }
    /// Clicks \a action's button and returns the dialog it opened.
    ActionDialog* press(Action action)
    {
        QPushButton* button = actions()->button(action);
        EXPECT_TRUE(button && button->isEnabled()) << traitsOf(action).name;
        QTest::mouseClick(button, Qt::LeftButton);
        return actions()->openDialog();
    }
    static QLineEdit* field(QWidget* dialog, const char* name)
    {
        return dialog->findChild<QLineEdit*>(QLatin1String(name));
    }
    static void clickOk(QDialog* dialog)
    {
        QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    }

    std::unique_ptr<ControlConsole> console;
    std::unique_ptr<MainWindow> window;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
};

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
    // Paused two hours ago, as a delivered pause records it; the generated traffic goes on.
    TenantState state;
    state.tenant = tenant;
    state.paused = true;
    state.changedBy = QStringLiteral("otto");
    state.changedMs = QDateTime::currentMSecsSinceEpoch() - 2 * 3600 * 1000;
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
    EXPECT_GT(row(tenant)->sincePause->requests, 0);
    EXPECT_LT(row(tenant)->sincePause->requests, row(tenant)->inRange->requests) << "two hours, not the whole day";
    EXPECT_TRUE(model->index(r, TenantsModel::SincePause).data().toString().contains(QStringLiteral("requests")));

    ASSERT_TRUE(tenants()->selectTenant(tenant));
    EXPECT_FALSE(actions()->button(Action::PauseTenant)->isEnabled());
    EXPECT_TRUE(actions()->button(Action::PauseTenant)->toolTip().contains(QStringLiteral("paused already")));
    EXPECT_TRUE(actions()->button(Action::ResumeTenant)->isEnabled());
}

TEST_F(TenantsPage, NewIngestKeyIsShownOnceAndRevokingAsksForThePasswordAgain)
{
    open(QStringLiteral("ada"));
    const QString tenant = busiestTenant();
    ASSERT_TRUE(tenants()->selectTenant(tenant));
    QPointer<ActionDialog> dialog = press(Action::CreateIngestKey);
    ASSERT_TRUE(dialog);
    EXPECT_TRUE(dialog->confirmationName().isEmpty()) << "creating a key is not destructive";
    QTest::keyClicks(field(dialog, "reason"), QStringLiteral("new exporter"));
    clickOk(dialog);
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog && dialog->hasResult(); }, kTimeoutMs));
    ASSERT_EQ(dialog->result().status, ActionResult::Status::Done) << dialog->message().toStdString();
    const QString secret = dialog->shownSecret();
    ASSERT_TRUE(secret.startsWith(QStringLiteral("spl_"))) << secret.toStdString();
    EXPECT_TRUE(dialog->result().secret.isEmpty()) << "the dialog keeps the key in its field only";
    QLineEdit* shown = field(dialog, "secret");
    ASSERT_TRUE(shown && shown->isVisible());
    EXPECT_TRUE(shown->isReadOnly());
    QCoreApplication::processEvents();
    EXPECT_TRUE(saveScreenshot(dialog, QStringLiteral("key-dialog")));
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("copySecret")), Qt::LeftButton);
    EXPECT_EQ(QGuiApplication::clipboard()->text(), secret);
    QGuiApplication::clipboard()->clear();
    dialog->reject(); // "Close"
    EXPECT_TRUE(shown->text().isEmpty()) << "closing forgets the key";

    // The table shows prefix…last4; the key itself appears nowhere on the page.
    ASSERT_TRUE(QTest::qWaitFor([&] { return row(tenant)->keys.size() == 1; }, kTimeoutMs));
    const IngestKeyRecord key = row(tenant)->keys.front();
    const QAbstractItemModel* model = tenants()->model();
    const int r = tenants()->model()->rowOf(tenant);
    EXPECT_EQ(model->index(r, TenantsModel::Keys).data().toString(), key.prefix + QStringLiteral("…") + key.last4);
    EXPECT_TRUE(secret.startsWith(key.prefix) && secret.endsWith(key.last4));
    EXPECT_TRUE(key.secretHash.isEmpty()) << "hashes stay on the worker";
    for (int i = 0; i < model->rowCount(); ++i)
        for (int c = 0; c < model->columnCount(); ++c)
            EXPECT_FALSE(model->index(i, c).data().toString().contains(secret));

    // Six minutes later the password is older than the step-up window: revoking asks for it, then goes on.
    console->advanceClock(6 * 60 * 1000);
    dialog = press(Action::RevokeIngestKey);
    ASSERT_TRUE(dialog);
    const QComboBox* keys = dialog->findChild<QComboBox*>(QStringLiteral("key"));
    ASSERT_TRUE(keys);
    EXPECT_EQ(keys->count(), 1);
    QTest::keyClicks(field(dialog, "reason"), QStringLiteral("exporter retired"));
    clickOk(dialog);
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog && dialog->stepUpDialog(); }, kTimeoutMs));
    QPointer<StepUpDialog> stepUp = dialog->stepUpDialog();
    EXPECT_FALSE(dialog->hasResult());
    QTest::keyClicks(field(stepUp, "password"), QStringLiteral("not my password"));
    clickOk(stepUp);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return stepUp && !stepUp->message().startsWith(QStringLiteral("Checking")) && !stepUp->message().isEmpty();
        },
        kTimeoutMs));
    EXPECT_EQ(stepUp->message(), QStringLiteral("Wrong user name or password.")) << stepUp->message().toStdString();
    const int64_t before = window->sessionGuard()->session().lastAuthMs;
    QTest::keyClicks(field(stepUp, "password"), QString::fromUtf8(ControlConsole::kPassword));
    clickOk(stepUp);
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog && dialog->hasResult(); }, kTimeoutMs));
    EXPECT_EQ(dialog->result().status, ActionResult::Status::Done) << dialog->message().toStdString();
    EXPECT_GE(window->sessionGuard()->session().lastAuthMs, before + 6 * 60 * 1000) << "the session was refreshed";
    dialog->reject();
    EXPECT_TRUE(QTest::qWaitFor([&] { return row(tenant)->keys.empty(); }, kTimeoutMs));
}

TEST_F(TenantsPage, AdminAddsAnOperatorOnTheUsersTab)
{
    open(QStringLiteral("ada"));
    QTabWidget* tabs = tenants()->tabs();
    ASSERT_TRUE(tabs->isTabVisible(tabs->indexOf(tenants()->users())));
    tabs->setCurrentWidget(tenants()->users());
    ASSERT_TRUE(QTest::qWaitFor([&] { return tenants()->users()->model()->rowCount() == 5; }, kTimeoutMs));
    QTest::mouseClick(tenants()->users()->addButton(), Qt::LeftButton);
    QPointer<ActionDialog> dialog = tenants()->users()->openDialog();
    ASSERT_TRUE(dialog);
    QTest::keyClicks(field(dialog, "reason"), QStringLiteral("new on-call engineer"));
    QTest::keyClicks(field(dialog, "userName"), QStringLiteral("nina"));
    dialog->findChild<QComboBox*>(QStringLiteral("role"))->setCurrentText(QStringLiteral("operator"));
    QTest::keyClicks(field(dialog, "newPassword"), QStringLiteral("nina's long password"));
    QTest::keyClicks(field(dialog, "newPasswordAgain"), QStringLiteral("nina's long passwore"));
    EXPECT_FALSE(dialog->canSubmit());
    EXPECT_TRUE(dialog->message().contains(QStringLiteral("differ"))) << dialog->message().toStdString();
    QTest::keyClick(field(dialog, "newPasswordAgain"), Qt::Key_Backspace);
    QTest::keyClicks(field(dialog, "newPasswordAgain"), QStringLiteral("d"));
    ASSERT_TRUE(dialog->canSubmit()) << dialog->message().toStdString();
    clickOk(dialog);
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog && dialog->hasResult(); }, kTimeoutMs));
    EXPECT_EQ(dialog->result().status, ActionResult::Status::Done) << dialog->message().toStdString();
    dialog->reject();
    ASSERT_TRUE(QTest::qWaitFor([&] { return tenants()->users()->model()->rowCount() == 6; }, kTimeoutMs));
    const auto nina = console->control().store().user(QStringLiteral("nina"));
    ASSERT_TRUE(nina.has_value());
    EXPECT_EQ(nina->role, Role::Operator);
    EXPECT_TRUE(
        console->control()
            .auth()
            .login(QStringLiteral("nina"), QByteArrayLiteral("nina's long password"), QStringLiteral("password"))
            .ok);
}

TEST_F(TenantsPage, Screenshot)
{
    // What an admin sees mid-incident: a paused tenant, a tenant with a key in
    // its grace period, and a purge request from another admin waiting for approval.
    open(QStringLiteral("ada"));
    const QString busiest = busiestTenant();
    QString other;
    for (int r = 0; r < tenants()->model()->rowCount() && other.isEmpty(); ++r)
        if (tenants()->model()->rowAt(r)->tenant != busiest)
            other = tenants()->model()->rowAt(r)->tenant;
    ASSERT_FALSE(other.isEmpty());
    TenantState state;
    state.tenant = busiest;
    state.paused = true;
    state.changedBy = QStringLiteral("otto");
    state.changedMs = QDateTime::currentMSecsSinceEpoch() - 40 * 60 * 1000;
    state.reason = QStringLiteral("runaway retries, INC-7");
    std::string error;
    ASSERT_TRUE(console->control().store().setTenantState(state, &error)) << error;
    const Session ada = console->signIn(QStringLiteral("ada"));
    const Session bob = console->signIn(QStringLiteral("bob"));
    const auto perform = [this](const Session& who, Action action, const QString& target) {
        ActionRequest request;
        request.action = action;
        request.target = target;
        request.confirmation = target;
        request.reason = QStringLiteral("screenshot");
        return console->control().actions().perform(who, request).status;
    };
    ASSERT_EQ(perform(ada, Action::CreateIngestKey, other), ActionResult::Status::Done);
    ASSERT_EQ(perform(ada, Action::RotateIngestKey, other), ActionResult::Status::Done);
    ASSERT_EQ(perform(bob, Action::RequestTenantPurge, other), ActionResult::Status::ApprovalPending);
    tenants()->refresh();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return row(busiest)->sincePause && row(other)->keys.size() == 2 && actions()->approvalsList()->count() == 1;
        },
        kTimeoutMs));
    ASSERT_TRUE(tenants()->selectTenant(busiest));
    actions()->approvalsList()->setCurrentRow(0);
    EXPECT_TRUE(actions()->button(Action::ApproveTenantPurge)->isEnabled()) << "ada did not ask for it";
    EXPECT_FALSE(actions()->button(Action::PurgeTenantData)->isEnabled()) << "not approved yet";
    QCoreApplication::processEvents();
    EXPECT_TRUE(saveScreenshot(window.get(), QStringLiteral("tenants")));
    window->setTheme(Theme::Dark);
    QCoreApplication::processEvents();
    EXPECT_TRUE(saveScreenshot(window.get(), QStringLiteral("tenants-dark")));
    window->setTheme(Theme::Light);
}

} // namespace
