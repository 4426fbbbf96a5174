#include "querytestdata.h"

#include "otlpconvert.h"
#include "sqldialect.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <gtest/gtest.h>
#include <sqlite3.h>

namespace spanlight::test {

const std::vector<std::string> kTenants = { "acme", "globex", "initech", "umbrella" };
const std::vector<std::string> kModels = { "gpt-4o", "claude-sonnet-4", "gemini-2.0-flash" };

namespace {

constexpr int64_t kNsPerMinute = 60'000'000'000;
const std::vector<std::string> kEnvironments = { "prod", "staging" };
const std::vector<std::string> kServices = { "checkout", "search", "chat" };
const std::vector<std::string> kErrorTypes = { "rate_limit", "timeout", "content_filter", "" };

template <typename T> const T& pick(const std::vector<T>& v, std::mt19937_64& rng)
{
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

bool chance(double p, std::mt19937_64& rng)
{
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

int64_t logUniform(double lo, double hi, std::mt19937_64& rng)
{
    return static_cast<int64_t>(std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(rng)));
}

void fill(SpanRecord& s, int64_t startNs, const SpanMix& mix, std::mt19937_64& rng)
{
    s.startNs = startNs;
    const bool slow = !mix.slowTenant.empty() && chance(0.2, rng);
    s.dims.tenant = slow ? mix.slowTenant : pick(kTenants, rng);
    s.dims.environment = pick(kEnvironments, rng);
    s.dims.service = pick(kServices, rng);
    if (mix.slowTenant.empty())
        s.durationNs = logUniform(2e5, 1e11, rng); // 0.2 ms .. 100 s
    else
        s.durationNs = slow ? logUniform(5e9, 1e10, rng) : logUniform(1e7, 5e8, rng);
    // Request model, else response model, else none: the rollups' model dimension.
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
    case 0:
        s.requestModel = kModels[0];
        s.responseModel = kModels[0] + "-2024-08-06";
        break;
    case 1:
        s.requestModel = kModels[1];
        s.responseModel.clear();
        break;
    case 2:
        s.requestModel.clear();
        s.responseModel = kModels[2];
        break;
    default:
        s.requestModel.clear();
        s.responseModel.clear();
    }
    double errorRate = 0.1;
    s.promptFingerprint.clear();
    s.promptLabel.clear();
    s.promptExample.clear();
    s.promptSource = PromptSource::None;
    if (chance(0.75, rng)) {
        // Skewed volumes, rising failure rates: the two rankings differ.
        const int i = std::min(
            kPromptCount - 1, static_cast<int>(-std::log(std::uniform_real_distribution<double>(1e-9, 1)(rng)) * 4));
        s.promptFingerprint = promptFingerprint(i);
        s.promptLabel = "prompt-" + std::to_string(i) + "@v1";
        s.promptSource = PromptSource::Name;
        errorRate = 0.03 + 0.05 * i;
    }
    const bool error = chance(errorRate, rng);
    s.statusCode = error ? 2 : std::uniform_int_distribution<int>(0, 1)(rng);
    s.errorType = error ? pick(kErrorTypes, rng) : std::string();
    s.statusMessage = error ? "failed: " + s.errorType : std::string();

    s.flags = kFlagGenAi;
    s.inputTokens = std::uniform_int_distribution<int64_t>(0, 5000)(rng);
    s.outputTokens = std::uniform_int_distribution<int64_t>(0, 2000)(rng);
    s.cacheReadTokens = std::uniform_int_distribution<int64_t>(0, 1000)(rng);
    s.cacheWriteTokens
        = chance(0.5, rng) ? std::optional<int64_t>(std::uniform_int_distribution<int64_t>(0, 300)(rng)) : std::nullopt;
    s.reasoningTokens = std::uniform_int_distribution<int64_t>(0, 700)(rng);
    s.costNanoUsd = std::uniform_int_distribution<int64_t>(1, 40'000'000)(rng);
    if (chance(0.7, rng)) {
        s.flags |= kFlagSpendCounted;
        if (chance(0.1, rng)) {
            s.flags |= kFlagUnpriced;
            s.costNanoUsd.reset();
        } else if (chance(0.1, rng)) {
            s.flags |= kFlagClientCost;
        }
    }
}

} // namespace

std::string promptFingerprint(int i)
{
    char buffer[20];
    std::snprintf(buffer, sizeof buffer, "p%015x", 0xabc000 + i);
    return buffer;
}

QueryDb::QueryDb()
{
    retention.intervalSeconds = 0; // only explicit rounds: the data is dated
}

QueryDb::~QueryDb()
{
    m_reader.reset();
    stopWriter();
}

WriterOptions QueryDb::writerOptions() const
{
    WriterOptions o;
    o.path = path();
    o.retention = retention;
    o.foldIntervalSeconds = 0; // folded by fold() only, like retention by retain()
    o.clockNs = [now = nowNs] { return now; };
    return o;
}

bool QueryDb::startWriter()
{
    if (m_writer)
        return true;
    m_writer = std::make_unique<TelemetryWriter>(writerOptions());
    std::string error;
    if (!m_writer->start(&error)) {
        ADD_FAILURE() << error;
        m_writer.reset();
        return false;
    }
    return true;
}

void QueryDb::stopWriter()
{
    if (m_writer)
        m_writer->stop();
    m_writer.reset();
}

bool QueryDb::store(std::shared_ptr<IngestBatch> batch)
{
    const WriteOutcome o = storeAndWait(*m_writer, std::move(batch));
    EXPECT_TRUE(o.committed) << o.error;
    return o.committed;
}

bool QueryDb::writeSpans(const SpanMix& mix)
{
    if (!startWriter())
        return false;
    std::mt19937_64 rng(mix.seed);
    PayloadFactory factory(mix.seed);
    std::vector<int64_t> starts(static_cast<size_t>(mix.spans));
    std::uniform_int_distribution<int64_t> offset(0, mix.minutes * kNsPerMinute - 1);
    for (int64_t& s : starts)
        s = mix.fromMinute * kNsPerMinute + offset(rng);
    std::sort(starts.begin(), starts.end());
    for (size_t b = 0; b < starts.size(); b += static_cast<size_t>(mix.batchSize)) {
        const size_t n = std::min(starts.size() - b, static_cast<size_t>(mix.batchSize));
        ConvertResult converted = convertTraces(factory.traces(static_cast<int>(n), 4), {});
        if (!converted.batch || converted.batch->spans.size() != n) {
            ADD_FAILURE() << "convertTraces: " << converted.fatal;
            return false;
        }
        for (size_t i = 0; i < n; ++i) {
            int64_t start = starts[b + i];
            if (chance(mix.lateFraction, rng))
                start = std::max(mix.fromMinute * kNsPerMinute,
                    start - std::uniform_int_distribution<int64_t>(0, 120 * kNsPerMinute)(rng));
            fill(converted.batch->spans[i], start, mix, rng);
        }
        if (!store(converted.batch))
            return false;
    }
    return true;
}

bool QueryDb::writeTrace(const TraceId& trace, int spans, int logs, int64_t startMinute)
{
    if (!startWriter())
        return false;
    PayloadFactory factory(m_rng());
    auto request = factory.traces(spans, spans);
    const std::string id(reinterpret_cast<const char*>(trace.data()), trace.size());
    for (auto& span : *request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()) {
        span.set_trace_id(id);
        span.set_start_time_unix_nano(static_cast<uint64_t>(startMinute * kNsPerMinute) + span.start_time_unix_nano()
            - 1'700'000'000'000'000'000ull);
        span.set_end_time_unix_nano(span.start_time_unix_nano() + 300'000'000);
    }
    auto logRequest = factory.logs(logs + 3);
    auto* records = logRequest.mutable_resource_logs(0)->mutable_scope_logs(0)->mutable_log_records();
    for (int i = 0; i < logs; ++i)
        records->Mutable(i)->set_trace_id(id);
    const ConvertResult converted = convertTraces(request, {});
    const ConvertResult convertedLogs = convertLogs(logRequest, {});
    // Spans and logs in separate commits, as exporters send them.
    return converted.batch && convertedLogs.batch && store(converted.batch) && store(convertedLogs.batch);
}

bool QueryDb::retain(int64_t nowNs)
{
    if (!startWriter())
        return false;
    const RetentionReport r = retainAndWait(*m_writer, nowNs);
    EXPECT_TRUE(r.error.empty()) << r.error;
    return r.error.empty();
}

int64_t QueryDb::fold(int64_t nowNs)
{
    if (!startWriter())
        return -1;
    const FoldOutcome folded = foldAndWait(*m_writer, nowNs);
    EXPECT_TRUE(folded.error.empty()) << folded.error;
    return folded.error.empty() ? folded.hoursFolded : -1;
}

sqlite3* QueryDb::db()
{
    if (!m_reader) {
        m_reader = std::make_unique<SqliteConnection>();
        SqliteDialect dialect;
        std::string error;
        if (!m_reader->open(path(), SqliteConnection::Mode::ReadOnly, dialect, false, &error)) {
            ADD_FAILURE() << error;
            return nullptr;
        }
    }
    return m_reader->handle();
}

std::vector<std::vector<int64_t>> rawRows(sqlite3* db, const std::string& sql)
{
    std::vector<std::vector<int64_t>> rows;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sqlite3_errmsg(db) << " in " << sql;
        return rows;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        std::vector<int64_t> row;
        for (int c = 0; c < sqlite3_column_count(s); ++c)
            row.push_back(sqlite3_column_int64(s, c));
        rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE)
        ADD_FAILURE() << sqlite3_errmsg(db) << " in " << sql;
    sqlite3_finalize(s);
    return rows;
}

int64_t rawScalar(sqlite3* db, const std::string& sql)
{
    const auto rows = rawRows(db, sql);
    return rows.empty() || rows[0].empty() ? 0 : rows[0][0];
}

std::string dictIdSql(int kind, const std::string& value)
{
    return "(SELECT id FROM dict WHERE kind = " + std::to_string(kind) + " AND value = '" + value + "')";
}

std::string hexBlob(const uint8_t* data, size_t size)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "X'";
    for (size_t i = 0; i < size; ++i) {
        out += kHex[data[i] >> 4];
        out += kHex[data[i] & 15];
    }
    return out + "'";
}

} // namespace spanlight::test
