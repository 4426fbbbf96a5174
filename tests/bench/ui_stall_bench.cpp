// UI stall benchmark (issue 4, "Done means"). Not a test: it measures and reports.
//
//   ui_stall_bench [--seconds 10] [--rate 20000] [--connections 2] [--preset 1h]
//                  [--interval-ms 5] [--warmup 5] [--pages overview,traces,...] [--loadgen PATH] [--dir DIR]
//
// The collector runs in this process on a temporary data dir, the console
// window over it (offscreen unless QT_QPA_PLATFORM says otherwise, e.g. xcb
// under xvfb-run), and spanlight-loadgen as a second process sends OTLP/HTTP
// at --rate spans/s. Each page is shown in turn for --seconds in live mode
// while a --interval-ms PreciseTimer measures how late the event loop serves
// it: lateness = actual interval − expected interval, its p99 and max per
// page (targets: p99 ≤ 16 ms, max ≤ 100 ms), plus a baseline with the window
// idle and no load. The UI thread's own CPU time is printed beside it: on two
// shared cores, lateness with a mostly idle UI thread is waiting for a core
// (the collector and the generator are busy), not work on the UI thread.

#include "benchsupport.h"
#include "collector.h"
#include "collectorruntime.h"
#include "consolecontext.h"
#include "ingestsnapshot.h"
#include "mainwindow.h"
#include "telemetrywriter.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace spanlight;

namespace {

struct Stall
{
    double uiCpuPercent = 0; ///< of one core: the UI thread's own work, apart from waiting for a core
    double p50Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
    size_t ticks = 0;
};

/// Runs the event loop for \a seconds with a PreciseTimer of \a intervalMs and
/// reports how late its ticks came.
Stall measure(int seconds, int intervalMs)
{
    std::vector<double> lateness;
    lateness.reserve(static_cast<size_t>(seconds) * 1000 / intervalMs + 16);
    QElapsedTimer clock;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(intervalMs);
    qint64 last = -1;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0)
            lateness.push_back(std::max(0.0, double(now - last) / 1e6 - intervalMs));
        last = now;
    });
    timespec cpuStart {}, cpuEnd {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpuStart);
    clock.start();
    timer.start();
    // A real event loop: QTest::qWait sleeps 10 ms between event batches and would be measured itself.
    QEventLoop loop;
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    timer.stop();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpuEnd);
    Stall s;
    const double cpuNs = double(cpuEnd.tv_sec - cpuStart.tv_sec) * 1e9 + double(cpuEnd.tv_nsec - cpuStart.tv_nsec);
    s.uiCpuPercent = 100.0 * cpuNs / double(clock.nsecsElapsed());
    s.ticks = lateness.size();
    if (lateness.empty())
        return s;
    std::sort(lateness.begin(), lateness.end());
    const auto at
        = [&](double q) { return lateness[std::min(lateness.size() - 1, size_t(q * double(lateness.size())))]; };
    s.p50Ms = at(0.50);
    s.p99Ms = at(0.99);
    s.maxMs = lateness.back();
    return s;
}

ConsoleContext::RangePreset presetFrom(const QString& name)
{
    using P = ConsoleContext::RangePreset;
    if (name == QLatin1String("15m"))
        return P::Minutes15;
    if (name == QLatin1String("6h"))
        return P::Hours6;
    if (name == QLatin1String("24h"))
        return P::Hours24;
    if (name == QLatin1String("7d"))
        return P::Days7;
    return P::Hour1;
}

/// The machine's 1/5/15-minute load averages: on shared cores they explain
/// lateness that the UI thread's own CPU time does not.
QByteArray loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return "unknown";
    return file.readLine().split(' ').mid(0, 3).join(' ');
}

void report(const char* what, const Stall& s, double spansPerSecond)
{
    const bool ok = s.p99Ms <= 16 && s.maxMs <= 100;
    std::printf("%-16s p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  UI thread %5.1f%% CPU  %6.0f spans/s stored  %s\n",
        what, s.p50Ms, s.p99Ms, s.maxMs, s.uiCpuPercent, spansPerSecond, ok ? "ok" : "OVER TARGET");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--help") == 0 || qstrcmp(argv[i], "-h") == 0) {
            std::printf(
                "usage: ui_stall_bench [--seconds 10] [--rate 20000] [--connections 2] [--preset 15m|1h|6h|24h|7d]\n"
                "                      [--interval-ms 5] [--warmup 5] [--pages overview,heatmap,traces,...]\n"
                "                      [--loadgen PATH] [--dir DIR]\n"
                "Shows each console page in turn for --seconds under --rate spans/s and prints how late a\n"
                "--interval-ms timer fired on the UI thread (p50, p99, max) and the UI thread's CPU share.\n"
                "Targets: p99 <= 16 ms, max <= 100 ms.\n");
            return 0;
        }
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // never the user's settings
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("spanlight-ui-stall-bench"));
    QSettings().clear();
    const bench::BenchArgs args(app.arguments());
    const int seconds = static_cast<int>(args.number("--seconds", 10));
    const int rate = static_cast<int>(args.number("--rate", 20000));
    const int connections = static_cast<int>(args.number("--connections", 2));
    const int intervalMs = static_cast<int>(args.number("--interval-ms", 5));
    const int warmup = static_cast<int>(args.number("--warmup", 5));
    const QString loadgen = args.text("--loadgen", QStringLiteral(SPANLIGHT_LOADGEN));
    QTemporaryDir temp;
    AppConfig config;
    config.dataDir = args.text("--dir", temp.path());
    config.receivers.httpPort = 0;
    config.receivers.grpcPort = 0;
    CollectorRuntime runtime(config);
    QString error;
    if (!runtime.start(&error)) {
        std::fprintf(stderr, "cannot start the collector: %s\n", qPrintable(error));
        return 1;
    }
    const IngestStatusPage::SnapshotSource snapshots = [&runtime] { return takeSnapshot(runtime); };
    ConsoleContext context(&runtime.queries(), snapshots);
    context.setPreset(presetFrom(args.text("--preset", QStringLiteral("1h"))));
    MainWindow window(&context, snapshots);
    window.resize(1366, 768);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        std::fprintf(stderr, "the window was never exposed\n");
        return 1;
    }
    std::printf("machine load average (1/5/15 min) at the start: %s\n", loadAverage().constData());
    std::printf("UI stall benchmark: %s platform, %d ms timer, %d s per page, load %d spans/s (%d connections), "
                "range %s, live\n",
        qPrintable(QGuiApplication::platformName()), intervalMs, seconds, rate, connections,
        qPrintable(args.text("--preset", QStringLiteral("1h"))));
    const auto storedRate = [&runtime](const std::function<void()>& during) {
        const int64_t before = runtime.writer().stats().spansStored;
        QElapsedTimer t;
        t.start();
        during();
        return double(runtime.writer().stats().spansStored - before) / (double(t.elapsed()) / 1000.0);
    };

    Stall idle;
    double idleRate = storedRate([&] { idle = measure(seconds, intervalMs); });
    report("baseline (idle)", idle, idleRate);

    QProcess generator;
    generator.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const int total = warmup + seconds * MainWindow::kPageCount + 30;
    generator.start(loadgen,
        { QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:%1").arg(runtime.collector().httpPort()),
            QStringLiteral("--rate"), QString::number(rate), QStringLiteral("--connections"),
            QString::number(connections), QStringLiteral("--batch"), QStringLiteral("512"), QStringLiteral("--replay"),
            QStringLiteral("16"), QStringLiteral("--duration"), QString::number(total), QStringLiteral("--quiet"),
            QStringLiteral("--json") });
    if (!generator.waitForStarted(10000)) {
        std::fprintf(stderr, "cannot start %s\n", qPrintable(loadgen));
        return 1;
    }
    QEventLoop warming; // the live views have data and the writer is at its pace
    QTimer::singleShot(warmup * 1000, &warming, &QEventLoop::quit);
    warming.exec();

    bool allOk = true;
    const QStringList only = args.text("--pages", QString()).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (int i = 0; i < MainWindow::kPageCount; ++i) {
        const auto page = static_cast<MainWindow::Page>(i);
        if (!only.isEmpty() && !only.contains(MainWindow::pageKey(page)))
            continue;
        window.showPage(page);
        Stall s;
        const double r = storedRate([&] { s = measure(seconds, intervalMs); });
        report(qPrintable(MainWindow::pageKey(page)), s, r);
        allOk = allOk && s.p99Ms <= 16 && s.maxMs <= 100;
    }

    generator.terminate(); // SIGTERM: the generator stops and prints its summary
    if (!generator.waitForFinished(30000))
        generator.kill();
    const QByteArray summary = generator.readAllStandardOutput().trimmed();
    std::printf("load generator: %s\n", summary.split('\n').last().constData());
    const WriterStats ws = runtime.writer().stats();
    std::printf("stored %lld spans; max commit %.1f ms; peak memory %.0f MiB\n", static_cast<long long>(ws.spansStored),
        ws.maxCommitMicros / 1000.0, bench::peakRssMiB());
    std::printf("machine load average (1/5/15 min) at the end: %s\n", loadAverage().constData());
    std::printf("%s\n", allOk ? "all pages within p99 <= 16 ms, max <= 100 ms" : "SOME PAGES OVER TARGET");
    QSettings().clear();
    return 0;
}
