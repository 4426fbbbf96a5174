// The spanlight executable: the console window by default, or the same
// collector headless (--headless) for servers and scripts.

#include "collectorruntime.h"
#include "commandline.h"
#include "ingestsnapshot.h"
#include "mainwindow.h"
#include "signalwatcher.h"

#include <QApplication>
#include <QCoreApplication>
#include <QMessageBox>
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

int runCollector(QCoreApplication& app, CollectorRuntime& runtime, bool headless, QTextStream& out, QTextStream& err)
{
    SignalWatcher watcher;
    std::unique_ptr<MainWindow> window;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int number) {
        err << "spanlight: signal " << number << " received; draining (answering queued exports)…\n";
        err.flush();
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
        window = std::make_unique<MainWindow>([&runtime] { return takeSnapshot(runtime); });
        window->show();
    }
    const int code = app.exec();
    window.reset();
    runtime.shutdown();
    return code;
}

} // namespace

int main(int argc, char** argv)
{
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
    return runCollector(*app, runtime, cl.headless, out, err);
}
