// The Tenants page's keys and users: a new ingest key shown once, step-up
// before revoking one, an admin adding an operator, and the page's screenshots.

#include "stepupdialog.h"
#include "tenantspage.h"

#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QGuiApplication>
#include <QListWidget>
#include <QTabWidget>

using namespace spanlight;
using namespace spanlight::test;

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
