#include "controlsession.h"

#include "controlruntime.h"
#include "telemetrywriter.h"

#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace spanlight::cli {

namespace {

/// One line from the terminal with echo off, so the password is not shown.
QByteArray readHiddenLine(const QString& prompt, QTextStream& err)
{
    err << prompt;
    err.flush();
    termios saved {};
    const bool terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    QTextStream in(stdin);
    const QString line = in.readLine();
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        err << "\n";
        err.flush();
    }
    return line.toUtf8();
}

} // namespace

void addActorOptions(QCommandLineParser& parser)
{
    parser.addOption({ QStringLiteral("user"),
        QStringLiteral("Sign in as <name> (password from $SPANLIGHT_PASSWORD, "
                       "--password-stdin or the terminal)."),
        QStringLiteral("name") });
    parser.addOption(
        { QStringLiteral("password-stdin"), QStringLiteral("Read the password from the first line of stdin.") });
    parser.addOption({ QStringLiteral("reason"), QStringLiteral("Why (required for every action; audited)."),
        QStringLiteral("text") });
    parser.addOption(
        { QStringLiteral("ticket"), QStringLiteral("Ticket id (optional; audited)."), QStringLiteral("id") });
    parser.addOption({ QStringLiteral("confirm"),
        QStringLiteral("The tenant's name again, for destructive tenant actions."), QStringLiteral("tenant") });
}

std::optional<QByteArray> readPassword(const QCommandLineParser& parser, const char* envName,
    const QString& stdinOption, const QString& prompt, QTextStream& err)
{
    const QByteArray fromEnv = qgetenv(envName);
    if (!fromEnv.isEmpty())
        return fromEnv;
    if (parser.isSet(stdinOption)) {
        QTextStream in(stdin);
        return in.readLine().toUtf8();
    }
    if (!isatty(STDIN_FILENO)) {
        err << "spanlight: no password: set $" << envName << ", pass --" << stdinOption << " or run in a terminal\n";
        return std::nullopt;
    }
    return readHiddenLine(prompt, err);
}

ControlSession::~ControlSession()
{
    m_runtime.reset();
    if (m_telemetry)
        m_telemetry->stop();
}

bool ControlSession::open(const Location& location, bool withTelemetry, QTextStream& err)
{
    QDir().mkpath(location.dataDir);
    m_lock = std::make_unique<QLockFile>(location.lockPath());
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_lock->getLockInfo(&pid, &host, &app);
        err << "spanlight: Spanlight is running on " << location.dataDir << " (pid " << pid
            << "): stop it first, or act from its console. control.db has one writer, the running instance.\n";
        return false;
    }
    if (withTelemetry) {
        WriterOptions options = location.config.writer;
        options.path = location.databasePath();
        m_telemetry = std::make_unique<TelemetryWriter>(options);
        std::string why;
        if (!m_telemetry->start(&why)) {
            err << "spanlight: cannot open " << options.path << ": " << QString::fromStdString(why) << "\n";
            return false;
        }
    }
    m_runtime = std::make_unique<ControlRuntime>(location.config);
    QString error;
    if (!m_runtime->open(m_telemetry.get(), &error)) {
        err << "spanlight: " << error << "\n";
        return false;
    }
    return true;
}

bool ControlSession::signIn(const QCommandLineParser& parser, QTextStream& err)
{
    const QString user = parser.value(QStringLiteral("user"));
    if (user.isEmpty()) {
        err << "spanlight: --user is required: every action is signed in and audited\n";
        return false;
    }
    const auto password = readPassword(parser, "SPANLIGHT_PASSWORD", QStringLiteral("password-stdin"),
        QStringLiteral("Password for %1: ").arg(user), err);
    if (!password)
        return false;
    const LoginResult login = m_runtime->auth().login(user, *password, QStringLiteral("cli-password"));
    if (!login.ok) {
        err << "spanlight: cannot sign in: " << login.error << "\n";
        return false;
    }
    m_session = login.session;
    return true;
}

int exitCode(const ActionResult& result)
{
    switch (result.status) {
    case ActionResult::Status::Done:
    case ActionResult::Status::ApprovalPending:
        return 0;
    case ActionResult::Status::Invalid:
    case ActionResult::Status::ConfirmationRequired:
        return 2;
    default:
        return 1;
    }
}

int ControlSession::perform(ActionRequest request, const QCommandLineParser& parser, QTextStream& out, QTextStream& err)
{
    request.reason = parser.value(QStringLiteral("reason"));
    request.ticket = parser.value(QStringLiteral("ticket"));
    request.confirmation = parser.value(QStringLiteral("confirm"));
    const ActionResult result = m_runtime->actions().perform(m_session, request);
    QTextStream& stream = exitCode(result) == 0 ? out : err;
    if (result.status == ActionResult::Status::ConfirmationRequired)
        stream << "spanlight: " << traitsOf(request.action).label
               << " is destructive: repeat the tenant's name with --confirm " << request.target << "\n";
    else
        stream << (exitCode(result) == 0 ? "" : "spanlight: ") << result.message << "\n";
    if (result.intentSeq || result.outcomeSeq)
        stream << "audit: intent #" << result.intentSeq << ", outcome #" << result.outcomeSeq << "\n";
    if (!result.secret.isEmpty())
        out << "key: " << result.secret << "\n"
            << "This is the only time the key is shown; only its SHA-256 is stored. Give it to the tenant's exporter "
               "as "
               "'Authorization: Bearer <key>'.\n";
    return exitCode(result);
}

} // namespace spanlight::cli
