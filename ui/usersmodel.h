#pragma once

#include "controlrecords.h"

#include <QAbstractTableModel>
#include <vector>

namespace spanlight {

/// control.db's users for the admin's Users tab. Password hashes never reach
/// it: the reading job drops them on the control worker.
class UsersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { UserName, UserRole, Status, Created, LastSignIn, ColumnCount };
    enum Roles {
        RawValueRole = Qt::UserRole + 1, ///< numbers as numbers, for sorting
        NameRole, ///< the user's name, whatever the column
    };

    explicit UsersModel(QObject* parent = nullptr);

    /// \a nowMs decides which lockouts are still running.
    void setUsers(std::vector<UserRecord> users, int64_t nowMs);
    const UserRecord* userAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString statusText(const UserRecord& user) const;

    std::vector<UserRecord> m_users;
    int64_t m_nowMs = 0;
};

} // namespace spanlight
