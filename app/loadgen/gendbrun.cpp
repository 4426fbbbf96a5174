#include "gendbrun.h"

#include "genaisettings.h"
#include "gendbgenerator.h"
#include "otlpconvert.h"
#include "pricetable.h"
#include "promptidentity.h"
#include "telemetrywriter.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <future>
#include <mutex>

namespace spanlight::gendb {

namespace {

using Clock = std::chrono::steady_clock;

// Batches queued at the writer at once: enough for full group commits, far below its queue limits
// (262,144 items, 256 MiB), so a submit is refused only if those limits were configured much lower.
constexpr int kMaxInFlight = 48;

/// What the writer's completions report back to the generating thread.
struct InFlight
{
    std::mutex mutex;
    std::condition_variable changed;
    int batches = 0;
    std::int64_t completions = 0;
    std::int64_t spans = 0;
    std::int64_t logs = 0;
    std::int64_t duplicates = 0;
    std::string error;
};

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::int64_t fileSize(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
}

/// The GenAI settings a Spanlight instance runs with by default, plus captured examples (the text is
/// synthetic) and the built-in price table only, so a run never depends on the user's overrides.
GenAiSettings genAiSettings(const GenDbOptions& options, std::string* error)
{
    GenAiSettings genai;
    genai.captureContent = options.captureContent;
    genai.prices = PriceTable::fromJson(PriceTable::builtinJson(), {}, error);
    return genai;
}

/// One request through the collector's conversion (normalisation and pricing included).
ConvertResult convert(const GenRequest& request, const IngestLimits& limits, const GenAiSettings& genai)
{
    return request.traces ? convertTraces(*request.traces, limits, genai) : convertLogs(*request.logs, limits, genai);
}

} // namespace

std::string formatBytes(std::int64_t bytes)
{
    char text[32];
    const double b = static_cast<double>(bytes);
    if (b >= 1e9)
        std::snprintf(text, sizeof text, "%.2f GB", b / 1e9);
    else
        std::snprintf(text, sizeof text, "%.1f MB", b / 1e6);
    return text;
}

GenDbSummary runGenDb(const GenDbOptions& options, const std::function<void(const GenDbProgress&)>& progress)
{
    GenDbSummary summary;
    const auto started = Clock::now();
    const std::filesystem::path dir(options.outDir);
    const std::filesystem::path db = dir / "telemetry.db";
    summary.dbPath = db.string();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        summary.error = "cannot create " + dir.string() + ": " + ec.message();
        return summary;
    }
    // Appending to an older database would mix two fleets (and the writer deduplicates only recent ids).
    if (std::filesystem::exists(db)) {
        summary.error = db.string() + " exists already; remove it or choose another --out";
        return summary;
    }
    std::string error;
    const GenAiSettings genai = genAiSettings(options, &error);
    if (!genai.prices) {
        summary.error = "built-in price table: " + error;
        return summary;
    }

    WriterOptions writerOptions;
    writerOptions.path = QString::fromStdString(db.string());
    writerOptions.synchronousFull = false; // a generated database is regenerated, not recovered
    // The data is old on purpose: the console applies its own retention when it opens the database.
    writerOptions.retention.intervalSeconds = 0;
    // Stored as if collected live until --end: hours older than the minute
    // rows' retention before it get hour and day rows only.
    writerOptions.clockNs = [end = options.endNs] { return end; };
    // The same wiring as the collector runtime: content in log records joins its span's prompt, and the
    // price rows spans refer to are stored beside them.
    writerOptions.promptIdentifier = contentPromptIdentifier(options.captureContent);
    TelemetryWriter writer(writerOptions);
    if (!writer.start(&error)) {
        summary.error = "cannot open " + db.string() + ": " + error;
        return summary;
    }
    std::vector<std::pair<std::int64_t, std::string>> priceRows;
    for (const PriceRow& row : genai.prices->rows())
        priceRows.emplace_back(row.id, row.canonicalJson);
    writer.recordPriceRows(std::move(priceRows));

    GenDbGenerator generator(options);
    const IngestLimits limits;
    auto state = std::make_shared<InFlight>();
    auto lastReport = Clock::now();
    auto report = [&](bool force) {
        if (!progress || (!force && secondsSince(lastReport) < options.progressSeconds))
            return;
        lastReport = Clock::now();
        GenDbProgress p;
        {
            std::lock_guard lock(state->mutex);
            p.spans = state->spans;
        }
        p.total = options.spans;
        p.traces = generator.tracesMade();
        p.logs = generator.logsMade();
        p.seconds = secondsSince(started);
        p.currentNs = generator.currentNs();
        progress(p);
    };

    GenRequest request;
    while (summary.error.empty() && generator.next(request)) {
        ConvertResult converted = convert(request, limits, genai);
        request = GenRequest(); // the arena goes now: only converted batches wait for the writer
        if (!converted.fatal.empty()) {
            summary.error = "the collector refused a generated request: " + converted.fatal;
            break;
        }
        summary.rejected += converted.rejected;
        std::shared_ptr<const IngestBatch> batch = std::move(converted.batch);
        for (;;) {
            std::unique_lock lock(state->mutex);
            state->changed.wait(lock, [&] { return state->batches < kMaxInFlight || !state->error.empty(); });
            if (!state->error.empty())
                break;
            ++state->batches;
            const std::int64_t seen = state->completions;
            lock.unlock();
            const auto admission = writer.submit(batch, [state](const WriteOutcome& outcome) {
                std::lock_guard lock(state->mutex);
                --state->batches;
                ++state->completions;
                state->duplicates += outcome.duplicates;
                if (!outcome.committed && state->error.empty())
                    state->error = "the writer failed: " + outcome.error;
                state->changed.notify_all();
            });
            if (admission == TelemetryWriter::Admission::Accepted)
                break;
            lock.lock();
            --state->batches;
            if (admission == TelemetryWriter::Admission::Stopped) {
                state->error = "the writer stopped";
                break;
            }
            // Queue full: wait for a commit to make room (bounded, in case none is pending), then retry.
            state->changed.wait_for(lock, std::chrono::milliseconds(200), [&] { return state->completions != seen; });
        }
        {
            std::lock_guard lock(state->mutex);
            if (!state->error.empty())
                summary.error = state->error;
            // Counted at submission for progress; the final figures come from the writer's statistics.
            (batch->signal == Signal::Traces ? state->spans : state->logs)
                += static_cast<std::int64_t>(batch->itemCount());
        }
        report(false);
    }
    {
        std::unique_lock lock(state->mutex);
        state->changed.wait(lock, [&] { return state->batches == 0; });
        if (summary.error.empty())
            summary.error = state->error;
        summary.duplicates = state->duplicates;
    }
    // Minute rollup rows become hour and day rows now, instead of during the
    // first minutes of the app that opens the database.
    std::promise<std::string> folded;
    const auto nowNs
        = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
    writer.foldNow(std::max<std::int64_t>(nowNs, options.endNs + 3600LL * 1'000'000'000),
        [&folded](std::int64_t, std::string error) { folded.set_value(std::move(error)); });
    if (std::string foldError = folded.get_future().get(); summary.error.empty() && !foldError.empty())
        summary.error = foldError;
    writer.stop();
    const WriterStats stats = writer.stats();
    report(true);

    summary.spans = stats.spansStored;
    summary.logs = stats.logsStored;
    summary.traces = generator.tracesMade();
    summary.seconds = secondsSince(started);
    summary.dbBytes = fileSize(db) + fileSize(db.string() + "-wal");
    summary.startNs = options.endNs - static_cast<std::int64_t>(options.days) * 86400LL * 1'000'000'000;
    summary.endNs = options.endNs;
    const TraceShaper& shaper = generator.shaper();
    summary.slowTenant = shaper.tenantName(shaper.slowTenant());
    summary.slowModel = std::string(allModels()[static_cast<std::size_t>(shaper.slowModel())].requestModel);
    for (const GenPrompt& prompt : shaper.prompts()) {
        if (prompt.fragile && summary.failingPrompts.size() < 3)
            summary.failingPrompts.push_back(prompt.name);
    }
    if (summary.error.empty() && summary.spans != options.spans)
        summary.error = "stored " + std::to_string(summary.spans) + " spans of " + std::to_string(options.spans);
    summary.ok = summary.error.empty();
    return summary;
}

} // namespace spanlight::gendb
