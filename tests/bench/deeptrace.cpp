#include "deeptrace.h"

#include "otlpconvert.h"
#include "pricetable.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"
#include "traceoutlinequery.h"

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <chrono>
#include <cstring>
#include <future>
#include <map>
#include <random>
#include <set>
#include <sqlite3.h>
#include <thread>

namespace spanlight::bench {

namespace {

using KeyValues = google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;
constexpr int kSpansPerRequest = 2000;

uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

void addString(KeyValues* attributes, const std::string& key, const std::string& value)
{
    auto* kv = attributes->Add();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

void addInt(KeyValues* attributes, const std::string& key, int64_t value)
{
    auto* kv = attributes->Add();
    kv->set_key(key);
    kv->mutable_value()->set_int_value(value);
}

/// A long message, so the detail panel has a value to cut and load in full.
std::string longMessage()
{
    std::string text = R"([{"role":"user","parts":[{"type":"text","content":")";
    for (int i = 0; i < 120; ++i)
        text += "Step " + std::to_string(i) + ": summarise the retrieved documents and plan the next tool call. ";
    return text + R"("}]}])";
}

bool submit(TelemetryWriter& writer, std::shared_ptr<const IngestBatch> batch, std::string* error)
{
    std::promise<WriteOutcome> done;
    auto outcome = done.get_future();
    while (writer.submit(batch, [&done](const WriteOutcome& o) { done.set_value(o); })
        == TelemetryWriter::Admission::QueueFull)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const WriteOutcome o = outcome.get();
    if (!o.committed)
        *error = "the writer refused the trace: " + o.error;
    return o.committed;
}

} // namespace

std::vector<PlannedDeepSpan> planDeepTrace(const DeepTraceOptions& options)
{
    std::mt19937_64 rng(options.seed);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<PlannedDeepSpan> spans;
    spans.reserve(static_cast<size_t>(options.spans));
    std::vector<int> containers; // spans that may have children: the spine and planning steps
    const auto add = [&](int parent, PlannedDeepSpan s, bool spine) {
        const int index = static_cast<int>(spans.size());
        // Random-looking, as SDKs make them (sequential ids cluster in the writer's dedup hash).
        uint64_t id = splitmix64(options.seed ^ (uint64_t(index) + 1) * 0x9E3779B97F4A7C15ull);
        std::memcpy(s.id.data(), &id, sizeof id);
        s.parent = parent;
        if (parent >= 0) {
            const PlannedDeepSpan& p = spans[static_cast<size_t>(parent)];
            s.depth = p.depth + 1;
            // Spine steps take most of what is left of their parent; other spans last
            // what their kind typically lasts (an LLM call seconds, a lookup milliseconds).
            s.offsetNs = p.offsetNs + static_cast<int64_t>(unit(rng) * (spine ? 0.05 : 0.9) * double(p.durationNs));
            const double left = double(p.offsetNs + p.durationNs - s.offsetNs);
            const double typical = spine ? (0.85 + 0.13 * unit(rng)) * left
                : s.llm                  ? 4e8 + 5.6e9 * unit(rng) * unit(rng)
                : s.name == "agent.plan" ? 1e9 + 1.9e10 * unit(rng)
                                         : 1e7 + 7.9e8 * unit(rng) * unit(rng);
            s.durationNs = std::max<int64_t>(2000, static_cast<int64_t>(std::min(typical, 0.98 * left)));
        } else {
            s.durationNs = 90'000'000'000; // a 90 s agent run
        }
        s.error = options.errorEvery > 0 && index % options.errorEvery == options.errorEvery - 1;
        spans.push_back(std::move(s));
        return index;
    };
    int parent = add(-1, { {}, -1, 0, 0, 0, false, false, "agent.run", "bench-agent" }, true);
    containers.push_back(parent);
    for (int d = 1; d < options.spineDepth && static_cast<int>(spans.size()) < options.spans; ++d) {
        parent = add(parent, { {}, 0, 0, 0, 0, false, false, "agent.step " + std::to_string(d), "bench-agent" }, true);
        containers.push_back(parent);
    }
    while (static_cast<int>(spans.size()) < options.spans) {
        const int p = containers[static_cast<size_t>(rng() % containers.size())];
        const double role = unit(rng);
        PlannedDeepSpan s;
        if (role < 0.4) {
            s.name = "chat gpt-4o";
            s.service = "llm-gateway";
            s.llm = true;
        } else if (role < 0.7) {
            s.name = "tool.call search_docs";
            s.service = "bench-tools";
        } else if (role < 0.9) {
            s.name = "retrieval vector-search";
            s.service = "vector-db";
        } else {
            s.name = "agent.plan";
            s.service = "bench-agent";
        }
        const bool container = s.name == "agent.plan";
        const int index = add(p, std::move(s), false);
        if (container)
            containers.push_back(index);
    }
    return spans;
}

DeepTraceResult ensureDeepTrace(const QString& dbPath, const DeepTraceOptions& options)
{
    DeepTraceResult result;
    const std::vector<PlannedDeepSpan> plan = planDeepTrace(options);
    std::set<SpanId> stored;
    int64_t startNs = options.startNs;
    {
        SqliteDialect dialect;
        SqliteConnection reader;
        if (!reader.open(dbPath, SqliteConnection::Mode::ReadOnly, dialect, false, &result.error))
            return result;
        const TraceOutline outline = queryTraceOutline(reader.handle(), options.traceId);
        if (!outline.ok()) {
            result.error = outline.error;
            return result;
        }
        std::map<SpanId, int64_t> offsets;
        for (const PlannedDeepSpan& s : plan)
            offsets[s.id] = s.offsetNs;
        for (const OutlineSpan& s : outline.spans) {
            stored.insert(s.spanId);
            if (startNs == 0 && offsets.count(s.spanId))
                startNs = s.startNs - offsets[s.spanId]; // keep the trace's own time
        }
        if (startNs == 0) {
            Statement newest(reader.handle(), "SELECT max(minute) FROM span_minutes");
            const bool any = newest.valid() && sqlite3_step(newest.get()) == SQLITE_ROW
                && sqlite3_column_type(newest.get(), 0) != SQLITE_NULL;
            startNs = any ? sqlite3_column_int64(newest.get(), 0) * 60'000'000'000
                          : std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                                .count();
        }
    }
    result.startNs = startNs;
    size_t planned = 0;
    for (const PlannedDeepSpan& s : plan)
        planned += stored.count(s.id);
    if (planned < stored.size()) {
        // Another writer's spans under our id: adding ours would mix two traces.
        result.error = "trace id already holds " + std::to_string(stored.size() - planned) + " spans of another shape";
        return result;
    }
    result.alreadyStored = static_cast<int64_t>(stored.size());
    if (stored.size() >= plan.size()) {
        result.ok = true;
        return result;
    }

    GenAiSettings genai;
    genai.captureContent = true;
    genai.prices = PriceTable::fromJson(PriceTable::builtinJson(), {}, &result.error);
    if (!genai.prices)
        return result;
    WriterOptions writerOptions;
    writerOptions.path = dbPath;
    writerOptions.retention.intervalSeconds = 0; // never delete anything of the database we were given
    TelemetryWriter writer(writerOptions);
    if (!writer.start(&result.error))
        return result;
    std::vector<std::pair<int64_t, std::string>> priceRows;
    for (const PriceRow& row : genai.prices->rows())
        priceRows.emplace_back(row.id, row.canonicalJson);
    writer.recordPriceRows(std::move(priceRows));

    const std::string traceId(reinterpret_cast<const char*>(options.traceId.data()), options.traceId.size());
    const IngestLimits limits;
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
    std::map<std::string, opentelemetry::proto::trace::v1::ScopeSpans*> scopes; // by service
    int inRequest = 0;
    bool firstLlm = true;
    const auto flush = [&]() {
        if (inRequest == 0)
            return true;
        ConvertResult converted = convertTraces(request, limits, genai);
        request.Clear();
        scopes.clear();
        inRequest = 0;
        if (!converted.batch) {
            result.error = "the collector refused the trace: " + converted.fatal;
            return false;
        }
        return submit(writer, std::move(converted.batch), &result.error);
    };
    for (const PlannedDeepSpan& p : plan) {
        if (stored.count(p.id))
            continue;
        auto& scope = scopes[p.service];
        if (!scope) {
            auto* resource = request.add_resource_spans();
            addString(resource->mutable_resource()->mutable_attributes(), "service.name", p.service);
            addString(resource->mutable_resource()->mutable_attributes(), "tenant.id", "bench-tenant");
            scope = resource->add_scope_spans();
            scope->mutable_scope()->set_name("spanlight.bench.deeptrace");
        }
        auto* span = scope->add_spans();
        span->set_trace_id(traceId);
        span->set_span_id(std::string(reinterpret_cast<const char*>(p.id.data()), p.id.size()));
        if (p.parent >= 0) {
            const SpanId& parent = plan[static_cast<size_t>(p.parent)].id;
            span->set_parent_span_id(std::string(reinterpret_cast<const char*>(parent.data()), parent.size()));
        }
        span->set_name(p.name);
        span->set_kind(p.llm ? opentelemetry::proto::trace::v1::Span::SPAN_KIND_CLIENT
                             : opentelemetry::proto::trace::v1::Span::SPAN_KIND_INTERNAL);
        span->set_start_time_unix_nano(static_cast<uint64_t>(startNs + p.offsetNs));
        span->set_end_time_unix_nano(static_cast<uint64_t>(startNs + p.offsetNs + p.durationNs));
        auto* attributes = span->mutable_attributes();
        addInt(attributes, "bench.depth", p.depth);
        if (p.llm) {
            addString(attributes, "gen_ai.operation.name", "chat");
            addString(attributes, "gen_ai.provider.name", "openai");
            addString(attributes, "gen_ai.request.model", "gpt-4o");
            addString(attributes, "gen_ai.response.model", "gpt-4o-2024-08-06");
            addInt(attributes, "gen_ai.usage.input_tokens", 800 + p.depth * 40);
            addInt(attributes, "gen_ai.usage.output_tokens", 120 + p.depth * 5);
            if (firstLlm)
                addString(attributes, "gen_ai.input.messages", longMessage());
            firstLlm = false;
        }
        if (p.error) {
            span->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
            span->mutable_status()->set_message(p.llm ? "429 Too Many Requests" : "deadline exceeded");
            addString(attributes, "error.type", p.llm ? "rate_limit" : "timeout");
            auto* event = span->add_events();
            event->set_name("exception");
            event->set_time_unix_nano(span->end_time_unix_nano());
            addString(event->mutable_attributes(), "exception.message", span->status().message());
        }
        if (++inRequest == kSpansPerRequest && !flush())
            return result;
    }
    if (!flush())
        return result;

    // A few log records naming spans of the trace (the detail panel's linked logs).
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest logs;
    auto* resourceLogs = logs.add_resource_logs();
    addString(resourceLogs->mutable_resource()->mutable_attributes(), "service.name", "bench-agent");
    auto* scopeLogs = resourceLogs->add_scope_logs();
    for (int i = 0; i < options.logs && i < static_cast<int>(plan.size()); ++i) {
        const PlannedDeepSpan& p = plan[static_cast<size_t>(i * 7 % static_cast<int>(plan.size()))];
        if (stored.count(p.id))
            continue;
        auto* record = scopeLogs->add_log_records();
        record->set_time_unix_nano(static_cast<uint64_t>(startNs + p.offsetNs + 1000));
        record->set_trace_id(traceId);
        record->set_span_id(std::string(reinterpret_cast<const char*>(p.id.data()), p.id.size()));
        record->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_INFO);
        record->set_severity_text("INFO");
        record->mutable_body()->set_string_value("entered " + p.name + " at depth " + std::to_string(p.depth));
    }
    if (scopeLogs->log_records_size() > 0) {
        ConvertResult converted = convertLogs(logs, limits, genai);
        if (!converted.batch || !submit(writer, std::move(converted.batch), &result.error))
            return result;
    }
    writer.stop();
    result.written = static_cast<int64_t>(plan.size() - stored.size());
    result.ok = true;
    return result;
}

} // namespace spanlight::bench
