// Ingest benchmark (issue: foundation). Not a test: it measures and reports.
//
//   ingest_bench [--dir DIR] [--prefill 10000000] [--seconds 60] [--connections 8]
//                [--loadgen PATH] [--baseline-rows 3000000]
//
// 1. Pre-fills telemetry.db through the writer to --prefill spans.
// 2. Baseline, same run: the same span rows inserted with one native prepared
//    statement, no secondary index, 5,120 rows per commit, into a fresh file.
// 3. End to end: the collector in this process, spanlight-loadgen as a second
//    process sending OTLP/HTTP protobuf batches of 512 as fast as acknowledged
//    (durable: synchronous=FULL, answered after commit) for --seconds.
// 4. Fetching all spans of a trace by id (random traces and a 1,000-span one).
// Prints absolute figures and the ratio against the baseline.

#include "benchsupport.h"
#include "collector.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"
#include "tracelookup.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <random>
#include <sqlite3.h>

using namespace spanlight;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// Span rows shaped like the load generator's GenAI traffic.
class RowFactory
{
public:
    RowFactory()
        : m_rng(7)
    {
        m_detail.assign(320, 'a'); // about what a GenAI span's encoded attributes take
    }

    SpanRecord span(const TraceId& trace, int64_t startNs)
    {
        SpanRecord r;
        r.traceId = trace;
        for (auto& b : r.spanId)
            b = static_cast<uint8_t>(m_rng());
        r.spanId[0] |= 1;
        r.dims = { m_tenants[m_rng() % 8], "prod", m_services[m_rng() % 4] };
        r.name = "chat gpt-4o";
        r.kind = 3;
        r.startNs = startNs;
        r.durationNs = 200'000'000 + static_cast<int64_t>(m_rng() % 5'000'000'000ull);
        r.requestModel = "gpt-4o";
        r.responseModel = "gpt-4o-2024-08-06";
        r.provider = "openai";
        r.operation = "chat";
        r.inputTokens = static_cast<int64_t>(m_rng() % 4000);
        r.outputTokens = static_cast<int64_t>(m_rng() % 800);
        r.detail = m_detail;
        return r;
    }

    TraceId trace()
    {
        TraceId t;
        for (auto& b : t)
            b = static_cast<uint8_t>(m_rng());
        t[0] |= 1;
        return t;
    }

    std::mt19937_64& rng() { return m_rng; }

private:
    std::mt19937_64 m_rng;
    std::string m_detail;
    const std::string m_tenants[8] = { "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka" };
    const std::string m_services[4] = { "chat-api", "support-bot", "search-rag", "doc-summarizer" };
};

void submitAndWait(TelemetryWriter& writer, std::shared_ptr<IngestBatch> batch, std::vector<std::future<void>>& pending)
{
    auto done = std::make_shared<std::promise<void>>();
    pending.push_back(done->get_future());
    while (writer.submit(batch, [done](const WriteOutcome&) { done->set_value(); })
        == TelemetryWriter::Admission::QueueFull) {
        pending.front().wait(); // back-pressure: wait for the oldest batch
        pending.erase(pending.begin());
    }
}

struct PrefillResult
{
    std::vector<TraceId> sampleTraces;
    TraceId bigTrace {};
};

PrefillResult prefill(TelemetryWriter& writer, int64_t spans, RowFactory& rows)
{
    PrefillResult result;
    const auto started = Clock::now();
    int64_t now = 1'790'000'000'000'000'000;
    std::vector<std::future<void>> pending;
    int64_t made = 0;
    result.bigTrace = rows.trace();
    while (made < spans) {
        auto batch = std::make_shared<IngestBatch>();
        batch->resources.push_back("r");
        for (int t = 0; t < 128 && made < spans; ++t) {
            const TraceId trace = rows.trace();
            if (result.sampleTraces.size() < 1000 && rows.rng()() % 1000 == 0)
                result.sampleTraces.push_back(trace);
            for (int s = 0; s < 4; ++s, ++made)
                batch->spans.push_back(rows.span(trace, now += 1000));
        }
        // One long trace whose spans arrive spread across the whole fill.
        if (made % 10240 < 512 && made / 10240 < 1000)
            batch->spans.push_back(rows.span(result.bigTrace, now += 1000));
        batch->approxBytes = batch->spans.size() * 400;
        submitAndWait(writer, batch, pending);
        if (made % 1'000'000 < 512)
            std::fprintf(stderr, "  prefill %lld spans, %.0f spans/s\n", static_cast<long long>(made),
                double(made) / secondsSince(started));
    }
    for (auto& f : pending)
        f.wait();
    return result;
}

double baselineRowsPerSecond(const QString& path, int64_t rowCount, RowFactory& rows)
{
    SqliteDialect dialect;
    SqliteConnection c;
    std::string error;
    if (!c.open(path, SqliteConnection::Mode::ReadWrite, dialect, true, &error)) {
        std::fprintf(stderr, "baseline: %s\n", error.c_str());
        return 0;
    }
    sqlite3* db = c.handle();
    // The same columns and values the writer stores, minus dictionary lookups.
    Statement insert(db, dialect.insertSpan());
    std::vector<SpanRecord> prepared;
    prepared.reserve(5120);
    const auto started = Clock::now();
    int64_t now = 1'790'000'000'000'000'000, id = 1;
    for (int64_t done = 0; done < rowCount;) {
        prepared.clear();
        for (int i = 0; i < 5120; ++i)
            prepared.push_back(rows.span(rows.trace(), now += 1000));
        c.exec("BEGIN");
        for (const SpanRecord& r : prepared) {
            sqlite3_stmt* s = insert.get();
            sqlite3_bind_int64(s, 1, id++);
            sqlite3_bind_blob(s, 2, r.traceId.data(), 16, SQLITE_STATIC);
            sqlite3_bind_blob(s, 3, r.spanId.data(), 8, SQLITE_STATIC);
            for (int col = 5; col <= 8; ++col)
                sqlite3_bind_int(s, col, col);
            sqlite3_bind_int(s, 9, r.kind);
            sqlite3_bind_int64(s, 10, r.startNs);
            sqlite3_bind_int64(s, 11, r.durationNs);
            sqlite3_bind_int(s, 12, r.statusCode);
            for (int col = 15; col <= 18; ++col)
                sqlite3_bind_int(s, col, col);
            sqlite3_bind_int64(s, 19, *r.inputTokens);
            sqlite3_bind_int64(s, 20, *r.outputTokens);
            sqlite3_bind_int(s, 30, 1);
            sqlite3_bind_int(s, 31, 1);
            sqlite3_bind_blob(s, 32, r.detail.data(), static_cast<int>(r.detail.size()), SQLITE_STATIC);
            sqlite3_step(s);
            sqlite3_reset(s);
        }
        c.exec("COMMIT");
        done += 5120;
    }
    return double(rowCount) / secondsSince(started);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const bench::BenchArgs args(app.arguments());
    QTemporaryDir temp;
    const QString dir = args.text("--dir", temp.path());
    const int64_t prefillSpans = args.number("--prefill", 10'000'000);
    const int seconds = static_cast<int>(args.number("--seconds", 60));
    const int connections = static_cast<int>(args.number("--connections", 8));
    const int64_t baselineRows = args.number("--baseline-rows", 3'000'000);
    const QString loadgen = args.text("--loadgen", QStringLiteral(SPANLIGHT_LOADGEN));
    QDir().mkpath(dir);
    RowFactory rows;

    std::printf("Spanlight ingest benchmark (data in %s)\n", qPrintable(dir));
    WriterOptions options;
    options.path = dir + QStringLiteral("/telemetry.db");
    TelemetryWriter writer(options);
    std::string error;
    if (!writer.start(&error)) {
        std::fprintf(stderr, "cannot open storage: %s\n", error.c_str());
        return 1;
    }
    auto t = Clock::now();
    const PrefillResult filled = prefill(writer, prefillSpans, rows);
    std::printf("prefill: %lld spans in %.1f s (%.0f spans/s through the writer)\n",
        static_cast<long long>(writer.stats().spansStored), secondsSince(t),
        double(writer.stats().spansStored) / secondsSince(t));

    const double baseline = baselineRowsPerSecond(dir + QStringLiteral("/baseline.db"), baselineRows, rows);
    std::printf("baseline: native prepared INSERT, no secondary index, 5,120 rows/commit: %.0f rows/s\n", baseline);

    Collector collector(writer, IngestLimits {});
    ReceiverOptions ports;
    ports.httpPort = 0;
    ports.grpcPort = 0;
    if (!collector.start(ports, &error)) {
        std::fprintf(stderr, "cannot start the collector: %s\n", error.c_str());
        return 1;
    }
    const int64_t before = writer.stats().spansStored;
    t = Clock::now();
    const bench::LoadgenRun run = bench::runLoadgen(loadgen, collector.httpPort(),
        { QStringLiteral("--rate"), QStringLiteral("0"), QStringLiteral("--batch"), QStringLiteral("512"),
            QStringLiteral("--connections"), QString::number(connections), QStringLiteral("--duration"),
            QString::number(seconds), QStringLiteral("--replay"), QStringLiteral("16") },
        (seconds + 120) * 1000);
    if (!run.finished) {
        std::fprintf(stderr, "the load generator did not finish\n");
        return 1;
    }
    const double elapsed = secondsSince(t);
    const int64_t stored = writer.stats().spansStored - before;
    const double e2e = double(stored) / elapsed;
    std::printf("end to end: OTLP/HTTP protobuf, batches of 512, %d connections, durable acks, %d s: "
                "%lld spans stored, %.0f spans/s\n",
        connections, seconds, static_cast<long long>(stored), e2e);
    std::printf("  load generator: %s\n", run.summaryLine.constData());
    std::printf("  ratio end-to-end / baseline: %.2fx\n", baseline > 0 ? e2e / baseline : 0.0);
    collector.drain();
    const WriterStats ws = writer.stats();
    std::printf(
        "  commits: %lld, max commit %.1f ms\n", static_cast<long long>(ws.commits), ws.maxCommitMicros / 1000.0);
    writer.stop();
    std::printf("peak memory (collector + benchmark process, VmHWM): %.0f MiB\n", bench::peakRssMiB());

    SqliteDialect dialect;
    SqliteConnection reader;
    if (!reader.open(options.path, SqliteConnection::Mode::ReadOnly, dialect, true, &error)) {
        std::fprintf(stderr, "cannot open for reading: %s\n", error.c_str());
        return 1;
    }
    TraceLookup lookup(reader.handle());
    std::vector<double> ms;
    size_t found = 0;
    for (const TraceId& trace : filled.sampleTraces) {
        t = Clock::now();
        found += lookup.spansOf(trace).size();
        ms.push_back(secondsSince(t) * 1000);
    }
    std::sort(ms.begin(), ms.end());
    if (!ms.empty())
        std::printf("trace by id, %zu random traces (%zu spans): median %.2f ms, p99 %.2f ms, max %.2f ms\n", ms.size(),
            found, ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back());
    t = Clock::now();
    const size_t bigSpans = lookup.spansOf(filled.bigTrace).size();
    std::printf("trace by id, one trace of %zu spans spread over the whole database: %.2f ms\n", bigSpans,
        secondsSince(t) * 1000);
    std::printf("database size: %.0f MiB\n", QFileInfo(options.path).size() / 1048576.0);
    return 0;
}
