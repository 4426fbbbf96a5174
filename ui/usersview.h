#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace spanlight {

class ActionDialog;
class ActionRunner;
class SessionGuard;
class UsersModel;

/// The admin's Users tab: who may sign in, with which role; add a user, change
/// a role, disable or enable, reset a password. Every change is a ManageUsers
/// action through an ActionDialog (reason, step-up, audit).
class UsersView : public QWidget
{
    Q_OBJECT
public:
    UsersView(ActionRunner* runner, SessionGuard* session, QWidget* parent = nullptr);
    ~UsersView() override;

    UsersModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QPushButton* addButton() const { return m_add; }
    ActionDialog* openDialog() const;

public slots:
    void refresh();

signals:
    void usersApplied();

protected:
    void showEvent(QShowEvent* event) override;

private:
    QString selectedUser() const;
    void updateButtons();
    /// Opens the ManageUsers dialog for \a op ("add", "set_role", …) on \a user.
    ActionDialog* openUserDialog(const QString& op, const QString& user);

    ActionRunner* m_runner;
    QPointer<SessionGuard> m_session;
    UsersModel* m_model;
    QTableView* m_table;
    QLabel* m_status;
    QPushButton* m_add;
    QPushButton* m_setRole;
    QPushButton* m_disable;
    QPushButton* m_enable;
    QPushButton* m_reset;
    QPointer<ActionDialog> m_dialog;
    bool m_stale = true;
};

} // namespace spanlight
