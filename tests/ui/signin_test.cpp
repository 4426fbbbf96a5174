// Signing in to the console over a real control.db: the first start creates
// the first admin, the sign-in dialog shows the service's errors (wrong
// password, locked until HH:MM), and the idle lock covers the real window and
// asks the same user's password again, or lets someone else sign in.

#include "actionrunner.h"
#include "controlconsole.h"
#include "controlruntime.h"
#include "logindialog.h"
#include "mainwindow.h"
#include "sessionguard.h"

#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int kTimeoutMs = 20000;

QLineEdit* field(QWidget* dialog, const char* name)
{
    return dialog->findChild<QLineEdit*>(QLatin1String(name));
}

QPushButton* okButton(QWidget* dialog)
{
    return dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

void type(QLineEdit* edit, const QString& text)
{
    edit->clear();
    QTest::keyClicks(edit, text);
}

TEST(SignIn, FirstStartCreatesTheFirstAdmin)
{
    ControlConsole console(false);
    ASSERT_TRUE(console.ok()) << console.error().toStdString();
    ActionRunner runner(&console.control());
    LoginDialog dialog(&runner, LoginDialog::Mode::Detect);
    dialog.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.mode() == LoginDialog::Mode::FirstAdmin; }, kTimeoutMs));
    ASSERT_TRUE(field(&dialog, "repeat")->isVisible());
    type(field(&dialog, "user"), QStringLiteral("ada"));
    type(field(&dialog, "password"), QStringLiteral("short"));
    EXPECT_FALSE(okButton(&dialog)->isEnabled());
    EXPECT_TRUE(dialog.message().contains(QStringLiteral("at least"))) << dialog.message().toStdString();
    type(field(&dialog, "password"), QString::fromUtf8(ControlConsole::kPassword));
    type(field(&dialog, "repeat"), QStringLiteral("correct horse battery!"));
    EXPECT_FALSE(okButton(&dialog)->isEnabled());
    EXPECT_TRUE(dialog.message().contains(QStringLiteral("differ"))) << dialog.message().toStdString();
    type(field(&dialog, "repeat"), QString::fromUtf8(ControlConsole::kPassword));
    ASSERT_TRUE(okButton(&dialog)->isEnabled()) << dialog.message().toStdString();
    QCoreApplication::processEvents();
    EXPECT_TRUE(saveScreenshot(&dialog, QStringLiteral("login-first-admin")));

    QSignalSpy signedIn(&dialog, &LoginDialog::signedIn);
    QTest::mouseClick(okButton(&dialog), Qt::LeftButton);
    ASSERT_TRUE(signedIn.wait(kTimeoutMs)) << dialog.message().toStdString();
    EXPECT_EQ(dialog.result(), QDialog::Accepted);
    EXPECT_EQ(dialog.session().user, QStringLiteral("ada"));
    EXPECT_EQ(dialog.session().role, Role::Admin);
    EXPECT_TRUE(console.control().auth().hasUsers());

    // The next start signs in instead.
    LoginDialog next(&runner, LoginDialog::Mode::Detect);
    ASSERT_TRUE(QTest::qWaitFor([&] { return next.mode() == LoginDialog::Mode::SignIn; }, kTimeoutMs));
    EXPECT_FALSE(field(&next, "repeat")->isVisibleTo(&next));
}

TEST(SignIn, ShowsWrongPasswordThenLockedUntil)
{
    ControlConsole console;
    ASSERT_TRUE(console.ok()) << console.error().toStdString();
    ActionRunner runner(&console.control());
    LoginDialog dialog(&runner, LoginDialog::Mode::Detect);
    dialog.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.mode() == LoginDialog::Mode::SignIn; }, kTimeoutMs));
    const auto attempt = [&](const QString& password) {
        type(field(&dialog, "user"), QStringLiteral("otto"));
        type(field(&dialog, "password"), password);
        QTest::mouseClick(okButton(&dialog), Qt::LeftButton);
        return QTest::qWaitFor([&] { return !dialog.busy(); }, kTimeoutMs);
    };
    ASSERT_TRUE(attempt(QStringLiteral("guess number one")));
    EXPECT_EQ(dialog.message(), QStringLiteral("Wrong user name or password."));
    EXPECT_TRUE(field(&dialog, "password")->text().isEmpty()) << "a refused password is not kept";
    QCoreApplication::processEvents();
    EXPECT_TRUE(saveScreenshot(&dialog, QStringLiteral("login")));
    for (int i = 2; i <= 5; ++i)
        ASSERT_TRUE(attempt(QStringLiteral("guess number %1").arg(i)));
    // The fifth failure locks the user; even the right password is refused now, with the time it ends.
    ASSERT_TRUE(attempt(QString::fromUtf8(ControlConsole::kPassword)));
    EXPECT_TRUE(dialog.message().contains(QStringLiteral("locked until"))) << dialog.message().toStdString();
    EXPECT_NE(dialog.result(), QDialog::Accepted);
}

TEST(IdleLock, CoversTheWindowAndAsksTheSamePasswordAgain)
{
    QSettings().clear();
    ASSERT_TRUE(sharedTelemetry().ok()) << sharedTelemetry().error();
    ControlConsole console;
    ASSERT_TRUE(console.ok()) << console.error().toStdString();
    std::unique_ptr<MainWindow> window = console.openWindow(console.signIn(QStringLiteral("otto")));
    ASSERT_TRUE(window);
    SessionGuard* guard = window->sessionGuard();
    EXPECT_EQ(guard->idleTimeoutMs(), SessionGuard::kDefaultIdleMs);
    EXPECT_FALSE(guard->locked());

    guard->setIdleTimeoutMs(300); // nobody touches the window from here on
    ASSERT_TRUE(QTest::qWaitFor([&] { return guard->locked(); }, kTimeoutMs));
    EXPECT_TRUE(guard->cover()->isVisible());
    EXPECT_EQ(guard->cover()->geometry(), window->rect());
    EXPECT_FALSE(window->centralWidget()->isEnabled());
    LoginDialog* unlock = guard->unlockDialog();
    ASSERT_TRUE(unlock && unlock->isVisible());
    EXPECT_EQ(unlock->mode(), LoginDialog::Mode::Unlock);
    EXPECT_EQ(field(unlock, "user")->text(), QStringLiteral("otto"));
    EXPECT_TRUE(field(unlock, "user")->isReadOnly());

    // Page shortcuts do not reach the pages behind the cover.
    const MainWindow::Page before = window->currentPage();
    QTest::keyClick(window.get(), before == MainWindow::Page::Spend ? Qt::Key_1 : Qt::Key_4, Qt::ControlModifier);
    EXPECT_EQ(window->currentPage(), before);

    type(field(unlock, "password"), QStringLiteral("not otto's password"));
    QTest::mouseClick(okButton(unlock), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !unlock->busy() && !unlock->message().isEmpty(); }, kTimeoutMs));
    EXPECT_TRUE(guard->locked());
    EXPECT_EQ(unlock->message(), QStringLiteral("Wrong user name or password."));

    // No idle lock while the unlocked window is checked: a busy event loop could
    // otherwise lock it again before the check runs.
    guard->setIdleTimeoutMs(0);
    type(field(unlock, "password"), QString::fromUtf8(ControlConsole::kPassword));
    QTest::mouseClick(okButton(unlock), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !guard->locked(); }, kTimeoutMs));
    EXPECT_FALSE(guard->cover()->isVisible());
    EXPECT_TRUE(window->centralWidget()->isEnabled());
    EXPECT_EQ(guard->session().user, QStringLiteral("otto"));

    // Locked again; this time otto signs out and ada signs in.
    guard->setIdleTimeoutMs(300);
    ASSERT_TRUE(QTest::qWaitFor([&] { return guard->locked(); }, kTimeoutMs));
    unlock = guard->unlockDialog();
    ASSERT_TRUE(unlock);
    QTest::mouseClick(unlock->findChild<QPushButton*>(QStringLiteral("signOut")), Qt::LeftButton);
    EXPECT_EQ(unlock->mode(), LoginDialog::Mode::SignIn);
    EXPECT_FALSE(field(unlock, "user")->isReadOnly());
    guard->setIdleTimeoutMs(0); // stays unlocked once ada is in
    type(field(unlock, "user"), QStringLiteral("ada"));
    type(field(unlock, "password"), QString::fromUtf8(ControlConsole::kPassword));
    QTest::mouseClick(okButton(unlock), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !guard->locked(); }, kTimeoutMs));
    EXPECT_EQ(guard->session().user, QStringLiteral("ada"));
    EXPECT_EQ(guard->session().role, Role::Admin);
    EXPECT_TRUE(window->windowTitle().contains(QStringLiteral("ada (admin)"))) << window->windowTitle().toStdString();
    window.reset();
}

} // namespace
