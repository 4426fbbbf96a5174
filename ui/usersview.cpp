#include "usersview.h"

#include "actiondialog.h"
#include "actionrunner.h"
#include "controlruntime.h"
#include "controlstore.h"
#include "passwordhasher.h"
#include "sessionguard.h"
#include "usersmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace spanlight {

namespace {

struct UserList
{
    std::vector<UserRecord> users;
    int64_t nowMs = 0;
    QString error;
};

QComboBox* roleCombo(QWidget* parent, Role current)
{
    auto* combo = new QComboBox(parent);
    combo->setObjectName(QStringLiteral("role"));
    for (Role role : { Role::Viewer, Role::Operator, Role::Admin, Role::Auditor })
        combo->addItem(roleName(role), roleName(role));
    combo->setCurrentIndex(combo->findData(roleName(current)));
    combo->setToolTip(QObject::tr("viewer: reads telemetry · operator: also pauses and resumes tenants, purges caches "
                                  "· admin: everything, including keys, purges and users · auditor: reads and "
                                  "verifies the audit log"));
    return combo;
}

} // namespace

UsersView::UsersView(ActionRunner* runner, SessionGuard* session, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_session(session)
    , m_model(new UsersModel(this))
    , m_table(new QTableView(this))
    , m_status(new QLabel(this))
    , m_add(new QPushButton(tr("&Add user…"), this))
    , m_setRole(new QPushButton(tr("Set &role…"), this))
    , m_disable(new QPushButton(tr("&Disable…"), this))
    , m_enable(new QPushButton(tr("&Enable…"), this))
    , m_reset(new QPushButton(tr("Reset &password…"), this))
{
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(UsersModel::RawValueRole);
    m_table->setModel(proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(UsersModel::UserName, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_status->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : { m_add, m_setRole, m_disable, m_enable, m_reset })
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    connect(m_add, &QPushButton::clicked, this, [this] { openUserDialog(QStringLiteral("add"), QString()); });
    connect(
        m_setRole, &QPushButton::clicked, this, [this] { openUserDialog(QStringLiteral("set_role"), selectedUser()); });
    connect(
        m_disable, &QPushButton::clicked, this, [this] { openUserDialog(QStringLiteral("disable"), selectedUser()); });
    connect(
        m_enable, &QPushButton::clicked, this, [this] { openUserDialog(QStringLiteral("enable"), selectedUser()); });
    connect(m_reset, &QPushButton::clicked, this,
        [this] { openUserDialog(QStringLiteral("reset_password"), selectedUser()); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &UsersView::updateButtons);
    connect(m_runner, &ActionRunner::actionPerformed, this, [this] {
        if (isVisible())
            refresh();
        else
            m_stale = true;
    });
    if (m_session)
        connect(m_session, &SessionGuard::sessionChanged, this, &UsersView::updateButtons);
    updateButtons();
}

UsersView::~UsersView() = default;

ActionDialog* UsersView::openDialog() const
{
    return m_dialog;
}

void UsersView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void UsersView::refresh()
{
    m_stale = false;
    const QString channel = QStringLiteral("users:%1").arg(quintptr(this));
    m_runner->run(
        this, channel,
        [](ControlRuntime& control) {
            UserList list;
            std::string error;
            list.users = control.store().users(&error);
            for (UserRecord& user : list.users)
                user.passwordHash.clear(); // dropped here, on the worker
            list.error = QString::fromStdString(error);
            list.nowMs = control.audit().now();
            return list;
        },
        [this](UserList list) {
            const QString selected = selectedUser();
            m_model->setUsers(std::move(list.users), list.nowMs);
            m_status->setText(list.error.isEmpty()
                    ? tr("Users: %1. Every change is recorded in the audit log.").arg(m_model->rowCount())
                    : tr("The users cannot be read: %1").arg(list.error));
            for (int row = 0; row < m_table->model()->rowCount(); ++row)
                if (m_table->model()->index(row, 0).data(UsersModel::NameRole).toString() == selected)
                    m_table->selectRow(row);
            updateButtons();
            emit usersApplied();
        });
}

QString UsersView::selectedUser() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(UsersModel::NameRole).toString();
}

void UsersView::updateButtons()
{
    const Session session = m_session ? m_session->session() : Session();
    const bool allowed = isAllowed(session.role, Action::ManageUsers);
    const QString denied = tr("Needs the %1 role; you are signed in as %2.")
                               .arg(rolesAllowed(Action::ManageUsers), roleName(session.role));
    const QString user = selectedUser();
    bool disabled = false;
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->userAt(row)->name == user)
            disabled = m_model->userAt(row)->disabled;
    m_add->setEnabled(allowed);
    m_add->setToolTip(allowed ? tr("Add a user with a role and a first password") : denied);
    const std::pair<QPushButton*, bool> perUser[]
        = { { m_setRole, true }, { m_disable, !disabled }, { m_enable, disabled }, { m_reset, true } };
    for (const auto& [button, applies] : perUser) {
        button->setEnabled(allowed && !user.isEmpty() && applies);
        button->setToolTip(!allowed ? denied : user.isEmpty() ? tr("Select a user first") : QString());
    }
}

ActionDialog* UsersView::openUserDialog(const QString& op, const QString& user)
{
    ActionRequest request;
    request.action = Action::ManageUsers;
    request.target = user;
    request.params.insert(QStringLiteral("op"), op);
    auto* dialog = new ActionDialog(m_runner, m_session, request, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const auto edited = [dialog] { dialog->updateState(); };
    if (op == QStringLiteral("add")) {
        dialog->setDescription(tr("Add a user"), tr("The new user signs in with this name and password."));
        auto* name = new QLineEdit(dialog);
        name->setObjectName(QStringLiteral("userName"));
        name->setMaxLength(64);
        connect(name, &QLineEdit::textChanged, dialog, edited);
        dialog->addField(tr("&Name:"), name, [name](ActionRequest* r) {
            r->target = name->text().trimmed();
            return r->target.isEmpty() ? tr("Enter the new user's name.") : QString();
        });
    } else {
        const QString what = op == QStringLiteral("set_role") ? tr("Change the role of %1")
            : op == QStringLiteral("disable")                 ? tr("Disable %1: they can no longer sign in")
            : op == QStringLiteral("enable")                  ? tr("Enable %1 again")
                                                              : tr("Set a new password for %1");
        dialog->setDescription(what.arg(user), describeAction(Action::ManageUsers, user));
    }
    if (op == QStringLiteral("add") || op == QStringLiteral("set_role")) {
        Role current = Role::Viewer;
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (m_model->userAt(row)->name == user)
                current = m_model->userAt(row)->role;
        QComboBox* role = roleCombo(dialog, current);
        dialog->addField(tr("R&ole:"), role, [role](ActionRequest* r) {
            r->params.insert(QStringLiteral("role"), role->currentData().toString());
            return QString();
        });
    }
    if (op == QStringLiteral("add") || op == QStringLiteral("reset_password")) {
        auto* password = new QLineEdit(dialog);
        auto* again = new QLineEdit(dialog);
        password->setObjectName(QStringLiteral("newPassword"));
        again->setObjectName(QStringLiteral("newPasswordAgain"));
        for (QLineEdit* field : { password, again }) {
            field->setEchoMode(QLineEdit::Password);
            connect(field, &QLineEdit::textChanged, dialog, edited);
        }
        dialog->addField(tr("&Password:"), password);
        dialog->addField(tr("Rep&eat:"), again, [password, again](ActionRequest* r) {
            const QByteArray bytes = password->text().toUtf8();
            if (bytes.isEmpty())
                return tr("Enter the new password twice.");
            if (const QString problem = passwordProblem(r->target, bytes); !problem.isEmpty())
                return QString(problem.at(0).toUpper() + problem.mid(1) + QLatin1Char('.'));
            if (again->text() != password->text())
                return tr("The two passwords differ.");
            r->params.insert(QStringLiteral("password"), password->text());
            return QString();
        });
    }
    m_dialog = dialog;
    dialog->open();
    return dialog;
}

} // namespace spanlight
