#include "tenantactionspanel.h"

#include "actiondialog.h"
#include "sessionguard.h"

#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace spanlight {

TenantActionsPanel::TenantActionsPanel(ActionRunner* runner, SessionGuard* session, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_session(session)
    , m_selected(new QLabel(this))
    , m_approvals(new QListWidget(this))
    , m_noApprovals(new QLabel(tr("No purge request is waiting."), this))
{
    m_selected->setWordWrap(true);
    m_selected->setTextFormat(Qt::RichText);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_selected);

    auto addGroup = [this, layout](const QString& title, std::initializer_list<std::pair<Action, QString>> actions) {
        auto* group = new QGroupBox(title, this);
        auto* grid = new QGridLayout(group);
        int i = 0;
        for (const auto& [action, text] : actions) {
            grid->addWidget(addButton(action, text), i / 2, i % 2);
            ++i;
        }
        layout->addWidget(group);
    };
    addGroup(tr("Platform (control plane)"),
        { { Action::PauseTenant, tr("&Pause…") }, { Action::ResumeTenant, tr("Res&ume…") },
            { Action::PurgeTenantCaches, tr("Purge &caches…") },
            { Action::RotateTenantApiKey, tr("Rotate &API key…") } });
    addGroup(tr("Ingest keys"),
        { { Action::CreateIngestKey, tr("Create &key…") }, { Action::RotateIngestKey, tr("R&otate key…") },
            { Action::RevokeIngestKey, tr("Re&voke key…") } });
    addGroup(tr("Stored telemetry"), { { Action::RequestTenantPurge, tr("Request &purge of telemetry…") } });

    auto* pending = new QGroupBox(tr("Purge requests (two admins)"), this);
    auto* pendingLayout = new QVBoxLayout(pending);
    m_approvals->setObjectName(QStringLiteral("approvals"));
    m_approvals->setWordWrap(true);
    m_approvals->setAccessibleName(tr("Purge requests"));
    m_noApprovals->setForegroundRole(QPalette::PlaceholderText);
    pendingLayout->addWidget(m_approvals, 1);
    pendingLayout->addWidget(m_noApprovals);
    auto* row = new QHBoxLayout;
    row->addWidget(addButton(Action::ApproveTenantPurge, tr("Appro&ve…")));
    row->addWidget(addButton(Action::PurgeTenantData, tr("&Run purge…")));
    pendingLayout->addLayout(row);
    layout->addWidget(pending, 1);

    connect(m_approvals, &QListWidget::currentRowChanged, this, &TenantActionsPanel::updateButtons);
    if (m_session)
        connect(m_session, &SessionGuard::sessionChanged, this, &TenantActionsPanel::updateButtons);
    setTenant(std::nullopt);
    setApprovals({});
}

TenantActionsPanel::~TenantActionsPanel() = default;

ActionDialog* TenantActionsPanel::openDialog() const
{
    return m_dialog;
}

QPushButton* TenantActionsPanel::addButton(Action action, const QString& text)
{
    auto* button = new QPushButton(text, this);
    button->setObjectName(QLatin1String(traitsOf(action).name));
    m_buttons[action] = button;
    if (action == Action::ApproveTenantPurge || action == Action::PurgeTenantData)
        connect(button, &QPushButton::clicked, this, [this, action] { openApprovalAction(action); });
    else
        connect(button, &QPushButton::clicked, this, [this, action] { openTenantAction(action); });
    return button;
}

QPushButton* TenantActionsPanel::button(Action action) const
{
    const auto it = m_buttons.find(action);
    return it == m_buttons.end() ? nullptr : it->second;
}

void TenantActionsPanel::setTenant(const std::optional<TenantsModel::Row>& row)
{
    m_tenant = row;
    if (!row) {
        m_selected->setText(tr("Select a tenant in the table to act on it."));
    } else {
        m_selected->setText(
            tr("<b>%1</b><br>%2")
                .arg(row->tenant.toHtmlEscaped(),
                    row->state.paused ? tr("Paused by %1 at %2.")
                                            .arg(row->state.changedBy.toHtmlEscaped(), formatWhen(row->state.changedMs))
                                      : tr("Active.")));
    }
    updateButtons();
}

void TenantActionsPanel::setApprovals(const std::vector<ApprovalRecord>& approvals)
{
    const int64_t selected = selectedApproval() ? selectedApproval()->id : 0;
    m_approvalRecords = approvals;
    m_approvals->clear();
    for (const ApprovalRecord& a : approvals) {
        QString text = tr("#%1 purge %2 — asked by %3 at %4: %5")
                           .arg(a.id)
                           .arg(a.target, a.requestedBy, formatWhen(a.requestedMs), a.reason);
        text += QLatin1Char('\n')
            + (a.approvedBy.isEmpty()
                    ? tr("Waiting for a second admin (until %1).").arg(formatWhen(a.expiresMs))
                    : tr("Approved by %1; can run until %2.").arg(a.approvedBy, formatWhen(a.expiresMs)));
        auto* item = new QListWidgetItem(text, m_approvals);
        item->setData(Qt::UserRole, qlonglong(a.id));
        if (a.id == selected)
            m_approvals->setCurrentItem(item);
    }
    m_approvals->setVisible(!approvals.empty());
    m_noApprovals->setVisible(approvals.empty());
    updateButtons();
}

const ApprovalRecord* TenantActionsPanel::selectedApproval() const
{
    const QListWidgetItem* item = m_approvals->currentItem();
    if (!item)
        return nullptr;
    const qlonglong id = item->data(Qt::UserRole).toLongLong();
    for (const ApprovalRecord& a : m_approvalRecords)
        if (a.id == id)
            return &a;
    return nullptr;
}

void TenantActionsPanel::setButton(Action action, const QString& why)
{
    QPushButton* b = button(action);
    b->setEnabled(why.isEmpty());
    b->setToolTip(why.isEmpty() ? QLatin1String(traitsOf(action).label) : why);
}

void TenantActionsPanel::updateButtons()
{
    const Session session = m_session ? m_session->session() : Session();
    const ApprovalRecord* approval = selectedApproval();
    for (const auto& entry : m_buttons) {
        const Action action = entry.first;
        QString why;
        const bool forApproval = action == Action::ApproveTenantPurge || action == Action::PurgeTenantData;
        if (!isAllowed(session.role, action)) {
            why = tr("Needs the %1 role; you are signed in as %2 (%3).")
                      .arg(rolesAllowed(action), session.user, roleName(session.role));
        } else if (forApproval && !approval) {
            why = tr("Select a purge request first.");
        } else if (!forApproval && !m_tenant) {
            why = tr("Select a tenant first.");
        } else if (action == Action::PauseTenant && m_tenant->state.paused) {
            why = tr("%1 is paused already.").arg(m_tenant->tenant);
        } else if (action == Action::ResumeTenant && !m_tenant->state.paused) {
            why = tr("%1 is not paused.").arg(m_tenant->tenant);
        } else if ((action == Action::RotateIngestKey || action == Action::RevokeIngestKey) && m_tenant->keys.empty()) {
            why = tr("%1 has no active ingest key.").arg(m_tenant->tenant);
        } else if (action == Action::ApproveTenantPurge && !approval->approvedBy.isEmpty()) {
            why = tr("Approved already by %1.").arg(approval->approvedBy);
        } else if (action == Action::ApproveTenantPurge && approval->requestedBy == session.user) {
            why = tr("You asked for this purge: a second admin must approve it.");
        } else if (action == Action::PurgeTenantData && approval->approvedBy.isEmpty()) {
            why = tr("Waiting for a second admin's approval.");
        }
        setButton(action, why);
    }
}

void TenantActionsPanel::openTenantAction(Action action)
{
    if (!m_tenant)
        return;
    ActionRequest request;
    request.action = action;
    request.target = m_tenant->tenant;
    if (action != Action::RevokeIngestKey) {
        startDialog(request);
        return;
    }
    // Revoking acts on one key: the dialog asks which, and the key's id becomes the target.
    ActionDialog* dialog = startDialog(request);
    dialog->setDescription(
        tr("Revoke an ingest key of %1").arg(m_tenant->tenant), describeAction(action, m_tenant->tenant));
    auto* keys = new QComboBox(dialog);
    keys->setObjectName(QStringLiteral("key"));
    for (const IngestKeyRecord& key : m_tenant->keys)
        keys->addItem(
            tr("%1…%2, created %3 by %4").arg(key.prefix, key.last4, formatWhen(key.createdMs), key.createdBy),
            qlonglong(key.id));
    dialog->addField(tr("&Key:"), keys, [keys](ActionRequest* r) {
        if (keys->currentIndex() < 0)
            return tr("Choose the key to revoke.");
        r->target = QString::number(keys->currentData().toLongLong());
        return QString();
    });
}

void TenantActionsPanel::openApprovalAction(Action action)
{
    const ApprovalRecord* approval = selectedApproval();
    if (!approval)
        return;
    ActionRequest request;
    request.action = action;
    if (action == Action::ApproveTenantPurge) {
        request.target = QString::number(approval->id);
        ActionDialog* dialog = startDialog(request);
        dialog->setDescription(tr("Approve purge request #%1 (%2)").arg(approval->id).arg(approval->target),
            tr("%1 asked to delete every stored telemetry row of <b>%2</b>: “%3”. %4")
                .arg(approval->requestedBy.toHtmlEscaped(), approval->target.toHtmlEscaped(),
                    approval->reason.toHtmlEscaped(), describeAction(action, QStringLiteral("#%1").arg(approval->id))));
        return;
    }
    request.target = approval->target;
    request.approvalId = approval->id;
    startDialog(request);
}

ActionDialog* TenantActionsPanel::startDialog(const ActionRequest& request)
{
    auto* dialog = new ActionDialog(m_runner, m_session, request, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    dialog->open();
    return dialog;
}

} // namespace spanlight
