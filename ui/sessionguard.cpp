#include "sessionguard.h"

#include "logindialog.h"

#include <QApplication>
#include <QEvent>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace spanlight {

namespace {

bool isInput(QEvent::Type type)
{
    switch (type) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
    case QEvent::TabletPress:
        return true;
    default:
        return false;
    }
}

} // namespace

SessionGuard::SessionGuard(ActionRunner* runner, const Session& session, QMainWindow* window)
    : QObject(window)
    , m_runner(runner)
    , m_session(session)
    , m_window(window)
    , m_cover(new QWidget(window))
    , m_coverText(new QLabel(m_cover))
{
    // The cover hides what the window shows while nobody is at the keyboard.
    m_cover->setObjectName(QStringLiteral("lockCover"));
    m_cover->setAutoFillBackground(true);
    m_coverText->setAlignment(Qt::AlignCenter);
    m_coverText->setWordWrap(true);
    auto* unlock = new QPushButton(tr("&Unlock…"), m_cover);
    auto* column = new QVBoxLayout(m_cover);
    column->addStretch(1);
    column->addWidget(m_coverText);
    column->addWidget(unlock, 0, Qt::AlignHCenter);
    column->addStretch(1);
    m_cover->hide();
    connect(unlock, &QPushButton::clicked, this, &SessionGuard::showUnlockDialog);

    window->installEventFilter(this);
    qApp->installEventFilter(this);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SessionGuard::checkIdle);
    m_sinceInput.start();
    m_timer.start(m_idleMs);
}

SessionGuard::~SessionGuard()
{
    if (qApp)
        qApp->removeEventFilter(this);
}

LoginDialog* SessionGuard::unlockDialog() const
{
    return m_dialog;
}

void SessionGuard::setSession(const Session& session)
{
    m_session = session;
    emit sessionChanged(m_session);
}

void SessionGuard::setIdleTimeoutMs(int ms)
{
    m_idleMs = ms;
    if (ms <= 0) {
        m_timer.stop();
        return;
    }
    // Counted from the last input, not from now: shortening the timeout can lock at once.
    m_timer.start(int(std::max<qint64>(0, ms - m_sinceInput.elapsed())));
}

bool SessionGuard::eventFilter(QObject* watched, QEvent* event)
{
    // Type first: comparing with the QPointer casts, which is undefined while the window is being destroyed.
    if (m_locked && event->type() == QEvent::Resize && watched == m_window)
        placeCover();
    if (!m_locked) {
        // Only a timestamp per event: mouse moves arrive by the hundred.
        if (isInput(event->type()))
            m_sinceInput.restart();
        return false;
    }
    if (event->type() == QEvent::Shortcut) {
        // Menu shortcuts (Ctrl+1…8, F5) must not reach the pages behind the cover.
        auto* widget = qobject_cast<QWidget*>(watched);
        const bool inDialog = widget && m_dialog && (widget == m_dialog || m_dialog->isAncestorOf(widget));
        return !inDialog;
    }
    return false;
}

void SessionGuard::checkIdle()
{
    if (m_idleMs <= 0 || m_locked)
        return;
    const qint64 idle = m_sinceInput.elapsed();
    if (idle >= m_idleMs)
        lock();
    else
        m_timer.start(int(m_idleMs - idle));
}

void SessionGuard::placeCover()
{
    if (m_window)
        m_cover->setGeometry(m_window->rect());
    m_cover->raise();
}

void SessionGuard::lock()
{
    if (m_locked || !m_window)
        return;
    m_locked = true;
    m_timer.stop();
    if (QWidget* central = m_window->centralWidget())
        central->setEnabled(false);
    m_window->menuBar()->setEnabled(false);
    const int minutes = std::max(1, m_idleMs / 60000);
    m_coverText->setText(tr("<p style='font-size:x-large'><b>Spanlight is locked</b></p>"
                            "<p>Signed in as %1 (%2). The console locks after %3 min without input.</p>")
                             .arg(m_session.user.toHtmlEscaped(), roleName(m_session.role))
                             .arg(minutes));
    placeCover();
    m_cover->show();
    emit lockedChanged(true);
    showUnlockDialog();
}

void SessionGuard::showUnlockDialog()
{
    if (!m_locked)
        return;
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    m_dialog = new LoginDialog(m_runner, LoginDialog::Mode::SignIn, m_window);
    m_dialog->setObjectName(QStringLiteral("unlockDialog"));
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog->setLockedSession(m_session);
    connect(m_dialog, &LoginDialog::signedIn, this, &SessionGuard::unlock);
    m_dialog->open(); // window-modal: keys go to the dialog, not to the pages
}

void SessionGuard::unlock(const Session& session)
{
    m_locked = false;
    if (QWidget* central = m_window ? m_window->centralWidget() : nullptr)
        central->setEnabled(true);
    if (m_window)
        m_window->menuBar()->setEnabled(true);
    m_cover->hide();
    m_sinceInput.restart();
    if (m_idleMs > 0)
        m_timer.start(m_idleMs);
    setSession(session);
    emit lockedChanged(false);
}

} // namespace spanlight
