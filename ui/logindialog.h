#pragma once

#include "auditrecorder.h"

#include <QDialog>
#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace spanlight {

class ActionRunner;
class ControlRuntime;

/// Sign-in to the console. Four faces: Detect asks control.db whether any user
/// exists and becomes FirstAdmin (name, password twice: creates the first
/// admin) or SignIn (name, password); Unlock asks the signed-in user's
/// password again after an idle lock, with a "Sign out" that turns it into
/// SignIn for anyone. The password checks run on the runner's worker thread
/// (Argon2id takes a noticeable moment); the service's error is shown as is
/// (wrong password, locked until HH:MM).
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode { Detect, FirstAdmin, SignIn, Unlock };

    LoginDialog(ActionRunner* runner, Mode mode, QWidget* parent = nullptr);
    ~LoginDialog() override;

    /// Unlock mode: whose password is asked again.
    void setLockedSession(const Session& session);

    Mode mode() const { return m_mode; }
    /// The session of the last successful sign-in (valid once accepted).
    const Session& session() const { return m_session; }
    /// What the dialog tells the user right now (errors, problems), plain text.
    QString message() const;
    /// True while a check runs on the worker.
    bool busy() const { return m_busy; }

signals:
    void signedIn(const spanlight::Session& session);
    /// Mode changed (Detect finished, or Sign out pressed).
    void modeChanged(spanlight::LoginDialog::Mode mode);

private:
    void setMode(Mode mode);
    void updateState();
    void submit();
    void finish(bool ok, const Session& session, const QString& error);
    void setMessage(const QString& text, bool error);

    ActionRunner* m_runner;
    Mode m_mode;
    Session m_session;
    Session m_locked;
    bool m_busy = false;
    QLabel* m_title;
    QLabel* m_explanation;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QLabel* m_repeatLabel;
    QLineEdit* m_repeat;
    QLabel* m_message;
    QDialogButtonBox* m_buttons;
    QPushButton* m_ok;
    QPushButton* m_signOut;
};

/// Shows the first-admin dialog when control.db has no user yet, else the
/// sign-in dialog, and waits for it. nullopt when the user cancelled.
std::optional<Session> signInInteractively(ControlRuntime& control, QWidget* parent = nullptr);

} // namespace spanlight
