// Overload run (issue: hardening). Not a test: it drives and reports.
//
//   overload_run [--seconds 20] [--connections 48] [--queue-items 8192]
//
// Phase 1: spanlight-loadgen with many connections as fast as it can against a
// collector whose writer queue is deliberately small, so most requests meet a
// full queue: every answer is 200 or 429 (never 500), every acknowledged span
// is stored exactly once. Phase 2: a gentle rate, to show ingest recovers with
// no refusals. Prints answer codes, spans acknowledged vs stored, peak memory.

#include "collector.h"
#include "telemetrywriter.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>

using namespace spanlight;

namespace {

long peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    status.open(QIODevice::ReadOnly);
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

QJsonObject runLoadgen(uint16_t port, const QStringList& extra)
{
    QProcess generator;
    generator.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList args = { QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:%1").arg(port),
        QStringLiteral("--json"), QStringLiteral("--quiet") };
    generator.start(QStringLiteral(SPANLIGHT_LOADGEN), args + extra);
    generator.waitForFinished(600000);
    return QJsonDocument::fromJson(generator.readAllStandardOutput().trimmed().split('\n').last()).object();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto option = [&](const char* name, const char* fallback) {
        const int i = args.indexOf(QString::fromLatin1(name));
        return (i >= 0 && i + 1 < args.size() ? args[i + 1] : QString::fromLatin1(fallback)).toInt();
    };
    const int seconds = option("--seconds", "20");
    const int connections = option("--connections", "48");
    QTemporaryDir dir;
    WriterOptions options;
    options.path = dir.path() + QStringLiteral("/telemetry.db");
    options.maxQueuedItems = static_cast<size_t>(option("--queue-items", "8192"));
    TelemetryWriter writer(options);
    std::string error;
    if (!writer.start(&error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    Collector collector(writer, IngestLimits {});
    ReceiverOptions ports;
    ports.httpPort = 0;
    ports.grpcPort = 0;
    if (!collector.start(ports, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    const QJsonObject storm = runLoadgen(collector.httpPort(),
        { QStringLiteral("--rate"), QStringLiteral("0"), QStringLiteral("--connections"), QString::number(connections),
            QStringLiteral("--duration"), QString::number(seconds), QStringLiteral("--replay"), QStringLiteral("16") });
    const int64_t stormStored = writer.stats().spansStored;
    std::printf("overload: %d connections flat out for %d s, writer queue %zu items\n", connections, seconds,
        options.maxQueuedItems);
    std::printf("  answers: %lld requests acknowledged, refusals by status %s, retries %lld\n",
        static_cast<long long>(storm.value(QStringLiteral("requests")).toDouble()),
        QJsonDocument(storm.value(QStringLiteral("rejected_by_status")).toObject())
            .toJson(QJsonDocument::Compact)
            .constData(),
        static_cast<long long>(storm.value(QStringLiteral("retries")).toDouble()));
    std::printf("  collector counted %lld queue-full refusals, %lld storage refusals\n",
        static_cast<long long>(collector.stats().rejectedFor(RejectReason::QueueFull)),
        static_cast<long long>(collector.stats().rejectedFor(RejectReason::StorageUnavailable)));
    std::printf("  spans acknowledged %lld, stored %lld, duplicates dropped %lld\n",
        static_cast<long long>(storm.value(QStringLiteral("spans_acknowledged")).toDouble()),
        static_cast<long long>(stormStored), static_cast<long long>(writer.stats().duplicatesDropped));
    std::printf("  peak memory so far (VmHWM): %.0f MiB\n", peakRssKb() / 1024.0);

    const QJsonObject calm = runLoadgen(collector.httpPort(),
        { QStringLiteral("--rate"), QStringLiteral("2000"), QStringLiteral("--duration"), QStringLiteral("5") });
    std::printf("recovery: 2,000 spans/s for 5 s: %lld acknowledged, refusals %s, retries %lld\n",
        static_cast<long long>(calm.value(QStringLiteral("spans_acknowledged")).toDouble()),
        QJsonDocument(calm.value(QStringLiteral("rejected_by_status")).toObject())
            .toJson(QJsonDocument::Compact)
            .constData(),
        static_cast<long long>(calm.value(QStringLiteral("retries")).toDouble()));
    collector.drain();
    writer.stop();
    std::printf("total stored %lld; peak memory (VmHWM) %.0f MiB\n", static_cast<long long>(writer.stats().spansStored),
        peakRssKb() / 1024.0);
    return 0;
}
