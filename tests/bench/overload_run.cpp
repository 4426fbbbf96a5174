// Overload run (issue: hardening). Not a test: it drives and reports.
//
//   overload_run [--seconds 20] [--connections 48] [--queue-items 8192]
//
// Phase 1: spanlight-loadgen with many connections as fast as it can against a
// collector whose writer queue is deliberately small, so most requests meet a
// full queue: every answer is 200 or 429 (never 500), every acknowledged span
// is stored exactly once. Phase 2: a gentle rate, to show ingest recovers with
// no refusals. Prints answer codes, spans acknowledged vs stored, peak memory.

#include "benchsupport.h"
#include "collector.h"
#include "telemetrywriter.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <cstdio>

using namespace spanlight;

namespace {

QJsonObject runLoadgen(uint16_t port, const QStringList& arguments)
{
    return bench::runLoadgen(
        QStringLiteral(SPANLIGHT_LOADGEN), port, arguments + QStringList { QStringLiteral("--quiet") }, 600000)
        .summary;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const bench::BenchArgs args(app.arguments());
    const int seconds = static_cast<int>(args.number("--seconds", 20));
    const int connections = static_cast<int>(args.number("--connections", 48));
    QTemporaryDir dir;
    WriterOptions options;
    options.path = dir.path() + QStringLiteral("/telemetry.db");
    options.maxQueuedItems = static_cast<size_t>(args.number("--queue-items", 8192));
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
    std::printf("  peak memory so far (VmHWM): %.0f MiB\n", bench::peakRssMiB());

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
        bench::peakRssMiB());
    return 0;
}
