// What the rollups cost ingest (issue 3: target >= 0.8x): the same realistic
// GenAI batches (spanlight-gendb's generator, converted once up front) are
// written by a TelemetryWriter with rollups and without, alternating, each
// into a fresh database. Only the writer is timed: from the first submit to the
// last commit. Usage: rollup_ingest_bench [--spans 300000] [--rounds 3]
// [--traffic-rate 2000] (how dense in time the generated traffic is, spans/s)

#include "benchsupport.h"
#include "gendbgenerator.h"
#include "otlpconvert.h"
#include "pricetable.h"
#include "promptidentity.h"
#include "telemetrywriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>

using namespace spanlight;

namespace {

std::vector<std::shared_ptr<const IngestBatch>> makeBatches(
    int64_t spans, int64_t perSecond, const GenAiSettings& genai)
{
    gendb::GenDbOptions options;
    options.spans = spans;
    // As dense in time as live traffic at the given rate: rollup rows
    // aggregate per minute, so density decides how many rows a commit touches.
    options.periodMinutes = std::max<int64_t>(1, spans / std::max<int64_t>(1, perSecond) / 60);
    options.endNs = 1795392000LL * 1'000'000'000;
    gendb::GenDbGenerator generator(options);
    std::vector<std::shared_ptr<const IngestBatch>> batches;
    gendb::GenRequest request;
    while (generator.next(request)) {
        ConvertResult converted = request.traces ? convertTraces(*request.traces, IngestLimits(), genai)
                                                 : convertLogs(*request.logs, IngestLimits(), genai);
        if (converted.batch)
            batches.push_back(std::move(converted.batch));
    }
    return batches;
}

/// Spans per second the writer stored, rollups on or off.
double writeAll(const std::vector<std::shared_ptr<const IngestBatch>>& batches, bool rollups, int64_t spans)
{
    QTemporaryDir dir(QStringLiteral("/work/bench-data/ingest-XXXXXX"));
    if (!dir.isValid())
        dir.setAutoRemove(true);
    WriterOptions options;
    options.path = (dir.isValid() ? dir.path() : QDir::tempPath()) + QStringLiteral("/telemetry.db");
    options.maintainRollups = rollups;
    options.promptIdentifier = contentPromptIdentifier(false);
    options.retention.intervalSeconds = 0;
    TelemetryWriter writer(options);
    std::string error;
    if (!writer.start(&error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        std::exit(1);
    }
    std::mutex mutex;
    std::condition_variable answered;
    size_t done = 0;
    const auto completion = [&](const WriteOutcome&) {
        std::lock_guard lock(mutex);
        ++done;
        answered.notify_all();
    };
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < batches.size(); ++i) {
        // A full queue means wait for an answer, like a well-behaved exporter.
        while (writer.submit(batches[i], completion) == TelemetryWriter::Admission::QueueFull) {
            std::unique_lock lock(mutex);
            const size_t seen = done;
            answered.wait(lock, [&] { return done > seen; });
        }
    }
    {
        std::unique_lock lock(mutex);
        answered.wait(lock, [&] { return done == batches.size(); });
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    writer.stop();
    return static_cast<double>(spans) / seconds;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const bench::BenchArgs args(app.arguments());
    const int64_t spans = args.number("--spans", 300000);
    const int rounds = static_cast<int>(args.number("--rounds", 3));
    const int64_t perSecond = args.number("--traffic-rate", 2000);
    std::string error;
    GenAiSettings genai;
    genai.prices = PriceTable::load(std::string(), &error);
    std::fprintf(stderr, "generating and converting %lld spans…\n", static_cast<long long>(spans));
    const auto batches = makeBatches(spans, perSecond, genai);
    int64_t stored = 0;
    for (const auto& b : batches)
        stored += static_cast<int64_t>(b->spans.size());

    std::vector<double> with, without;
    for (int r = 0; r < rounds; ++r) {
        // Alternate which goes first so disk cache and CPU warmth favour neither.
        const bool rollupsFirst = r % 2 == 1;
        for (bool rollups : { rollupsFirst, !rollupsFirst }) {
            const double rate = writeAll(batches, rollups, stored);
            (rollups ? with : without).push_back(rate);
            std::fprintf(stderr, "round %d, rollups %s: %.0f spans/s\n", r + 1, rollups ? "on " : "off", rate);
        }
    }
    const double on = median(with), off = median(without);
    std::printf("writer ingest, %lld GenAI spans (%zu batches incl. content logs) generated as traffic of %lld spans/s,"
                " median of %d rounds:\n",
        static_cast<long long>(stored), batches.size(), static_cast<long long>(perSecond), rounds);
    std::printf("  without rollups (baseline): %8.0f spans/s\n", off);
    std::printf("  with rollups:               %8.0f spans/s   ratio %.2fx\n", on, on / off);
    std::printf("  peak memory %.0f MiB\n", bench::peakRssMiB());
    return 0;
}
