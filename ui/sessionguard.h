#pragma once

#include "auditrecorder.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QLabel;
class QMainWindow;
class QWidget;

namespace spanlight {

class ActionRunner;
class LoginDialog;

/// The signed-in session of a console window, and its idle lock. Pages read
/// the session from here and hear when it changes (step-up, unlock, another
/// user signing in). After a while without keyboard or mouse input anywhere
/// in the application (an event filter on qApp), the window's contents are
/// covered and disabled and the login dialog asks the same user's password
/// again, or lets them sign out for someone else.
class SessionGuard : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultIdleMs = 15 * 60 * 1000;

    SessionGuard(ActionRunner* runner, const Session& session, QMainWindow* window);
    ~SessionGuard() override;

    const Session& session() const { return m_session; }
    /// A refreshed session (step-up) or another one (sign-in after sign-out).
    void setSession(const Session& session);

    /// Idle time before the lock; 0 turns the lock off.
    void setIdleTimeoutMs(int ms);
    int idleTimeoutMs() const { return m_idleMs; }

    bool locked() const { return m_locked; }
    /// The unlock dialog while locked (tests drive it), else null.
    LoginDialog* unlockDialog() const;
    QWidget* cover() const { return m_cover; }

public slots:
    void lock();

signals:
    void sessionChanged(const spanlight::Session& session);
    void lockedChanged(bool locked);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void checkIdle();
    void showUnlockDialog();
    void unlock(const Session& session);
    void placeCover();

    ActionRunner* m_runner;
    Session m_session;
    QPointer<QMainWindow> m_window;
    QWidget* m_cover;
    QLabel* m_coverText;
    QPointer<LoginDialog> m_dialog;
    QTimer m_timer;
    QElapsedTimer m_sinceInput;
    int m_idleMs = kDefaultIdleMs;
    bool m_locked = false;
};

} // namespace spanlight
