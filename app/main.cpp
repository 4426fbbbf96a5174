// The spanlight executable: the console window by default, or the same
// collector headless (--headless) for servers and scripts.

#include "cli.h"
#include "collectorruntime.h"
#include "commandline.h"
#include "consolecontext.h"
#include "consolestatusbar.h"
#include "controlruntime.h"
#include "controlstore.h"
#include "demofleet.h"
#include "ingestsnapshot.h"
#include "logindialog.h"
#include "mainwindow.h"
#include "passwordhasher.h"
#include "processmemory.h"
#include "sessionguard.h"
#include "signalwatcher.h"

#include <QApplication>
#include <QCoreApplication>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QTextStream>
#include <cstring>
#include <memory>

using namespace spanlight;

namespace {

void warnIfExposed(const AppConfig& config, QTextStream& err)
{
    const auto& r = config.receivers;
    if (isLoopback(r.bind) || (r.httpTls.enabled() && r.grpcTls.enabled()))
        return;
    err << "\n"
        << "************************************************************************\n"
        << "  WARNING: listening on " << QString::fromStdString(r.bind) << " beyond this machine WITHOUT TLS"
        << (r.httpTls.enabled()          ? " on gRPC"
                   : r.grpcTls.enabled() ? " on HTTP"
                                         : "")
        << ".\n"
        << "  Telemetry (prompts, user ids) travels in clear text. Use --http-tls-cert/\n"
        << "  --http-tls-key and --grpc-tls-cert/--grpc-tls-key, or bind 127.0.0.1.\n"
        << "************************************************************************\n\n";
    err.flush();
}

/// --demo: the simulated fleet sends to our own HTTP port; nullptr (with a message) if it cannot.
std::unique_ptr<DemoFleet> startDemo(CollectorRuntime& runtime, double rate, QTextStream& err)
{
    auto demo = std::make_unique<DemoFleet>(
        DemoOptions { "http://127.0.0.1:" + std::to_string(runtime.collector().httpPort()), rate, 8 });
    std::string error;
    if (!demo->start(&error)) {
        err << "spanlight: the demo fleet cannot start: " << QString::fromStdString(error) << "\n";
        return nullptr;
    }
    err << "spanlight: DEMO: a simulated fleet sends " << rate << " spans/s; demo data lives in "
        << runtime.config().dataDir << ", apart from real data\n";
    err.flush();
    return demo;
}

/// --demo signs in as the demo data dir's own admin "demo", whose password is
/// drawn afresh at every start and never shown: the demo data dir is apart
/// from real data, so nothing real is reachable with it.
std::optional<Session> demoSession(ControlRuntime& control)
{
    QByteArray password(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(password.data()), password.size() / 4);
    password = password.toHex();
    const QString name = QStringLiteral("demo");
    if (!control.auth().hasUsers()) {
        const LoginResult created = control.auth().createFirstAdmin(name, password);
        return created.ok ? std::optional<Session>(created.session) : std::nullopt;
    }
    std::optional<UserRecord> user = control.store().user(name);
    if (!user)
        return std::nullopt;
    user->passwordHash = hashPassword(password, control.auth().options().cost);
    std::string error;
    if (!control.store().updateUser(*user, &error))
        return std::nullopt;
    const LoginResult login = control.auth().login(name, password, QStringLiteral("demo"));
    return login.ok ? std::optional<Session>(login.session) : std::nullopt;
}

int runCollector(QCoreApplication& app, CollectorRuntime& runtime, bool headless, DemoFleet* demo, QTextStream& out,
    QTextStream& err)
{
    SignalWatcher watcher;
    std::unique_ptr<ConsoleContext> context;
    std::unique_ptr<MainWindow> window;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int number) {
        err << "spanlight: signal " << number << " received; draining (answering queued exports)…\n";
        err.flush();
        if (demo)
            demo->stop(); // before the drain: the fleet's last export is answered, not cut off
        runtime.shutdown();
        err << "spanlight: drained, exiting\n";
        err.flush();
        app.quit();
    });
    out << "spanlight: ready, OTLP/HTTP on " << runtime.httpEndpoint() << ", OTLP/gRPC on " << runtime.grpcEndpoint()
        << ", data in " << runtime.config().dataDir << "\n";
    // A machine-readable line for scripts and tests that start us on port 0.
    out << "listening http=" << runtime.collector().httpPort() << " grpc=" << runtime.collector().grpcPort() << "\n";
    out.flush();
    if (!headless) {
        const IngestStatusPage::SnapshotSource snapshots = [&runtime] { return takeSnapshot(runtime); };
        // Every console user signs in (the first start creates the first admin).
        std::optional<Session> session = demo ? demoSession(runtime.control()) : std::nullopt;
        if (!session)
            session = signInInteractively(runtime.control());
        if (!session) {
            if (demo)
                demo->stop();
            runtime.shutdown();
            return 0;
        }
        context = std::make_unique<ConsoleContext>(&runtime.queries(), snapshots);
        window = std::make_unique<MainWindow>(context.get(), snapshots, &runtime.control(), *session);
        const int idleMinutes = runtime.config().access.idleLockMinutes;
        window->sessionGuard()->setIdleTimeoutMs(idleMinutes * 60 * 1000); // 0: never
        if (demo) {
            window->setWindowTitle(QStringLiteral("Spanlight — demo"));
            window->consoleStatusBar()->setBanner(QStringLiteral("DEMO DATA"),
                QStringLiteral("A simulated fleet feeds this console; its data lives in %1, apart from real data")
                    .arg(runtime.config().dataDir));
        }
        window->show();
    }
    const int code = app.exec();
    window.reset();
    context.reset();
    if (demo)
        demo->stop();
    runtime.shutdown();
    return code;
}

} // namespace

int main(int argc, char** argv)
{
    limitMallocArenas(); // before any thread: the memory cap holds only with few arenas
    if (argc > 1 && cli::isCliCommand(argv[1])) { // query/reprice: no window, no collector
        QCoreApplication app(argc, argv);
        QTextStream out(stdout);
        QTextStream err(stderr);
        return cli::runCli(QCoreApplication::arguments(), out, err);
    }
    bool headless = false;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--headless") == 0 || std::strcmp(argv[i], "--print-config") == 0
            || std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0)
            headless = true;
    std::unique_ptr<QCoreApplication> app
        = headless ? std::make_unique<QCoreApplication>(argc, argv) : std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("spanlight"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SPANLIGHT_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);

    CommandLine cl = parseCommandLine(QCoreApplication::arguments());
    if (!cl.error.isEmpty()) {
        err << "spanlight: " << cl.error << "\n";
        return 2;
    }
    if (cl.printConfig) {
        out << exampleConfig();
        return 0;
    }
    for (const QString& warning : cl.warnings)
        err << "spanlight: config: " << warning << "\n";
    warnIfExposed(cl.config, err);

    CollectorRuntime runtime(cl.config);
    QString error;
    if (!runtime.start(&error)) {
        err << "spanlight: " << error << "\n";
        err.flush();
        if (!headless)
            QMessageBox::critical(nullptr, QStringLiteral("Spanlight cannot start"), error);
        return 1;
    }
    for (const QString& notice : runtime.notices())
        err << "spanlight: " << notice << "\n";
    std::unique_ptr<DemoFleet> demo = cl.demo ? startDemo(runtime, cl.demoRate, err) : nullptr;
    if (demo) { // the demo fleet is its own platform: pause, rotate and purge go to it
        ControlPlaneOptions platform = runtime.config().controlPlane;
        platform.baseUrl = demo->controlPlaneUrl();
        platform.secret = demo->controlPlaneSecret();
        runtime.control().useControlPlane(platform);
    }
    return runCollector(*app, runtime, cl.headless, demo.get(), out, err);
}
