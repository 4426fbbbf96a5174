// A tenant purge next to live ingest: batches keep committing between its
// steps, the tenant's new spans are stored normally, and nothing in the
// writer's memory brings purged rows back.
#include "commitgate.h"
#include "tenantpurgedata.h"

#include <QTemporaryDir>
#include <future>
#include <gtest/gtest.h>
#include <mutex>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

struct PurgeWithIngest : ::testing::Test
{
    QTemporaryDir dir;
    QString path() const { return dir.path() + QStringLiteral("/telemetry.db"); }

    /// A read-only connection for checks; closed when the test ends.
    sqlite3* db()
    {
        if (!m_db && sqlite3_open_v2(path().toUtf8().constData(), &m_db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
            ADD_FAILURE() << "cannot open " << path().toStdString();
        return m_db;
    }
    int64_t tenantId(const std::string& name)
    {
        return scalarOf(db(), "SELECT coalesce(max(id), 0) FROM dict WHERE kind = 1 AND value = '" + name + "'");
    }
    /// Rows anywhere that still carry tenant id \a id.
    int64_t rowsOfTenant(int64_t id)
    {
        const std::string x = std::to_string(id);
        int64_t rows = scalarOf(db(), "SELECT count(*) FROM dict WHERE id = " + x);
        for (const char* table : { "spans", "logs", "metric_points", "rollup_latency", "rollup_spend", "rollup_prompt",
                 "rollup_prompt_error", "tenants" })
            rows += scalarOf(db(), std::string("SELECT count(*) FROM ") + table + " WHERE tenant_id = " + x);
        return rows;
    }
    void TearDown() override
    {
        if (m_db)
            sqlite3_close(m_db);
    }

private:
    sqlite3* m_db = nullptr;
};

} // namespace

TEST_F(PurgeWithIngest, BatchesCommitBetweenTheStepsAndAreAllAnswered)
{
    PurgeData data(5, 4, 40);
    constexpr int64_t kStepRows = 16; // the knob retention/step_rows bounds purge steps too
    auto writer = startWriter(path(), kStepRows);
    ASSERT_TRUE(writer);
    for (const auto& batch : data.batches)
        ASSERT_TRUE(storeAndWait(*writer, batch).committed);
    const int64_t acmeBefore = tenantId(PurgeData::kAcme);
    ASSERT_GT(acmeBefore, 0);
    const std::string globexSpans
        = "SELECT count(*) FROM spans WHERE tenant_id = (SELECT id FROM dict WHERE kind = 1 AND value = 'globex')";
    const int64_t globexBefore = scalarOf(db(), globexSpans);

    // Each batch is submitted by the previous one's answer, on the writer's
    // thread: the writer takes one batch per turn, and the purge one step.
    // The first batch is held at its commit until the purge is queued, so the
    // second commits before the purge's first step and the third after it.
    constexpr int kBatches = 20, kSpansPerBatch = 10;
    std::vector<std::shared_ptr<IngestBatch>> batches;
    int64_t freshAcme = 0, freshGlobex = 0;
    for (int k = 0; k < kBatches; ++k) {
        const bool acme = k >= 2 && k % 2;
        (acme ? freshAcme : freshGlobex) += kSpansPerBatch;
        batches.push_back(data.freshBatch(acme ? PurgeData::kAcme : PurgeData::kGlobex, kSpansPerBatch, 100 + k));
    }
    std::shared_future<TenantPurgeReport> purge;
    std::vector<WriteOutcome> outcomes(kBatches);
    int answeredDuringPurge = 0;
    std::promise<void> allAnswered;
    std::function<void(int)> submit = [&](int k) {
        const auto admitted = writer->submit(batches[static_cast<size_t>(k)], [&, k](const WriteOutcome& o) {
            outcomes[static_cast<size_t>(k)] = o;
            answeredDuringPurge += purge.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
            if (k + 1 < kBatches)
                submit(k + 1);
            else
                allAnswered.set_value();
        });
        ASSERT_EQ(admitted, TelemetryWriter::Admission::Accepted);
    };
    {
        CommitGate gate(*writer);
        submit(0);
        gate.waitUntilHeld();
        purge = writer->purgeTenant(PurgeData::kAcme).share();
    }
    allAnswered.get_future().wait();
    const TenantPurgeReport report = purge.get();
    writer->stop();

    ASSERT_TRUE(report.ok) << report.error;
    for (const WriteOutcome& o : outcomes) {
        EXPECT_TRUE(o.committed) << o.error;
        EXPECT_EQ(o.stored, 2 * kSpansPerBatch); // spans and their logs
    }
    EXPECT_EQ(answeredDuringPurge, kBatches) << "ingest did not wait for the purge";
    EXPECT_GT(report.steps, kBatches);
    EXPECT_GE(report.steps, report.deletedRows.at("spans") / kStepRows);
    EXPECT_GT(report.deletedRows.at("spans"), 0);
    EXPECT_EQ(rowsOfTenant(acmeBefore), 0);
    // Spans that arrived during the purge are stored normally, acme's under a new id.
    const int64_t acmeAfter = tenantId(PurgeData::kAcme);
    EXPECT_NE(acmeAfter, acmeBefore);
    EXPECT_EQ(scalarOf(db(), "SELECT count(*) FROM spans WHERE tenant_id = " + std::to_string(acmeAfter)), freshAcme);
    EXPECT_EQ(scalarOf(db(),
                  "SELECT sum(spans) FROM rollup_latency WHERE grain = 1 AND tenant_id = " + std::to_string(acmeAfter)),
        freshAcme);
    EXPECT_EQ(scalarOf(db(), globexSpans), globexBefore + freshGlobex);
}

TEST_F(PurgeWithIngest, RetriesAndLateContentDoNotBringPurgedRowsBack)
{
    WriterOptions options;
    options.path = path();
    options.retention.intervalSeconds = 0;
    options.clockNs = [] { return (PurgeData::kFromMinute + 3 * 1440) * kNsPerMinute; }; // the data's date
    // Content logs name a prompt for spans stored with a fallback fingerprint.
    options.promptIdentifier = [](std::string_view, std::string_view user) {
        return PromptIdentity { user.empty() ? std::string() : "c000000000000001", "from content", std::string(user) };
    };
    TelemetryWriter writer(options);
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    PurgeData data(9, 1, 2);
    auto acme = data.freshBatch(PurgeData::kAcme, 6, 7);
    for (SpanRecord& span : acme->spans) {
        span.promptFingerprint = "b000000000000001";
        span.promptSource = PromptSource::Fallback;
    }
    ASSERT_TRUE(storeAndWait(writer, acme).committed);
    ASSERT_TRUE(storeAndWait(writer, data.freshBatch(PurgeData::kGlobex, 4, 8)).committed);
    const int64_t acmeId = tenantId(PurgeData::kAcme);
    ASSERT_GT(acmeId, 0);
    ASSERT_GT(rowsOfTenant(acmeId), 0);

    const TenantPurgeReport report = writer.purgeTenant(PurgeData::kAcme).get();
    ASSERT_TRUE(report.ok) << report.error;
    EXPECT_EQ(report.deletedRows.at("spans"), 6);
    EXPECT_EQ(rowsOfTenant(acmeId), 0);

    // Content for a purged span arrives late: the writer still remembered the
    // span for the prompt join, and must not move its rollup share back in.
    auto late = std::make_shared<IngestBatch>();
    LogRow content;
    content.traceId = acme->spans[0].traceId;
    content.spanId = acme->spans[0].spanId;
    content.timeNs = acme->spans[0].startNs;
    content.dims = { "(none)", "prod", "chat" };
    content.promptUser = "what is the weather";
    late->logs.push_back(content);
    ASSERT_TRUE(storeAndWait(writer, late).committed);
    // The exporter retries the purged spans: still recognised as stored.
    auto retry = std::make_shared<IngestBatch>(*acme);
    retry->logs.clear();
    const WriteOutcome retried = storeAndWait(writer, retry);
    EXPECT_TRUE(retried.committed);
    EXPECT_EQ(retried.duplicates, 6);
    EXPECT_EQ(rowsOfTenant(acmeId), 0);
    const std::string contentPrompt = "(SELECT id FROM dict WHERE value = 'c000000000000001')";
    EXPECT_EQ(scalarOf(db(), "SELECT count(*) FROM rollup_prompt_total WHERE prompt_fp_id = " + contentPrompt), 0);
    EXPECT_EQ(scalarOf(db(), "SELECT count(*) FROM spans"), 4);

    // New spans of the tenant are stored normally: a purge is not a ban.
    ASSERT_EQ(storeAndWait(writer, data.freshBatch(PurgeData::kAcme, 3, 9)).stored, 6);
    writer.stop();
    const int64_t acmeNow = tenantId(PurgeData::kAcme);
    EXPECT_NE(acmeNow, acmeId);
    EXPECT_EQ(scalarOf(db(), "SELECT count(*) FROM spans WHERE tenant_id = " + std::to_string(acmeNow)), 3);
    EXPECT_EQ(scalarOf(db(), "SELECT count(*) FROM tenants WHERE tenant_id = " + std::to_string(acmeNow)), 1);
}

TEST_F(PurgeWithIngest, UnknownTenantPurgesNothingAndBadRequestsSayWhy)
{
    auto writer = startWriter(path());
    ASSERT_TRUE(writer);
    PurgeData data(3, 1, 6);
    ASSERT_TRUE(storeAndWait(*writer, data.batches[0]).committed);
    const int64_t spans = scalarOf(db(), "SELECT count(*) FROM spans");

    const TenantPurgeReport nobody = writer->purgeTenant("nobody").get();
    EXPECT_TRUE(nobody.ok) << nobody.error;
    EXPECT_EQ(nobody.deletedRows.size(), 15u);
    for (const auto& [table, rows] : nobody.deletedRows)
        EXPECT_EQ(rows, 0) << table;
    EXPECT_EQ(scalarOf(db(), "SELECT count(*) FROM spans"), spans);

    const TenantPurgeReport unnamed = writer->purgeTenant("").get();
    EXPECT_FALSE(unnamed.ok);
    EXPECT_NE(unnamed.error.find("no tenant"), std::string::npos) << unnamed.error;

    writer->stop();
    const TenantPurgeReport stopped = writer->purgeTenant(PurgeData::kGlobex).get();
    EXPECT_FALSE(stopped.ok);
    EXPECT_NE(stopped.error.find("not running"), std::string::npos) << stopped.error;
    EXPECT_EQ(scalarOf(db(), "SELECT count(*) FROM spans"), spans);
}
