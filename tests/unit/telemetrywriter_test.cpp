#include "commitgate.h"
#include "otlpconvert.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"
#include "testcollector.h"
#include "testpayloads.h"
#include "tracelookup.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <future>
#include <gtest/gtest.h>
#include <mutex>

using namespace spanlight;

namespace {

struct WriterFixture : ::testing::Test
{
    QTemporaryDir dir;
    WriterOptions options()
    {
        WriterOptions o;
        o.path = dir.path() + QStringLiteral("/telemetry.db");
        return o;
    }
};

} // namespace

TEST_F(WriterFixture, StoresSpansLogsAndEveryMetricType)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    test::PayloadFactory factory;
    EXPECT_EQ(test::storeAndWait(writer, convertTraces(factory.traces(20), {}).batch).stored, 20);
    EXPECT_EQ(test::storeAndWait(writer, convertLogs(factory.logs(7), {}).batch).stored, 7);
    EXPECT_EQ(test::storeAndWait(writer, convertMetrics(factory.metricsOfEveryType(), {}).batch).stored, 5);
    writer.stop();

    test::DbProbe db(options().path);
    EXPECT_EQ(db.count("spans"), 20);
    EXPECT_EQ(db.count("logs"), 7);
    EXPECT_EQ(db.count("metric_points"), 5);
    EXPECT_EQ(db.scalar("SELECT COUNT(DISTINCT type) FROM metric_points"), 5);
    EXPECT_EQ(db.text("SELECT value FROM dict WHERE id = (SELECT service_id FROM spans LIMIT 1)"), "checkout");
    EXPECT_EQ(db.text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(db.scalar("PRAGMA auto_vacuum"), 2) << "INCREMENTAL from the first schema version";
    EXPECT_EQ(db.scalar("PRAGMA user_version"), 5);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spans'"), 0)
        << "no secondary index on the span table";
}

TEST_F(WriterFixture, RetriedBatchIsStoredOnceAlsoAfterRestart)
{
    test::PayloadFactory factory;
    const auto request = factory.traces(50);
    {
        TelemetryWriter writer(options());
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        EXPECT_EQ(test::storeAndWait(writer, convertTraces(request, {}).batch).stored, 50);
        const WriteOutcome retry = test::storeAndWait(writer, convertTraces(request, {}).batch);
        EXPECT_TRUE(retry.committed);
        EXPECT_EQ(retry.stored, 0);
        EXPECT_EQ(retry.duplicates, 50);
        EXPECT_EQ(writer.stats().duplicatesDropped, 50);
    }
    TelemetryWriter reopened(options());
    std::string error;
    ASSERT_TRUE(reopened.start(&error)) << error;
    EXPECT_EQ(test::storeAndWait(reopened, convertTraces(request, {}).batch).duplicates, 50)
        << "the dedup window is reloaded from the newest spans";
    reopened.stop();
    EXPECT_EQ(test::DbProbe(options().path).count("spans"), 50);
}

TEST_F(WriterFixture, TraceLookupFindsExactlyTheTracesSpansAcrossCommits)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    test::PayloadFactory factory;
    auto first = factory.traces(40, 8);
    // The same trace continues in a later commit, interleaved with other traces.
    auto second = factory.traces(40, 8);
    const std::string trace = first.resource_spans(0).scope_spans(0).spans(0).trace_id();
    const std::string root = first.resource_spans(0).scope_spans(0).spans(0).span_id();
    for (int i = 0; i < 3; ++i) {
        auto* late = second.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(i * 5);
        late->set_trace_id(trace);
        late->set_parent_span_id(root);
    }
    ASSERT_TRUE(test::storeAndWait(writer, convertTraces(first, {}).batch).committed);
    ASSERT_TRUE(test::storeAndWait(writer, convertTraces(second, {}).batch).committed);
    writer.stop();

    SqliteDialect dialect;
    SqliteConnection connection;
    ASSERT_TRUE(connection.open(options().path, SqliteConnection::Mode::ReadOnly, dialect, true, &error)) << error;
    TraceLookup lookup(connection.handle());
    ASSERT_TRUE(lookup.valid());
    TraceId id;
    std::memcpy(id.data(), trace.data(), 16);
    const auto spans = lookup.spansOf(id);
    ASSERT_EQ(spans.size(), 11u) << "8 from the first commit, 3 from the second";
    for (const auto& s : spans)
        EXPECT_EQ(s.traceId, id);
    EXPECT_EQ(spans.front().name, "invoke_agent");
    EXPECT_EQ(spans.front().service, "checkout");
    TraceId unknown {};
    unknown[0] = 0x42;
    EXPECT_TRUE(lookup.spansOf(unknown).empty());
}

TEST_F(WriterFixture, CompletionRunsOnlyAfterCommit)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    test::CommitGate gate(writer);
    std::atomic<bool> answered { false };
    std::promise<void> done;
    test::PayloadFactory factory;
    writer.submit(convertTraces(factory.traces(5), {}).batch, [&](const WriteOutcome& o) {
        EXPECT_TRUE(o.committed);
        answered = true;
        done.set_value();
    });
    gate.waitUntilHeld(); // the writer is inside the transaction, before COMMIT
    EXPECT_FALSE(answered.load()) << "no answer before the commit";
    EXPECT_EQ(test::DbProbe(options().path).count("spans"), 0) << "nothing visible before the commit";
    gate.release();
    done.get_future().wait();
    EXPECT_TRUE(answered.load());
    writer.stop();
    EXPECT_EQ(test::DbProbe(options().path).count("spans"), 5);
}

TEST_F(WriterFixture, FullQueueRefusesAndRecovers)
{
    WriterOptions o = options();
    o.maxQueuedItems = 16; // counts batches waiting and the one being written
    TelemetryWriter writer(o);
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    test::CommitGate gate(writer);
    test::PayloadFactory factory;
    std::atomic<int> answered { 0 };
    const auto count = [&](const WriteOutcome&) { ++answered; };
    ASSERT_EQ(writer.submit(convertTraces(factory.traces(8), {}).batch, count), TelemetryWriter::Admission::Accepted);
    gate.waitUntilHeld();
    // The first batch left the queue for the open transaction; fill the queue.
    ASSERT_EQ(writer.submit(convertTraces(factory.traces(8), {}).batch, count), TelemetryWriter::Admission::Accepted);
    EXPECT_EQ(writer.submit(convertTraces(factory.traces(8), {}).batch, count), TelemetryWriter::Admission::QueueFull);
    gate.release();
    writer.stop(); // drains: both accepted batches are answered
    EXPECT_EQ(answered.load(), 2);
    EXPECT_EQ(test::DbProbe(o.path).count("spans"), 16);
}

TEST_F(WriterFixture, NewerSchemaIsRefusedWithAClearMessage)
{
    {
        TelemetryWriter writer(options());
        std::string error;
        ASSERT_TRUE(writer.start(&error));
    }
    {
        SqliteDialect dialect;
        SqliteConnection c;
        std::string error;
        ASSERT_TRUE(c.open(options().path, SqliteConnection::Mode::ReadWrite, dialect, true, &error));
        c.exec("PRAGMA user_version=99");
    }
    TelemetryWriter writer(options());
    std::string error;
    EXPECT_FALSE(writer.start(&error));
    EXPECT_NE(error.find("newer than this Spanlight"), std::string::npos) << error;
}

TEST_F(WriterFixture, ABadBatchFailsAloneNotTheBatchesItSharesACommitWith)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    test::CommitGate gate(writer);
    test::PayloadFactory factory;
    std::promise<WriteOutcome> a, bad, c;
    writer.submit(convertTraces(factory.traces(4), {}).batch, [&](const WriteOutcome& o) { a.set_value(o); });
    gate.waitUntilHeld(); // the next two queue up and share one commit
    auto broken = std::make_shared<IngestBatch>();
    broken->signal = Signal::Metrics;
    broken->points.emplace_back(); // no metric name: violates NOT NULL
    writer.submit(broken, [&](const WriteOutcome& o) { bad.set_value(o); });
    writer.submit(convertTraces(factory.traces(6), {}).batch, [&](const WriteOutcome& o) { c.set_value(o); });
    gate.release();
    EXPECT_TRUE(a.get_future().get().committed);
    const WriteOutcome badOutcome = bad.get_future().get();
    EXPECT_FALSE(badOutcome.committed);
    EXPECT_NE(badOutcome.error.find("NOT NULL"), std::string::npos) << badOutcome.error;
    EXPECT_TRUE(c.get_future().get().committed) << "retried in a transaction of its own";
    writer.stop();
    EXPECT_EQ(test::DbProbe(options().path).count("spans"), 10);
}
