#include "logindialog.h"

#include "actionrunner.h"
#include "controlruntime.h"
#include "palettes.h"
#include "passwordhasher.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace spanlight {

LoginDialog::LoginDialog(ActionRunner* runner, Mode mode, QWidget* parent)
    : QDialog(parent)
    , m_runner(runner)
    , m_mode(mode)
    , m_title(new QLabel(this))
    , m_explanation(new QLabel(this))
    , m_user(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_repeatLabel(new QLabel(tr("&Repeat password:"), this))
    , m_repeat(new QLineEdit(this))
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_ok(m_buttons->button(QDialogButtonBox::Ok))
    , m_signOut(m_buttons->addButton(tr("Sign &out"), QDialogButtonBox::ResetRole))
{
    setWindowTitle(tr("Spanlight — sign in"));
    m_user->setObjectName(QStringLiteral("user"));
    m_password->setObjectName(QStringLiteral("password"));
    m_repeat->setObjectName(QStringLiteral("repeat"));
    m_message->setObjectName(QStringLiteral("message"));
    m_signOut->setObjectName(QStringLiteral("signOut"));
    m_password->setEchoMode(QLineEdit::Password);
    m_repeat->setEchoMode(QLineEdit::Password);
    m_user->setMaxLength(64);

    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_title->setFont(titleFont);
    m_explanation->setWordWrap(true);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* form = new QFormLayout;
    auto* userLabel = new QLabel(tr("&User:"), this);
    userLabel->setBuddy(m_user);
    auto* passwordLabel = new QLabel(tr("&Password:"), this);
    passwordLabel->setBuddy(m_password);
    m_repeatLabel->setBuddy(m_repeat);
    form->addRow(userLabel, m_user);
    form->addRow(passwordLabel, m_password);
    form->addRow(m_repeatLabel, m_repeat);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_explanation);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    // Wide enough for "locked until" messages at any font size, without pixels.
    setMinimumWidth(fontMetrics().averageCharWidth() * 72);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &LoginDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_signOut, &QPushButton::clicked, this, [this] {
        m_locked = Session();
        m_user->clear();
        m_password->clear();
        setMode(Mode::SignIn);
    });
    for (QLineEdit* field : { m_user, m_password, m_repeat })
        connect(field, &QLineEdit::textEdited, this, [this] {
            m_message->clear();
            updateState();
        });

    setMode(mode);
    if (mode == Mode::Detect) {
        m_busy = true;
        setMessage(tr("Reading the user list…"), false);
        updateState();
        m_runner->run(
            this, QStringLiteral("login-detect"),
            [](ControlRuntime& control) {
                QString error;
                const bool users = control.auth().hasUsers(&error);
                return std::make_pair(users, error);
            },
            [this](std::pair<bool, QString> answer) {
                m_busy = false;
                if (!answer.second.isEmpty()) {
                    setMessage(tr("The user list cannot be read: %1").arg(answer.second), true);
                    updateState();
                    return;
                }
                m_message->clear();
                setMode(answer.first ? Mode::SignIn : Mode::FirstAdmin);
            });
    }
}

LoginDialog::~LoginDialog() = default;

void LoginDialog::setLockedSession(const Session& session)
{
    m_locked = session;
    m_user->setText(session.user);
    setMode(Mode::Unlock);
}

QString LoginDialog::message() const
{
    return m_message->text();
}

void LoginDialog::setMode(Mode mode)
{
    m_mode = mode;
    const bool first = mode == Mode::FirstAdmin;
    m_repeatLabel->setVisible(first);
    m_repeat->setVisible(first);
    m_signOut->setVisible(mode == Mode::Unlock);
    m_user->setReadOnly(mode == Mode::Unlock);
    switch (mode) {
    case Mode::Detect:
        m_title->setText(tr("Spanlight"));
        m_explanation->clear();
        break;
    case Mode::FirstAdmin:
        m_title->setText(tr("Create the first admin"));
        m_explanation->setText(tr("No user exists yet. The first user is an admin, who can add the others "
                                  "(viewers, operators, auditors, more admins). The password is stored only as an "
                                  "Argon2id hash."));
        m_ok->setText(tr("Create admin"));
        break;
    case Mode::SignIn:
        m_title->setText(tr("Sign in"));
        m_explanation->setText(tr("Actions you take are recorded in the audit log under your name."));
        m_ok->setText(tr("Sign in"));
        break;
    case Mode::Unlock:
        m_title->setText(tr("Spanlight is locked"));
        m_explanation->setText(
            tr("The console locked itself after a while without input. Enter %1's password to continue, "
               "or sign out to let someone else sign in.")
                .arg(m_locked.user));
        m_ok->setText(tr("Unlock"));
        break;
    }
    updateState();
    (mode == Mode::Unlock || !m_user->text().isEmpty() ? m_password : m_user)->setFocus();
    emit modeChanged(mode);
}

void LoginDialog::updateState()
{
    for (QLineEdit* field : { m_user, m_password, m_repeat })
        field->setEnabled(!m_busy && m_mode != Mode::Detect);
    const bool named = !m_user->text().trimmed().isEmpty();
    const QByteArray password = m_password->text().toUtf8();
    bool ready = named && !password.isEmpty();
    if (m_mode == Mode::FirstAdmin && ready) {
        // Said while typing, so the button's state never needs guessing.
        const QString problem = passwordProblem(m_user->text().trimmed(), password);
        if (!problem.isEmpty()) {
            setMessage(problem.at(0).toUpper() + problem.mid(1) + QLatin1Char('.'), false);
            ready = false;
        } else if (m_repeat->text() != m_password->text()) {
            if (!m_repeat->text().isEmpty())
                setMessage(tr("The two passwords differ."), false);
            ready = false;
        }
    }
    m_ok->setEnabled(!m_busy && m_mode != Mode::Detect && ready);
}

void LoginDialog::setMessage(const QString& text, bool error)
{
    QPalette palette = m_message->palette();
    palette.setColor(
        QPalette::WindowText, error ? themeError(this->palette()) : this->palette().color(QPalette::WindowText));
    m_message->setPalette(palette);
    m_message->setText(text);
}

void LoginDialog::submit()
{
    if (!m_ok->isEnabled())
        return;
    const QString name = m_user->text().trimmed();
    const QByteArray password = m_password->text().toUtf8();
    m_busy = true;
    setMessage(m_mode == Mode::FirstAdmin ? tr("Creating the admin…") : tr("Checking the password…"), false);
    updateState();
    const Mode mode = m_mode;
    const Session locked = m_locked;
    m_runner->run(
        this, QString(),
        [mode, name, password, locked](ControlRuntime& control) {
            switch (mode) {
            case Mode::FirstAdmin:
                return control.auth().createFirstAdmin(name, password);
            case Mode::Unlock:
                return control.auth().reauthenticate(locked, password);
            case Mode::SignIn:
            case Mode::Detect:
                break;
            }
            return control.auth().login(name, password, QStringLiteral("password"));
        },
        [this](LoginResult result) { finish(result.ok, result.session, result.error); });
}

void LoginDialog::finish(bool ok, const Session& session, const QString& error)
{
    m_busy = false;
    if (!ok) {
        m_password->clear();
        m_repeat->clear();
        updateState();
        setMessage(
            error.isEmpty() ? tr("Sign-in failed.") : error.at(0).toUpper() + error.mid(1) + QLatin1Char('.'), true);
        m_password->setFocus();
        return;
    }
    m_session = session;
    m_password->clear();
    m_repeat->clear();
    m_message->clear();
    updateState();
    emit signedIn(session);
    accept();
}

std::optional<Session> signInInteractively(ControlRuntime& control, QWidget* parent)
{
    ActionRunner runner(&control);
    LoginDialog dialog(&runner, LoginDialog::Mode::Detect, parent);
    if (dialog.exec() != QDialog::Accepted || !dialog.session().valid())
        return std::nullopt;
    return dialog.session();
}

} // namespace spanlight
