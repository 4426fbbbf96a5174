#pragma once

// The Tenants page of the real window, offscreen, over a real control.db and
// generated telemetry shared by the Tenants test files.

#include "actiondialog.h"
#include "actionrunner.h"
#include "auditmodel.h"
#include "auditview.h"
#include "controlconsole.h"
#include "controlruntime.h"
#include "controlstore.h"
#include "mainwindow.h"
#include "sessionguard.h"
#include "tenantactionspanel.h"
#include "tenantsview.h"
#include "usersmodel.h"
#include "usersview.h"

#include <QAbstractItemModelTester>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTest>
#include <gtest/gtest.h>
#include <memory>
#include <vector>

namespace spanlight::test {

inline constexpr int kTimeoutMs = 20000;

inline const Action kTenantActions[] = { Action::PauseTenant, Action::ResumeTenant, Action::PurgeTenantCaches,
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

} // namespace spanlight::test
