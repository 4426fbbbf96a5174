#pragma once

#include "actionservice.h"
#include "cliargs.h"

#include <QLockFile>
#include <QString>
#include <memory>
#include <optional>

class QCommandLineParser;
class QTextStream;

namespace spanlight {
class ControlRuntime;
class TelemetryWriter;
}

namespace spanlight::cli {

/// Options every users/keys/tenants/audit command takes: who acts and why.
void addActorOptions(QCommandLineParser& parser);

/// A password from $SPANLIGHT_PASSWORD, one line of stdin (--password-stdin)
/// or the terminal without echo. \a envName / \a stdinOption name the sources.
std::optional<QByteArray> readPassword(const QCommandLineParser& parser, const char* envName,
    const QString& stdinOption, const QString& prompt, QTextStream& err);

/// control.db opened for one CLI command: the data dir locked (a running
/// instance owns it: refuse), the runtime open, the actor signed in.
class ControlSession
{
public:
    ControlSession() = default;
    ~ControlSession();

    /// \a withTelemetry: also opens telemetry.db's writer (purges).
    bool open(const Location& location, bool withTelemetry, QTextStream& err);
    /// Signs in --user with the password (audited as "cli-password").
    bool signIn(const QCommandLineParser& parser, QTextStream& err);

    ControlRuntime& runtime() { return *m_runtime; }
    const Session& session() const { return m_session; }

    /// Runs \a request and prints the outcome; returns the exit code.
    int perform(ActionRequest request, const QCommandLineParser& parser, QTextStream& out, QTextStream& err);

private:
    std::unique_ptr<QLockFile> m_lock;
    std::unique_ptr<TelemetryWriter> m_telemetry;
    std::unique_ptr<ControlRuntime> m_runtime;
    Session m_session;
};

/// Exit code of an action result: 0 done or pending, 1 refused or failed, 2 bad request.
int exitCode(const ActionResult& result);

} // namespace spanlight::cli
