// What the rollups cost ingest (issue 3: target >= 0.8x): the same realistic
// GenAI batches (spanlight-gendb's generator, converted once up front) are
// written by a TelemetryWriter with rollups and without, alternating, each
// into a fresh database. Only the writer is timed: from the first submit to the
// last commit, and with rollups on until the minute rows are folded into hour
// and day rows (which the writer otherwise does once an hour ended). Usage: rollup_ingest_bench [--spans 300000]
// [--rounds 3]
// [--traffic-rate 2000] (how dense in time the generated traffic is, spans/s)
// [--dir DIR] (where the databases go; default the temporary directory)

#include "benchsupport.h"
#include "gendbgenerator.h"
#include "otlpconvert.h"
#include "pricetable.h"
#include "promptidentity.h"
#include "rollupaccumulator.h"
#include "telemetrywriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <time.h>

using namespace spanlight;

namespace {

constexpr int64_t kTrafficEndNs = 1795392000LL * 1'000'000'000;

std::vector<std::shared_ptr<const IngestBatch>> makeBatches(
    int64_t spans, int64_t perSecond, const GenAiSettings& genai)
{
    gendb::GenDbOptions options;
    options.spans = spans;
    // As dense in time as live traffic at the given rate: rollup rows
    // aggregate per minute, so density decides how many rows a commit touches.
    options.periodMinutes = std::max<int64_t>(1, spans / std::max<int64_t>(1, perSecond) / 60);
    options.endNs = kTrafficEndNs;
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

struct RunResult
{
    double spansPerSecond = 0;
    double foldSeconds = 0; ///< of the run's time, folding minute rows into hour and day rows
    double writerCpuSeconds = 0; ///< CPU time of the writer thread (less noisy than wall time)
};

/// The CPU time the writer thread has used so far, read on that thread.
double writerCpuSeconds(TelemetryWriter& writer)
{
    std::promise<double> cpu;
    writer.post([&](SqliteConnection&) {
        timespec ts {};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        cpu.set_value(static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9);
    });
    return cpu.get_future().get();
}

/// What storing every batch cost the writer, rollups on or off.
RunResult writeAll(
    const QString& where, const std::vector<std::shared_ptr<const IngestBatch>>& batches, bool rollups, int64_t spans)
{
    RunResult result;
    QTemporaryDir dir(where + QStringLiteral("/rollup-ingest-XXXXXX"));
    if (!dir.isValid()) {
        std::fprintf(stderr, "cannot create a database directory in %s\n", qPrintable(where));
        std::exit(1);
    }
    WriterOptions options;
    options.path = dir.path() + QStringLiteral("/telemetry.db");
    options.maintainRollups = rollups;
    options.promptIdentifier = contentPromptIdentifier(false);
    options.retention.intervalSeconds = 0;
    options.foldIntervalSeconds = 0; // folded at the end, timed
    // The traffic is dated: as if it arrived live, whatever day the benchmark runs.
    options.clockNs = [] { return kTrafficEndNs; };
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
    const double cpuBefore = writerCpuSeconds(writer);
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
    if (rollups) {
        const auto foldStart = std::chrono::steady_clock::now();
        std::promise<std::pair<int64_t, std::string>> folded;
        writer.foldNow(kTrafficEndNs + 2 * 60 * kNsPerMinute, [&](int64_t hours, std::string foldError) {
            folded.set_value({ hours, std::move(foldError) });
        });
        const auto [hours, foldError] = folded.get_future().get();
        if (!foldError.empty() || hours == 0) {
            std::fprintf(stderr, "folding failed: %s\n", foldError.empty() ? "no hour to fold" : foldError.c_str());
            std::exit(1);
        }
        result.foldSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - foldStart).count();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.writerCpuSeconds = writerCpuSeconds(writer) - cpuBefore;
    writer.stop();
    result.spansPerSecond = static_cast<double>(spans) / seconds;
    return result;
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
    const QString where = args.text("--dir", QDir::tempPath());
    std::string error;
    GenAiSettings genai;
    genai.prices = PriceTable::load(std::string(), &error);
    std::fprintf(stderr, "generating and converting %lld spans…\n", static_cast<long long>(spans));
    const auto batches = makeBatches(spans, perSecond, genai);
    int64_t stored = 0;
    for (const auto& b : batches)
        stored += static_cast<int64_t>(b->spans.size());

    std::vector<double> with, without, folds, cpuWith, cpuWithout;
    for (int r = 0; r < rounds; ++r) {
        // Alternate which goes first so disk cache and CPU warmth favour neither.
        const bool rollupsFirst = r % 2 == 1;
        for (bool rollups : { rollupsFirst, !rollupsFirst }) {
            const RunResult run = writeAll(where, batches, rollups, stored);
            (rollups ? with : without).push_back(run.spansPerSecond);
            (rollups ? cpuWith : cpuWithout).push_back(run.writerCpuSeconds);
            if (rollups)
                folds.push_back(run.foldSeconds);
            std::fprintf(stderr, "round %d, rollups %s: %.0f spans/s, writer CPU %.2f s", r + 1,
                rollups ? "on " : "off", run.spansPerSecond, run.writerCpuSeconds);
            if (rollups)
                std::fprintf(stderr, " (of the time, folding %.0f ms)", run.foldSeconds * 1000);
            std::fprintf(stderr, "\n");
        }
    }
    // Each round's two runs share the machine's state of the moment (its speed
    // varies by a third on a shared VM): the median of the rounds' own ratios
    // is steadier than the ratio of the two medians.
    std::vector<double> roundRatios;
    for (size_t r = 0; r < with.size(); ++r)
        roundRatios.push_back(with[r] / without[r]);
    const double on = median(with), off = median(without);
    const double cpuOn = median(cpuWith), cpuOff = median(cpuWithout);
    std::printf("writer ingest, %lld GenAI spans (%zu batches incl. content logs) generated as traffic of %lld spans/s,"
                " median of %d rounds:\n",
        static_cast<long long>(stored), batches.size(), static_cast<long long>(perSecond), rounds);
    std::printf("  without rollups (baseline): %8.0f spans/s   writer CPU %.2f s\n", off, cpuOff);
    std::printf(
        "  with rollups:               %8.0f spans/s   writer CPU %.2f s   ratio %.2fx (CPU-time ratio %.2fx)\n", on,
        cpuOn, on / off, cpuOff / cpuOn);
    std::printf("  median of the rounds' own ratios: %.2fx (lowest %.2fx, highest %.2fx)\n", median(roundRatios),
        *std::min_element(roundRatios.begin(), roundRatios.end()),
        *std::max_element(roundRatios.begin(), roundRatios.end()));
    std::printf("  of which folding minute rows into hour and day rows: median %.0f ms\n", median(folds) * 1000);
    std::printf("  peak memory %.0f MiB\n", bench::peakRssMiB());
    return 0;
}
