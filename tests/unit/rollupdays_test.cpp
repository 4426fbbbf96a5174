// Day rows are folded once, after their day has ended (docs/rollups.md
// "Folding"): until then the day is marked unfolded and questions read it
// from hour rows, a late span for an ended day folds the day again, and a
// database from schema 4 gains the marks.
#include "failingpromptsquery.h"
#include "rollupfixture.h"
#include "rollupfold.h"
#include "rollupranges.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "testcollector.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

const std::pair<int64_t, int64_t> kFourSpansOneError { 4, 1 };

/// Spans and errors of the one prompt in \a range, as a console asks.
std::pair<int64_t, int64_t> failingPromptCounts(const QString& path, const TimeRange& range)
{
    SqliteConnection reader;
    std::string error;
    EXPECT_TRUE(reader.open(path, SqliteConnection::Mode::ReadOnly, SqliteDialect(), false, &error)) << error;
    FailingPromptsQuery q;
    q.range = range;
    const FailingPromptsResult r = queryFailingPrompts(reader.handle(), q);
    EXPECT_TRUE(r.ok()) << r.error;
    if (r.byFailures.empty())
        return { 0, 0 };
    return { r.byFailures[0].spans, r.byFailures[0].errors };
}

std::shared_ptr<IngestBatch> batchOf(std::vector<SpanRecord> spans)
{
    auto batch = std::make_shared<IngestBatch>();
    batch->spans = std::move(spans);
    return batch;
}

} // namespace

TEST(RollupRanges, UnfoldedDaysAreReadFromHourRows)
{
    EXPECT_EQ(decomposeRange({ 0, 3 * 1440 }, {}, { 1440 }),
        (std::vector<RollupPiece> {
            { Grain::Day, 0, 1440 }, { Grain::Hour, 1440, 2880 }, { Grain::Day, 2880, 4320 } }));
    // An unfolded hour inside an unfolded day: minute rows for that hour only.
    EXPECT_EQ(decomposeRange({ 0, 2 * 1440 }, { 1440 + 60 }, { 1440 }),
        (std::vector<RollupPiece> { { Grain::Day, 0, 1440 }, { Grain::Hour, 1440, 1500 }, { Grain::Minute, 1500, 1560 },
            { Grain::Hour, 1560, 2880 } }));
    EXPECT_EQ(decomposeRange({ 0, 1440 }, {}, { 1440 }), (std::vector<RollupPiece> { { Grain::Day, 0, 1440 } }))
        << "a mark for another day changes nothing";
}

TEST_F(RollupFixture, ADayIsFoldedOnceItHasEndedAndAnswersAreExactMeanwhile)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    const int64_t day = slotOf(Grain::Day, minuteOf(kBase));
    std::vector<SpanRecord> spans;
    for (uint8_t n = 1; n <= 4; ++n)
        spans.push_back(span(n, kBase + (n - 1) * kMinute, n * 1'000'000)); // 09:58 .. 10:01
    spans.back().statusCode = 2;
    ASSERT_TRUE(storeAndWait(writer, batchOf(spans)).committed);

    ASSERT_EQ(fold(writer, kBase + 3 * 60 * kMinute), 2);
    test::DbProbe db(path());
    EXPECT_EQ(db.count("rollup_unfolded"), 0);
    EXPECT_EQ(db.scalar("SELECT day FROM rollup_unfolded_days"), day);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_latency WHERE grain = 3"), 0) << "the day has not ended";
    EXPECT_EQ(failingPromptCounts(path(), { day, day + 1440 }), kFourSpansOneError)
        << "the day is read from its hour rows";
    EXPECT_EQ(failingPromptCounts(path(), { day - 1440, day + 2 * 1440 }), kFourSpansOneError);

    EXPECT_EQ(fold(writer, afterTheDayOf(kBase) - kMinute), 0);
    EXPECT_EQ(db.count("rollup_unfolded_days"), 1) << "the day ended too recently";
    EXPECT_EQ(fold(writer, afterTheDayOf(kBase)), 0) << "the day alone, no hour";
    EXPECT_EQ(db.count("rollup_unfolded_days"), 0);
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 3"), 4);
    EXPECT_EQ(db.scalar("SELECT SUM(errors) FROM rollup_prompt_total WHERE grain = 3"), 1);
    EXPECT_EQ(db.scalar("SELECT SUM(cost_nano_usd) FROM rollup_spend WHERE grain = 3"), 1000 * (1 + 2 + 3 + 4));
    EXPECT_EQ(failingPromptCounts(path(), { day - 1440, day + 2 * 1440 }), kFourSpansOneError);
    writer.stop();
}

TEST_F(RollupFixture, ALateSpanForAnEndedDayFoldsItsHourAndThenTheDayAgain)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    const int64_t day = slotOf(Grain::Day, minuteOf(kBase));
    ASSERT_TRUE(storeAndWait(writer, batchOf({ span(1, kBase, 1'000'000), span(2, kBase + 3 * kMinute, 1'000'000) }))
                    .committed);
    ASSERT_EQ(fold(writer, afterTheDayOf(kBase)), 2);
    test::DbProbe db(path());
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 3"), 2);

    // Replayed a day later for 09:30: the hour's rows and then the day's.
    SpanRecord late = span(3, kBase - 28 * kMinute, 1'000'000);
    late.statusCode = 2; // failing prompts lists prompts that failed
    ASSERT_TRUE(storeAndWait(writer, batchOf({ late })).committed);
    EXPECT_EQ(db.scalar("SELECT hour FROM rollup_unfolded"), hourOf(kBase - 28 * kMinute));
    EXPECT_EQ(failingPromptCounts(path(), { day, day + 1440 }).first, 3) << "the day is read around the late hour";
    ASSERT_EQ(fold(writer, afterTheDayOf(kBase) + 60 * kMinute), 1);
    EXPECT_EQ(db.count("rollup_unfolded"), 0);
    EXPECT_EQ(db.count("rollup_unfolded_days"), 0) << "the day ended: folded at once, not marked";
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 3"), 3);
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_prompt WHERE grain = 3"), 3);
    writer.stop();
}

TEST_F(RollupFixture, ADatabaseFromSchemaFourGainsTheDayMarksAndKeepsItsRows)
{
    {
        TelemetryWriter writer(options());
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        ASSERT_TRUE(storeAndWait(writer, batchOf({ span(1, kBase, 1'000'000) })).committed);
        ASSERT_EQ(fold(writer, afterTheDayOf(kBase)), 1);
        writer.stop();
    }
    {
        // As schema 4 left it.
        SqliteConnection c;
        std::string error;
        ASSERT_TRUE(c.open(path(), SqliteConnection::Mode::ReadWrite, SqliteDialect(), false, &error)) << error;
        ASSERT_EQ(c.exec("DROP TABLE rollup_unfolded_days", &error), SQLITE_OK) << error;
        ASSERT_EQ(c.exec("PRAGMA user_version=4", &error), SQLITE_OK) << error;
    }
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    SpanRecord failed = span(2, kBase + kMinute, 1'000'000);
    failed.statusCode = 2;
    ASSERT_TRUE(storeAndWait(writer, batchOf({ failed })).committed);
    ASSERT_EQ(fold(writer, kBase + 3 * 60 * kMinute), 1);
    writer.stop();
    test::DbProbe db(path());
    EXPECT_EQ(db.scalar("PRAGMA user_version"), 5);
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 2"), 2);
    EXPECT_EQ(db.scalar("SELECT day FROM rollup_unfolded_days"), slotOf(Grain::Day, minuteOf(kBase)))
        << "the day rows lag behind the new span's hour again";
    EXPECT_EQ(failingPromptCounts(path(), { slotOf(Grain::Day, minuteOf(kBase)), minuteOf(kBase) + 1440 }).first, 2);
}

TEST_F(RollupFixture, AnswersAreExactBetweenEveryStepOfAnHourAndItsDayFold)
{
    {
        TelemetryWriter writer(options());
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        std::vector<SpanRecord> spans;
        for (uint8_t n = 1; n <= 4; ++n)
            spans.push_back(span(n, kBase + (n - 1) * kMinute, n * 1'000'000)); // 09:58 .. 10:01
        spans.back().statusCode = 2;
        ASSERT_TRUE(storeAndWait(writer, batchOf(spans)).committed);
        writer.stop();
    }
    const int64_t day = slotOf(Grain::Day, minuteOf(kBase));
    SqliteConnection c;
    std::string error;
    ASSERT_TRUE(c.open(path(), SqliteConnection::Mode::ReadWrite, SqliteDialect(), false, &error)) << error;
    RollupFold fold(c.handle(), SqliteDialect());
    ASSERT_TRUE(fold.valid());
    // Each step commits on its own, as the writer's do: a question asked
    // between any two of them counts every span. The two hours at noon (the
    // day gets its mark), then the day alone after midnight.
    int64_t folded = 0;
    int steps = 0;
    for (const int64_t nowNs : { kBase + 3 * 60 * kMinute, afterTheDayOf(kBase) }) {
        for (bool more = true; more; ++steps) {
            ASSERT_EQ(c.exec("BEGIN IMMEDIATE"), SQLITE_OK);
            ASSERT_EQ(fold.step(minuteOf(nowNs), &more, &folded), SQLITE_OK) << fold.lastError();
            ASSERT_EQ(c.exec("COMMIT"), SQLITE_OK);
            ASSERT_EQ(failingPromptCounts(path(), { day, day + 1440 }), kFourSpansOneError) << "after step " << steps;
            ASSERT_EQ(failingPromptCounts(path(), { day - 1440, day + 2 * 1440 }), kFourSpansOneError);
        }
    }
    EXPECT_EQ(folded, 2);
    EXPECT_GE(steps, 18) << "six tables for each hour and for the day";
    test::DbProbe db(path());
    EXPECT_EQ(db.count("rollup_unfolded") + db.count("rollup_unfolded_days"), 0);
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 3"), 4);
}
