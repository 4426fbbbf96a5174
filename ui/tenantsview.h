#pragma once

#include "tenantsmodel.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QTabWidget;
class QTableView;

namespace spanlight {

class ActionRunner;
class ConsoleContext;
class SessionGuard;
class TenantActionsPanel;
class UsersView;

/// The Tenants page (issue 5, item 7): every tenant seen in telemetry merged
/// with control.db — state (paused by whom, when, why), ingest keys (prefix …
/// last four), spend and requests over the selected range, and for a paused
/// tenant what still arrived since the pause — with the actions beside it and,
/// for admins, a Users tab. Control data comes from the control worker
/// (ActionRunner), telemetry from the reader pool (ConsoleContext); the UI
/// thread only merges.
class TenantsView : public QWidget
{
    Q_OBJECT
public:
    TenantsView(ConsoleContext* context, ActionRunner* runner, SessionGuard* session, QWidget* parent = nullptr);
    ~TenantsView() override;

    TenantsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    TenantActionsPanel* actions() const { return m_actions; }
    UsersView* users() const { return m_users; }
    QTabWidget* tabs() const { return m_tabs; }
    /// Selects \a tenant's row; false when the table has no such tenant.
    bool selectTenant(const QString& tenant);
    QString selectedTenant() const;

public slots:
    /// Reads control.db, then the telemetry figures (which need the pause times).
    void refresh();

signals:
    /// control.db's state was applied to the table (tests wait for this).
    void controlApplied();
    /// Telemetry figures were applied.
    void telemetryApplied();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void applyControl(const TenantControlSnapshot& snapshot);
    /// Telemetry figures for every tenant, and since the pause for the paused ones.
    void askTelemetry();
    void selectionChanged();
    void updateSummary();
    void sessionChanged();

    ConsoleContext* m_context;
    ActionRunner* m_runner;
    QPointer<SessionGuard> m_session;
    std::string m_channel;
    TenantsModel* m_model;
    QTableView* m_table;
    TenantActionsPanel* m_actions;
    UsersView* m_users;
    QTabWidget* m_tabs;
    QLabel* m_summary;
    QString m_controlError;
    QString m_telemetryError;
    std::vector<std::pair<std::string, int64_t>> m_paused; ///< tenant, pause time (from control.db)
    bool m_controlRead = false;
    bool m_stale = true;
    bool m_resized = false;
};

} // namespace spanlight
