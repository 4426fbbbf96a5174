// Purging a tenant's telemetry (issue 5): real telemetry.db files written by
// the real writer; the expectations are plain SQL over the database before the
// purge and a second database that never held the tenant.
#include "batchinserter.h"
#include "failingpromptsquery.h"
#include "heatmapquery.h"
#include "spendquery.h"
#include "sqliteconnection.h"
#include "tenantpurgedata.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

const char* const kPurgedTables[] = { "spans", "trace_index", "logs", "log_index", "metric_points", "rollup_latency",
    "rollup_latency_total", "rollup_spend", "rollup_prompt", "rollup_prompt_total", "rollup_prompt_error", "prompts",
    "resources", "dict", "tenants" };
const char* const kRollupTables[] = { "rollup_latency", "rollup_latency_total", "rollup_spend", "rollup_prompt",
    "rollup_prompt_total", "rollup_prompt_error" };
// Tables whose other rows must come through byte for byte (the totals and
// shared prompts are rewritten: checked against the database without acme).
const char* const kKeptTables[] = { "spans", "trace_index", "logs", "log_index", "metric_points", "rollup_latency",
    "rollup_spend", "rollup_prompt", "rollup_prompt_error", "resources", "dict", "tenants" };

/// Which rows of each table are acme's, as SQL over the database before the
/// purge (docs/storage.md "Purging a tenant"), written apart from the purge's code.
std::map<std::string, std::string> acmeRows(int64_t tenantId)
{
    const std::string x = std::to_string(tenantId);
    const std::string log = "(tenant_id = " + x + " OR (trace_id IN (SELECT trace_id FROM spans WHERE tenant_id = " + x
        + ") AND (span_id IS NULL OR span_id IN (SELECT span_id FROM spans WHERE tenant_id = " + x + "))))";
    // Dictionary ids acme's rows refer to, and everybody else's (prompt fingerprints stay).
    const std::vector<std::pair<std::string, std::string>> refs
        = { { "spans",
                "environment_id, service_id, name_id, error_type_id, provider_id, request_model_id,"
                " response_model_id, operation_id, scope_id" },
              { "logs", "environment_id, service_id, event_name_id, scope_id" },
              { "metric_points", "name_id, unit_id, environment_id, service_id, scope_id" },
              { "rollup_latency", "environment_id, service_id, model_id" },
              { "rollup_spend", "environment_id, model_id" }, { "rollup_prompt", "environment_id" },
              { "rollup_prompt_error", "environment_id, error_type_id" } };
    const auto owner = [&](const std::string& table) { return table == "logs" ? log : "tenant_id = " + x; };
    std::string acmeRefs, otherRefs, acmeResources, otherResources;
    for (const auto& [table, columns] : refs) {
        size_t from = 0;
        for (size_t comma; from != std::string::npos; from = comma == std::string::npos ? comma : comma + 2) {
            comma = columns.find(", ", from);
            const std::string column = columns.substr(from, comma == std::string::npos ? comma : comma - from);
            // NOT IN over a list holding NULL is never true: leave NULLs out.
            const std::string select
                = " UNION SELECT " + column + " FROM " + table + " WHERE " + column + " IS NOT NULL AND ";
            acmeRefs += select + "(" + owner(table) + ")";
            otherRefs += select + "NOT coalesce(" + owner(table) + ", 0)";
        }
        if (table == "spans" || table == "logs" || table == "metric_points") {
            acmeResources += " UNION SELECT resource_id FROM " + table + " WHERE " + owner(table);
            otherResources
                += " UNION SELECT resource_id FROM " + table + " WHERE NOT coalesce(" + owner(table) + ", 0)";
        }
    }
    const auto list = [](const std::string& unions) { return "(" + unions.substr(7) + ")"; }; // drop " UNION "
    const auto totalOf = [&](const char* table, const char* source, const char* key) {
        return std::string("NOT EXISTS (SELECT 1 FROM ") + source + " r WHERE r.grain = " + table
            + ".grain AND r.slot = " + table + ".slot AND r." + key + " = " + table + "." + key + " AND r.tenant_id <> "
            + x + ")";
    };
    return {
        { "spans", "tenant_id = " + x },
        { "trace_index", "EXISTS (SELECT 1 FROM spans s WHERE s.id = first_span AND s.tenant_id = " + x + ")" },
        { "logs", log },
        { "log_index", "log_id IN (SELECT id FROM logs WHERE " + log + ")" },
        { "metric_points", "tenant_id = " + x },
        { "rollup_latency", "tenant_id = " + x },
        { "rollup_latency_total", totalOf("rollup_latency_total", "rollup_latency", "is_error") },
        { "rollup_spend", "tenant_id = " + x },
        { "rollup_prompt", "tenant_id = " + x },
        { "rollup_prompt_total", totalOf("rollup_prompt_total", "rollup_prompt", "prompt_fp_id") },
        { "rollup_prompt_error", "tenant_id = " + x },
        { "prompts",
            "prompt_fp_id IN (SELECT prompt_fp_id FROM spans WHERE tenant_id = " + x
                + ") AND prompt_fp_id NOT IN (SELECT prompt_fp_id FROM spans WHERE tenant_id <> " + x
                + " AND prompt_fp_id IS NOT NULL)" },
        { "resources", "id IN " + list(acmeResources) + " AND id NOT IN " + list(otherResources) },
        { "dict", "id = " + x + " OR (id IN " + list(acmeRefs) + " AND id NOT IN " + list(otherRefs) + ")" },
        { "tenants", "tenant_id = " + x },
    };
}

std::string hexOf(const TraceId& id)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (uint8_t b : id)
        out += { kHex[b >> 4], kHex[b & 15] };
    return out;
}

// Query answers as text, without dictionary ids (they differ between databases).
std::vector<std::string> heatmapText(const HeatmapResult& r)
{
    std::vector<std::string> out { "total " + std::to_string(r.total) + " errors " + std::to_string(r.errorTotal) };
    for (const HeatmapCell& c : r.cells)
        out.push_back("cell " + std::to_string(c.column) + "," + std::to_string(c.row) + ": " + std::to_string(c.count)
            + "/" + std::to_string(c.errorCount));
    for (const HeatmapRow& row : r.rows)
        out.push_back("row " + std::to_string(row.firstBucket) + "-" + std::to_string(row.lastBucket));
    for (const ColumnPercentiles& p : r.percentiles)
        out.push_back("p " + std::to_string(p.count) + " " + std::to_string(p.p50Ns) + " " + std::to_string(p.p95Ns)
            + " " + std::to_string(p.p99Ns));
    return out;
}

std::vector<std::string> failingText(const FailingPromptsResult& r)
{
    std::vector<std::string> out;
    for (const auto* list : { &r.byFailures, &r.byRate }) {
        out.push_back("--");
        for (const FailingPrompt& p : *list) {
            std::string line = p.fingerprint + " " + p.label + " " + std::to_string(static_cast<int>(p.source)) + " "
                + std::to_string(p.spans) + " " + std::to_string(p.errors) + " " + std::to_string(p.failureRate) + " "
                + std::to_string(p.durationSumNs) + " " + std::to_string(p.costNanoUsd);
            for (const PromptErrorType& e : p.topErrors)
                line += " " + e.errorType + "=" + std::to_string(e.count);
            // Shared prompts keep acme's sightings in first/last seen and lose
            // their example (docs/storage.md); globex's own prompts are exact.
            if (p.fingerprint == "f0000000005e1005" || p.fingerprint == "f0000000005e1006")
                line += " " + std::to_string(p.firstSeenNs) + " " + std::to_string(p.lastSeenNs) + " " + p.example;
            out.push_back(line);
        }
    }
    return out;
}

std::string totalsText(const SpendTotals& t)
{
    return std::to_string(t.requests) + " " + std::to_string(t.inputTokens) + " " + std::to_string(t.outputTokens) + " "
        + std::to_string(t.cacheReadTokens) + " " + std::to_string(t.cacheWriteTokens) + " "
        + std::to_string(t.reasoningTokens) + " " + std::to_string(t.costNanoUsd) + " "
        + std::to_string(t.unpricedRequests) + " " + std::to_string(t.clientCostRequests);
}

std::vector<std::string> spendText(const SpendResult& r)
{
    std::vector<std::string> out { "grand " + totalsText(r.grand) };
    for (const auto* list : { &r.byTenant, &r.byModel }) {
        for (const SpendSeries& series : *list) {
            out.push_back(series.name + " " + totalsText(series.total));
            for (const SpendTotals& column : series.perColumn)
                out.push_back("  " + totalsText(column));
        }
    }
    return out;
}

std::unique_ptr<SqliteConnection> openReader(const QString& path)
{
    auto reader = std::make_unique<SqliteConnection>();
    SqliteDialect dialect;
    std::string error;
    if (!reader->open(path, SqliteConnection::Mode::ReadOnly, dialect, false, &error)) {
        ADD_FAILURE() << error;
        return nullptr;
    }
    return reader;
}

/// One database with acme and globex, purged of acme once for every test of
/// the suite; a second database written with the same batches without acme.
struct PurgedDatabase : ::testing::Test
{
    struct State
    {
        QTemporaryDir dir;
        QString path, withoutAcmePath;
        PurgeData data { 11 };
        int64_t acmeId = 0;
        std::map<std::string, int64_t> acmeCounts;
        std::map<std::string, std::multiset<std::string>> keptBefore; // every other row of each table
        std::multiset<std::string> promptsKept, promptsOfGlobexAlone;
        std::string bytesBefore, bytesAfter; // telemetry.db + telemetry.db-wal
        size_t walBytesAfter = 0;
        TenantPurgeReport report;
        std::unique_ptr<SqliteConnection> reader, withoutAcme;
    };
    static inline State* s = nullptr;

    static void SetUpTestSuite()
    {
        s = new State;
        s->path = s->dir.path() + QStringLiteral("/telemetry.db");
        s->withoutAcmePath = s->dir.path() + QStringLiteral("/without-acme.db");
        {
            auto other = startWriter(s->withoutAcmePath);
            ASSERT_TRUE(other);
            for (const auto& batch : s->data.withoutAcme())
                ASSERT_TRUE(storeAndWait(*other, batch).committed);
            foldFirstDay(*other);
        }
        auto writer = startWriter(s->path);
        ASSERT_TRUE(writer);
        for (const auto& batch : s->data.batches)
            ASSERT_TRUE(storeAndWait(*writer, batch).committed);
        foldFirstDay(*writer);

        // The reader stays open but idle during the purge, as a console would.
        s->reader = openReader(s->path);
        ASSERT_TRUE(s->reader);
        sqlite3* db = s->reader->handle();
        s->acmeId = scalarOf(db, "SELECT id FROM dict WHERE kind = 1 AND value = 'acme'");
        ASSERT_GT(s->acmeId, 0);
        for (const auto& [table, owned] : acmeRows(s->acmeId)) {
            s->acmeCounts[table] = scalarOf(db, "SELECT count(*) FROM " + table + " WHERE " + owned);
            s->keptBefore[table] = rowsOf(db, "SELECT * FROM " + table + " WHERE NOT (" + owned + ")");
        }
        const std::string x = std::to_string(s->acmeId);
        s->promptsKept = rowsOf(db,
            "SELECT prompt_fp_id, source, label, first_seen_ns, last_seen_ns FROM prompts WHERE NOT ("
                + acmeRows(s->acmeId).at("prompts") + ")");
        s->promptsOfGlobexAlone = rowsOf(db,
            "SELECT * FROM prompts WHERE prompt_fp_id NOT IN (SELECT prompt_fp_id FROM spans WHERE tenant_id = " + x
                + " AND prompt_fp_id IS NOT NULL)");
        s->bytesBefore = fileBytes(s->path) + fileBytes(s->path + QStringLiteral("-wal"));

        s->report = writer->purgeTenant(PurgeData::kAcme).get();
        s->walBytesAfter = fileBytes(s->path + QStringLiteral("-wal")).size();
        s->bytesAfter = fileBytes(s->path) + fileBytes(s->path + QStringLiteral("-wal"));
        writer->stop();
        s->withoutAcme = openReader(s->withoutAcmePath);
    }
    static void TearDownTestSuite()
    {
        delete s;
        s = nullptr;
    }
    void SetUp() override
    {
        ASSERT_TRUE(s && s->reader && s->withoutAcme);
        ASSERT_TRUE(s->report.ok) << s->report.error;
    }
    sqlite3* db() { return s->reader->handle(); }
};

} // namespace

TEST_F(PurgedDatabase, ReportsPerTableTheRowsThatWereThere)
{
    for (const char* table : kPurgedTables) {
        ASSERT_TRUE(s->report.deletedRows.count(table)) << table;
        EXPECT_EQ(s->report.deletedRows.at(table), s->acmeCounts.at(table)) << table;
    }
    EXPECT_EQ(s->report.deletedRows.size(), std::size(kPurgedTables));
    // Not vacuous: acme had rows everywhere, including dictionary values,
    // resources, prompts and total rows no other tenant fed.
    for (const char* table : kPurgedTables)
        EXPECT_GT(s->acmeCounts.at(table), 0) << table;
    EXPECT_GT(s->report.rewrittenRows.at("rollup_latency_total"), 0);
    EXPECT_GT(s->report.rewrittenRows.at("rollup_prompt_total"), 0);
    EXPECT_EQ(s->report.rewrittenRows.at("prompts"), 3) << "the three shared prompts lose their example";
    EXPECT_TRUE(s->report.walTruncated);
    EXPECT_GT(s->report.steps, 6);
}

TEST_F(PurgedDatabase, LeavesNoRowWithTheTenantOrItsTraces)
{
    std::string traceBlobs, traceKeys;
    for (const TraceId& trace : s->data.acmeTraces) {
        traceBlobs += std::string(traceBlobs.empty() ? "" : " OR ") + "instr(c, X'" + hexOf(trace) + "') > 0";
        traceKeys += (traceKeys.empty() ? "" : ",") + std::to_string(traceKey(trace));
    }
    ASSERT_GT(s->data.acmeTraces.size(), 50u);
    int columnsChecked = 0;
    for (const std::string& table : rowsOf(db(), "SELECT name FROM sqlite_master WHERE type = 'table'")) {
        for (const std::string& column : rowsOf(db(), "SELECT name FROM pragma_table_info('" + table + "')")) {
            const std::string from = " FROM (SELECT " + column + " AS c FROM " + table + ")";
            SCOPED_TRACE(table + "." + column);
            EXPECT_EQ(
                scalarOf(db(), "SELECT count(*)" + from + " WHERE typeof(c) = 'blob' AND (" + traceBlobs + ")"), 0);
            if (column.find("tenant_id") != std::string::npos || (table == "dict" && column == "id")) {
                EXPECT_EQ(scalarOf(db(), "SELECT count(*)" + from + " WHERE c = " + std::to_string(s->acmeId)), 0);
            }
            if (column == "trace_key") {
                EXPECT_EQ(scalarOf(db(), "SELECT count(*)" + from + " WHERE c IN (" + traceKeys + ")"), 0);
            }
            ++columnsChecked;
        }
    }
    EXPECT_GT(columnsChecked, 100);
    EXPECT_EQ(
        scalarOf(db(), "SELECT count(*) FROM dict WHERE value = 'acme' OR value LIKE 'acme-%' OR value LIKE 'acme.%'"),
        0);
}

TEST_F(PurgedDatabase, KeepsEveryOtherRowAsItWas)
{
    for (const char* table : kKeptTables) {
        const auto after = rowsOf(db(), std::string("SELECT * FROM ") + table);
        EXPECT_FALSE(after.empty()) << table;
        EXPECT_TRUE(after == s->keptBefore.at(table))
            << table << ": " << after.size() << " rows after, " << s->keptBefore.at(table).size() << " expected";
    }
    // Prompts: globex's own unchanged; the shared ones only lost their example.
    EXPECT_EQ(
        rowsOf(db(), "SELECT prompt_fp_id, source, label, first_seen_ns, last_seen_ns FROM prompts"), s->promptsKept);
    EXPECT_EQ(rowsOf(db(), "SELECT * FROM prompts WHERE example IS NOT NULL"), s->promptsOfGlobexAlone);
    EXPECT_EQ(s->promptsOfGlobexAlone.size(), 2u);
    EXPECT_EQ(scalarOf(db(), "SELECT count(*) FROM prompts WHERE example IS NULL"), 3);
}

TEST_F(PurgedDatabase, TotalsAndAnswersEqualADatabaseThatNeverHadTheTenant)
{
    for (const char* table : kRollupTables) {
        const auto purged = resolvedRollups(db(), table);
        EXPECT_FALSE(purged.empty()) << table;
        EXPECT_TRUE(purged == resolvedRollups(s->withoutAcme->handle(), table)) << table;
    }
    EXPECT_EQ(rowsOf(db(), "SELECT (SELECT value FROM dict WHERE id = tenant_id), first_seen_ns FROM tenants"),
        rowsOf(s->withoutAcme->handle(),
            "SELECT (SELECT value FROM dict WHERE id = tenant_id), first_seen_ns FROM tenants"));

    const TimeRange range { PurgeData::kFromMinute - 60, PurgeData::kFromMinute + 4 * 1440 };
    for (const std::string& tenant : { std::string(), std::string(PurgeData::kGlobex) }) {
        HeatmapQuery q;
        q.range = range;
        q.columnMinutes = 60;
        q.filters.tenant = tenant;
        const HeatmapResult a = queryHeatmap(db(), q), b = queryHeatmap(s->withoutAcme->handle(), q);
        ASSERT_TRUE(a.ok() && b.ok()) << a.error << b.error;
        EXPECT_GT(a.total, 0);
        EXPECT_EQ(heatmapText(a), heatmapText(b)) << "tenant filter '" << tenant << "'";
    }
    FailingPromptsQuery fq;
    fq.range = range;
    fq.minSpansForRate = 5;
    const FailingPromptsResult fa = queryFailingPrompts(db(), fq),
                               fb = queryFailingPrompts(s->withoutAcme->handle(), fq);
    ASSERT_TRUE(fa.ok() && fb.ok()) << fa.error << fb.error;
    EXPECT_EQ(fa.byFailures.size(), 5u);
    EXPECT_EQ(failingText(fa), failingText(fb));
    SpendQuery sq;
    sq.range = range;
    const SpendResult sa = querySpend(db(), sq), sb = querySpend(s->withoutAcme->handle(), sq);
    ASSERT_TRUE(sa.ok() && sb.ok()) << sa.error << sb.error;
    EXPECT_GT(sa.grand.requests, 0);
    EXPECT_EQ(spendText(sa), spendText(sb));
}

TEST_F(PurgedDatabase, OverwritesTheTenantsContentInTheFiles)
{
    // secure_delete zeroes the deleted cells and pages; the truncated WAL
    // holds no old page images.
    EXPECT_NE(s->bytesBefore.find(PurgeData::kAcmeCanary), std::string::npos) << "the search would find it";
    EXPECT_EQ(s->bytesAfter.find(PurgeData::kAcmeCanary), std::string::npos);
    EXPECT_NE(s->bytesAfter.find(PurgeData::kGlobexCanary), std::string::npos);
    // Names only acme used leave the dictionary; their rows are not scrubbed
    // first, so this rests on secure_delete alone.
    for (const char* name : { "acme-billing", "acme-finetune-v2", "acme.queue.depth" }) {
        EXPECT_NE(s->bytesBefore.find(name), std::string::npos) << name;
        EXPECT_EQ(s->bytesAfter.find(name), std::string::npos) << name;
    }
    EXPECT_EQ(s->walBytesAfter, 0u) << "the WAL was truncated";
}
