#pragma once

#include "rbacpolicy.h"
#include "tenantsmodel.h"

#include <QPointer>
#include <QWidget>
#include <map>
#include <optional>

class QLabel;
class QListWidget;
class QPushButton;

namespace spanlight {

class ActionDialog;
class ActionRunner;
class SessionGuard;
struct ActionRequest;

/// The Tenants page's side panel: what can be done to the selected tenant
/// (control-plane actions, ingest keys, the telemetry purge request) and the
/// purge requests waiting for a second admin. A button the signed-in role may
/// not use is disabled, with a tooltip naming the roles that may; the action
/// service enforces the same policy anyway. Each button opens an ActionDialog.
class TenantActionsPanel : public QWidget
{
    Q_OBJECT
public:
    TenantActionsPanel(ActionRunner* runner, SessionGuard* session, QWidget* parent = nullptr);
    ~TenantActionsPanel() override;

    /// The selected tenant's row (copied), or nullopt when none is selected.
    void setTenant(const std::optional<TenantsModel::Row>& row);
    void setApprovals(const std::vector<ApprovalRecord>& approvals);
    /// Re-evaluates every button against the current session.
    void updateButtons();

    QPushButton* button(Action action) const;
    QListWidget* approvalsList() const { return m_approvals; }
    /// The action dialog this panel opened last, while it is open.
    ActionDialog* openDialog() const;

private:
    QPushButton* addButton(Action action, const QString& text);
    void openTenantAction(Action action);
    void openApprovalAction(Action action);
    ActionDialog* startDialog(const ActionRequest& request);
    const ApprovalRecord* selectedApproval() const;
    /// Disabled with \a why as the tooltip when \a why is not empty.
    void setButton(Action action, const QString& why);

    ActionRunner* m_runner;
    QPointer<SessionGuard> m_session;
    std::optional<TenantsModel::Row> m_tenant;
    std::vector<ApprovalRecord> m_approvalRecords;
    std::map<Action, QPushButton*> m_buttons;
    QLabel* m_selected;
    QListWidget* m_approvals;
    QLabel* m_noApprovals;
    QPointer<ActionDialog> m_dialog;
};

} // namespace spanlight
