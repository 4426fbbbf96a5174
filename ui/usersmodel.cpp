#include "usersmodel.h"

#include "tenantsmodel.h"

namespace spanlight {

UsersModel::UsersModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void UsersModel::setUsers(std::vector<UserRecord> users, int64_t nowMs)
{
    for (UserRecord& user : users)
        user.passwordHash.clear(); // belt and braces: the UI has no use for it
    beginResetModel();
    m_users = std::move(users);
    m_nowMs = nowMs;
    endResetModel();
}

const UserRecord* UsersModel::userAt(int row) const
{
    return row >= 0 && row < int(m_users.size()) ? &m_users[size_t(row)] : nullptr;
}

int UsersModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_users.size());
}

int UsersModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString UsersModel::statusText(const UserRecord& user) const
{
    if (user.disabled)
        return tr("disabled");
    if (user.lockedUntilMs > m_nowMs)
        return tr("locked until %1 (failed sign-ins)").arg(formatWhen(user.lockedUntilMs));
    if (user.failedAttempts > 0)
        return tr("active; failed sign-ins in a row: %1").arg(user.failedAttempts);
    return tr("active");
}

QVariant UsersModel::data(const QModelIndex& index, int role) const
{
    const UserRecord* user = index.isValid() ? userAt(index.row()) : nullptr;
    if (!user || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    if (role == NameRole)
        return user->name;
    if (role != Qt::DisplayRole && role != RawValueRole)
        return {};
    const bool raw = role == RawValueRole;
    switch (static_cast<Column>(index.column())) {
    case UserName:
        return user->name;
    case UserRole:
        return roleName(user->role);
    case Status:
        return raw ? QVariant(user->disabled ? 2 : user->lockedUntilMs > m_nowMs ? 1 : 0) : QVariant(statusText(*user));
    case Created:
        return raw ? QVariant(qlonglong(user->createdMs)) : QVariant(formatWhen(user->createdMs));
    case LastSignIn:
        return raw ? QVariant(qlonglong(user->lastLoginMs)) : QVariant(formatWhen(user->lastLoginMs));
    case ColumnCount:
        break;
    }
    return {};
}

QVariant UsersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case UserName:
        return tr("User");
    case UserRole:
        return tr("Role");
    case Status:
        return tr("Status");
    case Created:
        return tr("Created");
    case LastSignIn:
        return tr("Last sign-in");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace spanlight
