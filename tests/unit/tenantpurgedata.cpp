#include "tenantpurgedata.h"

#include "genaispanbuilder.h"

#include <QFile>
#include <cmath>
#include <random>
#include <sqlite3.h>

namespace spanlight::test {

namespace {

constexpr int64_t kNsPerMinute = 60'000'000'000;
constexpr int64_t kDays = 3;

template <size_t N> std::array<uint8_t, N> randomId(std::mt19937_64& rng)
{
    std::array<uint8_t, N> id;
    for (uint8_t& b : id)
        b = static_cast<uint8_t>(rng());
    id[0] |= 1; // never all zero (zero means "no id")
    return id;
}

template <typename T> const T& pick(const std::vector<T>& v, std::mt19937_64& rng)
{
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

std::string spanKey(const TraceId& trace, const SpanId& span)
{
    return std::string(trace.begin(), trace.end()) + std::string(span.begin(), span.end());
}

std::string encodedText(const std::string& text)
{
    otlp::common::v1::AnyValue value;
    value.set_string_value(text);
    return value.SerializeAsString();
}

std::string encodedResource(const std::string& tenant, const std::string& canary)
{
    otlp::resource::v1::Resource resource;
    addAttrs(resource.mutable_attributes(), { { "tenant.id", tenant }, { "host.name", canary } });
    return resource.SerializeAsString();
}

/// Prompts 0-2 both tenants use, 3-4 only acme, 5-6 only globex.
std::string promptOf(bool acme, std::mt19937_64& rng)
{
    static const std::vector<int> kAcmePrompts = { 0, 1, 2, 3, 4 }, kGlobexPrompts = { 0, 1, 2, 5, 6 };
    char fingerprint[20];
    std::snprintf(
        fingerprint, sizeof fingerprint, "f%015x", 0x5e1000 + pick(acme ? kAcmePrompts : kGlobexPrompts, rng));
    return fingerprint;
}

struct Tenant
{
    bool acme;
    std::string detail; // encoded attributes, with the tenant's canary
    uint32_t resource;
};

SpanRecord makeSpan(const Tenant& t, const TraceId& trace, int j, int64_t startNs, std::mt19937_64& rng)
{
    SpanRecord s;
    s.traceId = trace;
    s.spanId = randomId<8>(rng);
    s.dims = { t.acme ? PurgeData::kAcme : PurgeData::kGlobex, pick<std::string>({ "prod", "staging" }, rng),
        j == 0 ? (t.acme ? "acme-billing" : "search") : "chat" };
    s.name = j == 0 ? "handle request" : "chat completion";
    s.kind = j == 0 ? 2 : 3;
    s.startNs = startNs + j * 1'000'000;
    s.durationNs
        = static_cast<int64_t>(std::exp(std::uniform_real_distribution<double>(std::log(2e5), std::log(2e10))(rng)));
    if (std::uniform_int_distribution<int>(0, 99)(rng) < 12) {
        s.statusCode = 2;
        s.errorType = pick<std::string>({ "rate_limit", "timeout", "" }, rng);
        s.statusMessage = "failed";
    } else {
        s.statusCode = 1;
    }
    s.provider = "openai";
    s.operation = "chat";
    s.requestModel = t.acme && j == 2 ? "acme-finetune-v2" : pick<std::string>({ "gpt-4o", "claude-sonnet-4" }, rng);
    s.flags = kFlagGenAi | (j > 0 ? kFlagSpendCounted : 0);
    s.inputTokens = std::uniform_int_distribution<int64_t>(0, 4000)(rng);
    s.outputTokens = std::uniform_int_distribution<int64_t>(0, 900)(rng);
    s.costNanoUsd = std::uniform_int_distribution<int64_t>(1, 30'000'000)(rng);
    if (j > 0) {
        s.promptFingerprint = promptOf(t.acme, rng);
        s.promptSource = PromptSource::Name;
        s.promptLabel = "prompt " + s.promptFingerprint;
        s.promptExample = t.acme ? std::string("acme asks ") + PurgeData::kAcmeCanary
                                 : std::string("globex asks ") + PurgeData::kGlobexCanary;
    }
    s.resourceIndex = t.resource;
    s.scope = "spanlight.test@1";
    s.detail = t.detail;
    return s;
}

LogRow makeLog(const Tenant& t, const std::string& tenant, const TraceId& trace, const SpanId* span, int64_t timeNs)
{
    LogRow log;
    log.timeNs = timeNs;
    log.traceId = trace;
    if (span)
        log.spanId = *span;
    log.dims = { tenant, "prod", t.acme ? "acme-billing" : "search" };
    log.eventName = "gen_ai.user.message";
    log.bodyText = std::string(t.acme ? "acme says " : "globex says ")
        + (t.acme ? PurgeData::kAcmeCanary : PurgeData::kGlobexCanary);
    log.body = encodedText(log.bodyText);
    log.resourceIndex = t.resource;
    log.scope = "spanlight.test@1";
    return log;
}

MetricPointRow makePoint(const Tenant& t, int64_t timeNs, double value)
{
    MetricPointRow p;
    p.name = t.acme ? "acme.queue.depth" : "queue.depth";
    p.unit = "1";
    p.timeNs = timeNs;
    p.valueDouble = value;
    p.dims = { t.acme ? PurgeData::kAcme : PurgeData::kGlobex, "prod", "chat" };
    p.resourceIndex = t.resource;
    return p;
}

Tenant tenantOf(bool acme)
{
    const std::string note = acme ? PurgeData::kAcmeCanary : PurgeData::kGlobexCanary;
    return { acme, SpanBuilder("chat").attrs({ { "app.note", note } }).convert().detail, acme ? 0u : 1u };
}

} // namespace

PurgeData::PurgeData(uint64_t seed, int batchCount, int tracesPerBatch)
{
    std::mt19937_64 rng(seed);
    const Tenant tenants[] = { tenantOf(true), tenantOf(false) };
    for (int b = 0; b < batchCount; ++b) {
        auto batch = std::make_shared<IngestBatch>();
        batch->resources = { encodedResource(kAcme, kAcmeCanary), encodedResource(kGlobex, kGlobexCanary) };
        for (int i = 0; i < tracesPerBatch; ++i) {
            const Tenant& t = tenants[rng() % 2];
            // Acme alone is busy in one late hour: total rows only it fed.
            const bool busyHour = t.acme && rng() % 6 == 0;
            const int64_t minute = busyHour ? kFromMinute + kDays * 1440 + 10 + static_cast<int64_t>(rng() % 50)
                                            : kFromMinute + static_cast<int64_t>(rng() % (kDays * 1440));
            const int64_t startNs = minute * kNsPerMinute + static_cast<int64_t>(rng() % kNsPerMinute);
            const TraceId trace = randomId<16>(rng);
            std::vector<SpanRecord> spans;
            for (int j = 0; j < 3; ++j)
                spans.push_back(makeSpan(t, trace, j, startNs, rng));
            const std::string tenant = spans[0].dims.tenant;
            batch->logs.push_back(makeLog(t, tenant, trace, &spans[0].spanId, startNs));
            batch->logs.push_back(makeLog(t, "(none)", trace, &spans[1].spanId, startNs + 1));
            if (t.acme) {
                batch->logs.push_back(makeLog(t, "(none)", trace, nullptr, startNs + 2)); // about the whole trace
                acmeTraces.push_back(trace);
                for (const SpanRecord& s : spans)
                    m_acmeSpanKeys.insert(spanKey(s.traceId, s.spanId));
            }
            batch->points.push_back(makePoint(t, startNs, static_cast<double>(i)));
            batch->spans.insert(batch->spans.end(), spans.begin(), spans.end());
        }
        batches.push_back(std::move(batch));
    }
}

std::vector<std::shared_ptr<IngestBatch>> PurgeData::withoutAcme() const
{
    const std::set<std::string> acmeTraceIds = [this] {
        std::set<std::string> ids;
        for (const TraceId& t : acmeTraces)
            ids.insert(std::string(t.begin(), t.end()));
        return ids;
    }();
    std::vector<std::shared_ptr<IngestBatch>> out;
    for (const auto& batch : batches) {
        auto copy = std::make_shared<IngestBatch>();
        copy->resources = { batch->resources[1] }; // globex's only
        for (SpanRecord s : batch->spans)
            if (s.dims.tenant != kAcme) {
                s.resourceIndex = 0;
                copy->spans.push_back(std::move(s));
            }
        for (LogRow l : batch->logs) {
            const bool ofAcmeTrace = acmeTraceIds.count(std::string(l.traceId.begin(), l.traceId.end())) > 0;
            const bool noSpan = l.spanId == SpanId {};
            if (l.dims.tenant == kAcme
                || (ofAcmeTrace && (noSpan || m_acmeSpanKeys.count(spanKey(l.traceId, l.spanId)))))
                continue;
            l.resourceIndex = 0;
            copy->logs.push_back(std::move(l));
        }
        for (MetricPointRow p : batch->points)
            if (p.dims.tenant != kAcme) {
                p.resourceIndex = 0;
                copy->points.push_back(std::move(p));
            }
        out.push_back(std::move(copy));
    }
    return out;
}

std::shared_ptr<IngestBatch> PurgeData::freshBatch(const std::string& tenant, int spans, uint64_t salt) const
{
    std::mt19937_64 rng(salt);
    Tenant t = tenantOf(tenant == kAcme);
    t.resource = 0;
    auto batch = std::make_shared<IngestBatch>();
    batch->resources = { encodedResource(tenant, "fresh-host") };
    for (int i = 0; i < spans; ++i) {
        const int64_t startNs = (kFromMinute + static_cast<int64_t>(rng() % (kDays * 1440))) * kNsPerMinute;
        SpanRecord s = makeSpan(t, randomId<16>(rng), 1, startNs, rng);
        s.dims.tenant = tenant;
        batch->logs.push_back(makeLog(t, tenant, s.traceId, &s.spanId, startNs));
        batch->spans.push_back(std::move(s));
    }
    return batch;
}

std::unique_ptr<TelemetryWriter> startWriter(const QString& path, int64_t stepRows)
{
    WriterOptions options;
    options.path = path;
    options.retention.intervalSeconds = 0; // the data is dated: no retention rounds
    options.foldIntervalSeconds = 0; // folded by foldFirstDay() only
    options.retention.stepRows = stepRows;
    options.retention.minuteRollupDays = 100 * 366; // every hour's spans update minute rows only
    options.clockNs = [] { return (PurgeData::kFromMinute + 3 * 1440) * kNsPerMinute; }; // the data's date
    auto writer = std::make_unique<TelemetryWriter>(options);
    std::string error;
    if (!writer->start(&error)) {
        ADD_FAILURE() << error;
        return nullptr;
    }
    return writer;
}

void foldFirstDay(TelemetryWriter& writer)
{
    EXPECT_EQ(foldAndWait(writer, (PurgeData::kFromMinute + 1440 + 120) * kNsPerMinute).error, "");
}

std::multiset<std::string> rowsOf(sqlite3* db, const std::string& sql)
{
    std::multiset<std::string> rows;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sqlite3_errmsg(db) << " in " << sql;
        return rows;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(s); ++c) {
            if (c > 0)
                row += '|';
            if (sqlite3_column_type(s, c) == SQLITE_NULL) {
                row += "NULL";
            } else if (sqlite3_column_type(s, c) == SQLITE_BLOB) {
                const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(s, c));
                for (int i = 0; i < sqlite3_column_bytes(s, c); ++i)
                    row += { kHex[data[i] >> 4], kHex[data[i] & 15] };
            } else {
                row += reinterpret_cast<const char*>(sqlite3_column_text(s, c));
            }
        }
        rows.insert(std::move(row));
    }
    if (rc != SQLITE_DONE)
        ADD_FAILURE() << sqlite3_errmsg(db) << " in " << sql;
    sqlite3_finalize(s);
    return rows;
}

int64_t scalarOf(sqlite3* db, const std::string& sql)
{
    const auto rows = rowsOf(db, sql);
    return rows.size() == 1 ? std::stoll(*rows.begin()) : -1;
}

std::multiset<std::string> resolvedRollups(sqlite3* db, const std::string& table)
{
    const auto name = [](const std::string& column) {
        return "coalesce((SELECT value FROM dict WHERE id = " + column + "), " + column + ")";
    };
    std::string columns;
    if (table == "rollup_latency")
        columns = name("tenant_id") + ", " + name("environment_id") + ", " + name("service_id") + ", "
            + name("model_id") + ", is_error, spans, duration_sum_ns, hist";
    else if (table == "rollup_latency_total")
        columns = "is_error, spans, duration_sum_ns, hist";
    else if (table == "rollup_spend")
        columns = name("tenant_id") + ", " + name("environment_id") + ", " + name("model_id")
            + ", requests, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,"
              " cost_nano_usd, unpriced_requests, client_cost_requests";
    else if (table == "rollup_prompt")
        columns = name("prompt_fp_id") + ", " + name("tenant_id") + ", " + name("environment_id")
            + ", spans, errors, duration_sum_ns, cost_nano_usd";
    else if (table == "rollup_prompt_total")
        columns = name("prompt_fp_id") + ", spans, errors, duration_sum_ns, cost_nano_usd";
    else if (table == "rollup_prompt_error")
        columns = name("prompt_fp_id") + ", " + name("tenant_id") + ", " + name("environment_id") + ", "
            + name("error_type_id") + ", spans";
    else
        ADD_FAILURE() << "not a rollup table: " << table;
    return rowsOf(db, "SELECT grain, slot, " + columns + " FROM " + table);
}

std::string fileBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    return std::string(bytes.constData(), static_cast<size_t>(bytes.size()));
}

} // namespace spanlight::test
