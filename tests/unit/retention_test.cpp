#include "telemetrywriter.h"
#include "testcollector.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace spanlight;

namespace {

constexpr int64_t kHour = 3'600'000'000'000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kNow = 1795427880LL * 1'000'000'000;

struct RetentionFixture : ::testing::Test
{
    QTemporaryDir dir;
    WriterOptions options()
    {
        WriterOptions o;
        o.path = dir.path() + QStringLiteral("/telemetry.db");
        o.retention.intervalSeconds = 0; // rounds only when the test asks
        o.clockNs = [] { return kNow; }; // the data's date, whatever day the test runs
        return o;
    }

    /// \a count spans starting at \a startNs, each its own trace, ids from \a first.
    static std::shared_ptr<IngestBatch> spans(int first, int count, int64_t startNs)
    {
        auto batch = std::make_shared<IngestBatch>();
        for (int i = first; i < first + count; ++i) {
            SpanRecord s;
            s.traceId.fill(1);
            std::memcpy(s.traceId.data(), &i, sizeof i);
            s.spanId.fill(2);
            std::memcpy(s.spanId.data(), &i, sizeof i);
            s.dims = { "acme", "prod", "api" };
            s.name = "GET /";
            s.startNs = startNs + i;
            s.durationNs = 1'000'000;
            batch->spans.push_back(s);
            LogRow log;
            log.traceId = s.traceId;
            log.spanId = s.spanId;
            log.timeNs = s.startNs;
            log.dims = s.dims;
            batch->logs.push_back(log);
        }
        return batch;
    }
};

} // namespace

TEST_F(RetentionFixture, AgeLimitNeverDeletesUnexpiredSpans)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    ASSERT_TRUE(test::storeAndWait(writer, spans(0, 3000, kNow - 8 * kDay)).committed); // expired
    ASSERT_TRUE(test::storeAndWait(writer, spans(3000, 2000, kNow - 1 * kDay)).committed); // kept
    ASSERT_TRUE(test::storeAndWait(writer, spans(5000, 10, kNow - 9 * kDay))
                    .committed); // expired, but arrived after kept spans
    ASSERT_TRUE(test::storeAndWait(writer, spans(5010, 500, kNow - 2 * kHour)).committed); // kept
    const RetentionReport report = test::retainAndWait(writer, kNow);
    EXPECT_EQ(test::foldAndWait(writer, kNow + kDay).error, ""); // today's day rows, once today has ended
    writer.stop();

    EXPECT_TRUE(report.error.empty()) << report.error;
    EXPECT_EQ(report.spansDeleted, 3000);
    EXPECT_FALSE(report.bySize);
    test::DbProbe db(options().path);
    const std::string cutoff = std::to_string(kNow - 7 * kDay);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM spans WHERE start_ns >= " + cutoff), 2500);
    // The late old spans sit above unexpired rowids: kept until those expire.
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM spans WHERE start_ns < " + cutoff), 10);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM logs WHERE time_ns >= " + cutoff), 2500);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM logs WHERE time_ns < " + cutoff), 0); // logs go by their own time
    EXPECT_EQ(
        db.scalar("SELECT MIN(minute) * 60000000000 >= " + cutoff + " - 9 * 86400000000000 FROM span_minutes"), 1);
    // trace_index rows leave with their whole rowid bucket.
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM trace_index WHERE bucket < (SELECT MIN(id) FROM spans) >> 20"), 0);
    // Rollups keep what the raw rows lost.
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency_total WHERE grain = 3"), 5510);
    EXPECT_EQ(db.integrityCheck(), "ok");
}

TEST_F(RetentionFixture, RollupsExpireByGrain)
{
    {
        // Twenty days ago these spans arrived on time, so they have minute rows.
        WriterOptions early = options();
        early.clockNs = [] { return kNow - 20 * kDay + kHour; };
        TelemetryWriter writer(early);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        ASSERT_TRUE(test::storeAndWait(writer, spans(0, 10, kNow - 20 * kDay)).committed);
    }
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    ASSERT_TRUE(test::storeAndWait(writer, spans(10, 10, kNow - 401 * kDay)).committed); // every grain expires
    ASSERT_TRUE(test::storeAndWait(writer, spans(20, 10, kNow - kHour)).committed); // everything stays
    // Rounds are off here (the test asks for one), so until one has run every span has its minute row.
    EXPECT_EQ(test::DbProbe(options().path).scalar("SELECT SUM(spans) FROM rollup_latency_total WHERE grain = 1"), 30);
    EXPECT_EQ(test::retainAndWait(writer, kNow).error, ""); // the twenty-day-old minute rows expire, hour/day rows stay
    EXPECT_EQ(test::foldAndWait(writer, kNow + kDay).error, ""); // today's day rows, once today has ended
    writer.stop();

    test::DbProbe db(options().path);
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency_total WHERE grain = 1"), 10);
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency_total WHERE grain = 2"), 20);
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency_total WHERE grain = 3"), 20);
}

TEST_F(RetentionFixture, SizeLimitRemovesOldestRawRowsFirst)
{
    WriterOptions o = options();
    int64_t fullBytes = 0;
    {
        TelemetryWriter writer(o);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        ASSERT_TRUE(test::storeAndWait(writer, spans(0, 4000, kNow - kHour)).committed);
        ASSERT_TRUE(test::storeAndWait(writer, spans(4000, 4000, kNow - kHour / 2)).committed);
        writer.stop();
        test::DbProbe db(o.path);
        fullBytes = db.scalar("PRAGMA page_count") * db.scalar("PRAGMA page_size");
    }
    // Nothing is old enough to expire by age: only the size limit makes rows go.
    o.retention.rawMaxBytes = fullBytes * 6 / 10;
    o.retention.stepRows = 500;
    TelemetryWriter writer(o);
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    const RetentionReport report = test::retainAndWait(writer, kNow);
    writer.stop();

    EXPECT_TRUE(report.bySize);
    EXPECT_GT(report.spansDeleted, 0);
    EXPECT_LT(report.spansDeleted, 8000);
    test::DbProbe db(o.path);
    // What is left is the newest rows, contiguous up to the last one.
    EXPECT_EQ(db.scalar("SELECT MAX(id) - MIN(id) + 1 = COUNT(*) FROM spans"), 1);
    EXPECT_EQ(db.scalar("SELECT MAX(id) FROM spans"), 8000);
    EXPECT_LE((db.scalar("PRAGMA page_count") - db.scalar("PRAGMA freelist_count")) * db.scalar("PRAGMA page_size"),
        o.retention.rawMaxBytes);
}
