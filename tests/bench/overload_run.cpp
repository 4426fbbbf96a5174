// Overload run (issue: hardening). Not a test: it drives, reports, and exits 1
// when a promise is broken (memory over the cap, a 5xx, an acknowledged span
// missing, refusals after the load drops).
//
//   overload_run [--seconds 20] [--connections 48] [--queue-items 8192]
//                [--memory-cap-mb 384] [--big-batch 8192] [--big-connections 32]
//
// The collector is configured like `limits/memory_cap_mb = N` does (receive,
// decode and writer-queue budgets derived from N). Phases:
//   1. many small exports flat out over HTTP against a small writer queue;
//   2. large exports (--big-batch spans each, several MiB) flat out over HTTP;
//   3. the same over gRPC;
//   4. a gentle rate, which must see no refusals: ingest recovers by itself.
// Every answer must be 200 or 429/UNAVAILABLE with a retry hint (the loadgen
// retries them), acknowledged spans = stored spans, and the process's peak
// resident memory (VmHWM) must stay under N MiB.

#include "appconfig.h"
#include "benchsupport.h"
#include "collector.h"
#include "processmemory.h"
#include "telemetrywriter.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <cstdio>

using namespace spanlight;

namespace {

struct Phase
{
    QString name;
    QJsonObject summary;
};

QJsonObject runLoadgen(uint16_t port, const QStringList& arguments)
{
    return bench::runLoadgen(
        QStringLiteral(SPANLIGHT_LOADGEN), port, arguments + QStringList { QStringLiteral("--quiet") }, 900000)
        .summary;
}

int64_t number(const QJsonObject& summary, const char* key)
{
    return static_cast<int64_t>(summary.value(QLatin1String(key)).toDouble());
}

/// Refusals counted by the loadgen's labels ("http 429", "grpc UNAVAILABLE", ...);
/// with \a onlyUnexpected, all but the retryable overload answers and
/// "connection failed" (a gRPC client whose connect timed out while both cores
/// were busy: no answer at all, retried like UNAVAILABLE; reported above).
int64_t refusals(const QJsonObject& summary, bool onlyUnexpected)
{
    int64_t n = 0;
    const QJsonObject byStatus = summary.value(QStringLiteral("rejected_by_status")).toObject();
    for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
        if (!onlyUnexpected
            || (it.key() != QStringLiteral("http 429") && it.key() != QStringLiteral("grpc UNAVAILABLE")
                && it.key() != QStringLiteral("connection failed")))
            n += static_cast<int64_t>(it.value().toDouble());
    return n;
}

void report(const Phase& phase, const Collector& collector)
{
    std::printf("%-28s %8lld requests acknowledged, %9lld spans acknowledged, retries %6lld, refusals %s; "
                "peak memory so far %.0f MiB, receive budget peak %.1f MiB\n",
        qPrintable(phase.name), static_cast<long long>(number(phase.summary, "requests")),
        static_cast<long long>(number(phase.summary, "spans_acknowledged")),
        static_cast<long long>(number(phase.summary, "retries")),
        QJsonDocument(phase.summary.value(QStringLiteral("rejected_by_status")).toObject())
            .toJson(QJsonDocument::Compact)
            .constData(),
        bench::peakRssMiB(), static_cast<double>(collector.stats().receivingBytesPeak.load()) / (1 << 20));
}

} // namespace

int main(int argc, char** argv)
{
    limitMallocArenas(); // as spanlight's main() does
    QCoreApplication app(argc, argv);
    const bench::BenchArgs args(app.arguments());
    const QString seconds = QString::number(args.number("--seconds", 20));
    const QString connections = QString::number(args.number("--connections", 48));
    const QString bigBatch = QString::number(args.number("--big-batch", 8192));
    const QString bigConnections = QString::number(args.number("--big-connections", 32));
    const auto capMiB = static_cast<size_t>(args.number("--memory-cap-mb", 384));

    QTemporaryDir dir;
    AppConfig config;
    applyIngestMemoryCap(capMiB, &config);
    config.writer.path = dir.path() + QStringLiteral("/telemetry.db");
    config.writer.maxQueuedItems = static_cast<size_t>(args.number("--queue-items", 8192));
    TelemetryWriter writer(config.writer);
    std::string error;
    if (!writer.start(&error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    Collector collector(writer, config.limits);
    ReceiverOptions ports;
    ports.httpPort = 0;
    ports.grpcPort = 0;
    if (!collector.start(ports, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::printf("memory cap %zu MiB: receive budget %zu MiB, decode budget %zu MiB, writer queue %zu MiB / %zu "
                "items; idle peak memory %.0f MiB\n",
        capMiB, config.limits.maxReceivingBytes >> 20, config.limits.maxDecodingBytes >> 20,
        config.writer.maxQueuedBytes >> 20, config.writer.maxQueuedItems, bench::peakRssMiB());

    const QString grpcTarget = QStringLiteral("127.0.0.1:%1").arg(collector.grpcPort());
    const QStringList flatOut { QStringLiteral("--rate"), QStringLiteral("0"), QStringLiteral("--duration"), seconds };
    std::vector<Phase> phases;
    phases.push_back({ QStringLiteral("small exports, HTTP"),
        runLoadgen(collector.httpPort(),
            flatOut
                + QStringList { QStringLiteral("--connections"), connections, QStringLiteral("--replay"),
                    QStringLiteral("16") }) });
    report(phases.back(), collector);
    phases.push_back({ QStringLiteral("large exports, HTTP"),
        runLoadgen(collector.httpPort(),
            flatOut
                + QStringList {
                    QStringLiteral("--connections"), bigConnections, QStringLiteral("--batch"), bigBatch }) });
    report(phases.back(), collector);
    phases.push_back({ QStringLiteral("large exports, gRPC"),
        runLoadgen(collector.httpPort(),
            flatOut
                + QStringList { QStringLiteral("--grpc"), grpcTarget, QStringLiteral("--connections"), bigConnections,
                    QStringLiteral("--batch"), bigBatch }) });
    report(phases.back(), collector);
    phases.push_back({ QStringLiteral("recovery, 2,000 spans/s"),
        runLoadgen(collector.httpPort(),
            { QStringLiteral("--rate"), QStringLiteral("2000"), QStringLiteral("--duration"), QStringLiteral("5") }) });
    report(phases.back(), collector);

    collector.drain();
    writer.stop();
    int64_t acknowledged = 0, unexpected = 0;
    for (const Phase& phase : phases) {
        acknowledged += number(phase.summary, "spans_acknowledged");
        unexpected += refusals(phase.summary, true);
    }
    const int64_t stored = writer.stats().spansStored;
    const int64_t calmRefusals = refusals(phases.back().summary, false);
    const double peak = bench::peakRssMiB();
    std::printf("collector refusals: %lld overload (429/UNAVAILABLE), %lld storage, %lld too large\n",
        static_cast<long long>(collector.stats().rejectedFor(RejectReason::QueueFull)),
        static_cast<long long>(collector.stats().rejectedFor(RejectReason::StorageUnavailable)),
        static_cast<long long>(collector.stats().rejectedFor(RejectReason::TooLarge)));
    std::printf("spans acknowledged %lld, stored %lld, duplicates dropped %lld\n", static_cast<long long>(acknowledged),
        static_cast<long long>(stored), static_cast<long long>(writer.stats().duplicatesDropped));
    std::printf("peak memory (VmHWM) %.0f MiB of a %zu MiB cap (%.2f of the cap)\n", peak, capMiB,
        peak / static_cast<double>(capMiB));
    bool ok = true;
    auto check = [&](bool condition, const char* broken) {
        if (!condition) {
            std::printf("BROKEN: %s\n", broken);
            ok = false;
        }
    };
    check(peak <= static_cast<double>(capMiB), "peak memory over the configured cap");
    check(unexpected == 0, "answers other than 200 and 429/UNAVAILABLE");
    check(stored == acknowledged, "acknowledged spans are not all stored");
    check(calmRefusals == 0, "refusals after the load dropped");
    std::printf("%s\n", ok ? "overload run: every promise kept" : "overload run: FAILED");
    return ok ? 0 : 1;
}
