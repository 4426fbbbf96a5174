// Long WAL run (issue: hardening). Not a test: it drives and reports.
//
//   wal_run [--seconds 1200] [--rate 5000] [--readers 2]
//
// Continuous ingest at --rate spans/s through the real writer while reader
// connections query back to back like a console refreshing without pause (a
// snapshot is almost always open). The WAL is sampled every second; once a
// minute a line shows what was stored and the WAL so far. The run fails (exit
// 1) if the WAL ever passes 64 MiB: the writer's checkpoints (passive past
// 1,000 pages, RESTART past 4,096) must keep it near 16 MiB however long it runs.

#include "benchsupport.h"
#include "otlpconvert.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"
#include "testpayloads.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTemporaryDir>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <sqlite3.h>
#include <thread>
#include <vector>

using namespace spanlight;
using Clock = std::chrono::steady_clock;

namespace {

/// Queries over recent spans, back to back, on its own read-only connection.
void readBackToBack(const QString& path, int which, const std::atomic<bool>& stop, std::atomic<int64_t>& queries)
{
    SqliteDialect dialect;
    SqliteConnection connection;
    std::string error;
    if (!connection.open(path, SqliteConnection::Mode::ReadOnly, dialect, true, &error)) {
        std::fprintf(stderr, "reader: %s\n", error.c_str());
        return;
    }
    Statement recent(connection.handle(),
        which % 2 ? "SELECT COUNT(*), MAX(duration_ns) FROM spans WHERE id > (SELECT MAX(id) FROM spans) - ?"
                  : "SELECT COUNT(*), SUM(duration_ns) FROM (SELECT duration_ns FROM spans ORDER BY id DESC LIMIT ?)");
    for (int64_t n = 0; !stop; ++n) {
        sqlite3_bind_int64(recent.get(), 1, 5000 + n % 5000);
        while (sqlite3_step(recent.get()) == SQLITE_ROW) { }
        sqlite3_reset(recent.get());
        ++queries;
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const bench::BenchArgs args(app.arguments());
    const double minutes = static_cast<double>(args.number("--seconds", 1200)) / 60;
    const auto rate = static_cast<double>(args.number("--rate", 5000));
    const int readers = static_cast<int>(args.number("--readers", 2));
    constexpr int kBatch = 512;

    QTemporaryDir dir;
    WriterOptions options;
    options.path = dir.path() + QStringLiteral("/telemetry.db");
    TelemetryWriter writer(options);
    std::string error;
    if (!writer.start(&error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::atomic<bool> stop { false };
    std::atomic<int64_t> queries { 0 };
    std::vector<std::thread> threads;
    for (int i = 0; i < readers; ++i)
        threads.emplace_back([&, i] { readBackToBack(options.path, i, stop, queries); });

    test::PayloadFactory factory;
    const QString wal = options.path + QStringLiteral("-wal");
    std::vector<int64_t> samples;
    int64_t maxWal = 0, refused = 0;
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(minutes * 60));
    const auto batchEvery = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kBatch / rate));
    auto nextBatch = start, nextSample = start, nextReport = start + std::chrono::minutes(1);
    std::printf("WAL run: %.0f spans/s for %.1f min, %d readers back to back\n", rate, minutes, readers);
    while (Clock::now() < end) {
        const auto now = Clock::now();
        if (now >= nextBatch) {
            if (writer.submit(convertTraces(factory.traces(kBatch, 8), {}).batch, [](const WriteOutcome&) {})
                != TelemetryWriter::Admission::Accepted)
                ++refused;
            nextBatch += batchEvery;
        }
        if (now >= nextSample) {
            samples.push_back(QFileInfo(wal).size());
            maxWal = std::max(maxWal, samples.back());
            nextSample += std::chrono::seconds(1);
        }
        if (now >= nextReport) {
            std::printf("  %3.0f min: %10lld spans stored, WAL now %6.1f MiB, max so far %6.1f MiB, db %7.1f MiB, "
                        "%lld reader queries\n",
                std::chrono::duration<double>(now - start).count() / 60,
                static_cast<long long>(writer.stats().spansStored), samples.back() / 1048576.0, maxWal / 1048576.0,
                QFileInfo(options.path).size() / 1048576.0, static_cast<long long>(queries.load()));
            std::fflush(stdout);
            nextReport += std::chrono::minutes(1);
        }
        std::this_thread::sleep_until(std::min({ nextBatch, nextSample, nextReport }));
    }
    stop = true;
    for (std::thread& t : threads)
        t.join();
    writer.stop();
    std::sort(samples.begin(), samples.end());
    const int64_t p99 = samples.empty() ? 0 : samples[samples.size() * 99 / 100];
    std::printf("stored %lld spans (%lld batches refused by a full queue), %lld reader queries\n",
        static_cast<long long>(writer.stats().spansStored), static_cast<long long>(refused),
        static_cast<long long>(queries.load()));
    std::printf("WAL over %zu one-second samples: p99 %.1f MiB, max %.1f MiB; database %.1f MiB\n", samples.size(),
        p99 / 1048576.0, maxWal / 1048576.0, QFileInfo(options.path).size() / 1048576.0);
    const bool ok = maxWal < (int64_t(64) << 20);
    std::printf("%s\n", ok ? "WAL run: bounded" : "WAL run: FAILED, the WAL passed 64 MiB");
    return ok ? 0 : 1;
}
