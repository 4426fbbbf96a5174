// Which rollup grains a span updates, by the age of its hour (docs/rollups.md
// "Folding"): minute rows only and a fold later for recent hours, every grain
// at once near retention's minute-row cutoff, and no minute rows past it --
// except for hours still waiting for their fold, or with retention off.
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

/// Rows of \a grain in rollup_latency from the start of that grain's period
/// holding \a ns up to the end of its hour.
int64_t rowsUpToTheHourOf(test::DbProbe& db, int64_t ns, Grain grain)
{
    const int64_t hour = hourOf(ns);
    return db.scalar("SELECT COUNT(*) FROM rollup_latency WHERE grain = " + std::to_string(static_cast<int>(grain))
        + " AND slot >= " + std::to_string(slotOf(grain, hour)) + " AND slot < " + std::to_string(hour + 60));
}

void storeSpans(TelemetryWriter& writer, std::vector<SpanRecord> spans)
{
    auto batch = std::make_shared<IngestBatch>();
    batch->spans = std::move(spans);
    ASSERT_TRUE(storeAndWait(writer, batch).committed);
}

} // namespace

TEST_F(RollupFixture, OldHoursSkipFoldingAndHoursPastTheMinuteCutoffGetNoMinuteRows)
{
    WriterOptions o = options();
    o.retention.minuteRollupDays = 2;
    o.retention.intervalSeconds = 24 * 3600; // retention runs, but no round starts during the test
    // The writer's clock, a month after the data's base date: the bounds follow
    // it, not the day the test runs.
    const int64_t now = kBase + 30 * 1440 * kMinute;
    o.clockNs = [now] { return now; };
    const int64_t cutoff = hourOf(now - 2 * 1440 * kMinute); // retention's minute-row cutoff (a minute)
    const int64_t minuteOnlyFrom = cutoff + 60 + kFoldMarginMinutes;
    const int64_t pastCutoff = now - 3 * 1440 * kMinute;
    const int64_t lastBefore = (cutoff - 1) * kMinute, first = cutoff * kMinute;
    const int64_t lastDirect = (minuteOnlyFrom - 1) * kMinute, firstFolded = minuteOnlyFrom * kMinute;
    const int64_t recent = now - 60 * kMinute;
    {
        TelemetryWriter writer(o);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        storeSpans(writer,
            { span(1, pastCutoff, 1'000'000), span(2, lastBefore, 1'000'000), span(3, first, 1'000'000),
                span(4, lastDirect, 1'000'000), span(5, firstFolded, 1'000'000), span(6, recent, 1'000'000) });
        test::DbProbe db(path());
        ASSERT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_unfolded WHERE hour IN (" + std::to_string(minuteOnlyFrom)
                      + ", " + std::to_string(hourOf(recent)) + ")"),
            2);
        ASSERT_EQ(db.count("rollup_unfolded"), 2);
        EXPECT_EQ(fold(writer, now), 2); // as retention rounds would before they prune
        writer.stop();
    }
    test::DbProbe db(path());
    EXPECT_EQ(rowsUpToTheHourOf(db, pastCutoff, Grain::Minute), 0) << "three days ago, past two days of minute rows";
    EXPECT_EQ(rowsUpToTheHourOf(db, pastCutoff, Grain::Hour), 1);
    EXPECT_EQ(rowsUpToTheHourOf(db, pastCutoff, Grain::Day), 1);
    EXPECT_EQ(rowsUpToTheHourOf(db, lastBefore, Grain::Minute), 0) << "the last minute before the cutoff";
    EXPECT_EQ(rowsUpToTheHourOf(db, lastBefore, Grain::Hour), 1);
    for (const int64_t direct : { first, lastDirect }) {
        EXPECT_EQ(rowsUpToTheHourOf(db, direct, Grain::Minute), 1) << "from the cutoff on: every grain at once";
        EXPECT_EQ(rowsUpToTheHourOf(db, direct, Grain::Hour), 1);
    }
    for (const int64_t folded : { firstFolded, recent }) {
        EXPECT_EQ(rowsUpToTheHourOf(db, folded, Grain::Minute), 1) << "later hours waited for their fold";
        EXPECT_EQ(rowsUpToTheHourOf(db, folded, Grain::Hour), 1);
    }
    EXPECT_EQ(db.scalar("SELECT MIN(slot) FROM rollup_latency WHERE grain = 1"), cutoff)
        << "no stray minute row pulls the minute rows' horizon back past what retention keeps";
    EXPECT_EQ(db.scalar("SELECT minute FROM rollup_marks WHERE name = 'minute_rows_pruned_before'"), cutoff)
        << "the cutoff the writer withholds minute rows by is recorded";

    // Retention once removed minute rows up to a point later than today's
    // cutoff (a longer minute_rollup_days since): hours before it get no minute
    // rows either, hours after it every grain.
    const int64_t prunedBefore = hourOf(recent) - 5 * 60;
    {
        SqliteConnection c;
        std::string error;
        ASSERT_TRUE(c.open(path(), SqliteConnection::Mode::ReadWrite, SqliteDialect(), false, &error)) << error;
        ASSERT_EQ(c.exec("INSERT OR REPLACE INTO rollup_marks VALUES ('minute_rows_pruned_before', "
                          + std::to_string(prunedBefore) + ")",
                      &error),
            SQLITE_OK)
            << error;
    }
    o.retention.minuteRollupDays = 100 * 366;
    TelemetryWriter writer(o);
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    const int64_t beforePruned = (prunedBefore - 60) * kMinute, afterPruned = (prunedBefore + 60) * kMinute;
    storeSpans(writer, { span(7, beforePruned, 1'000'000), span(8, afterPruned, 1'000'000) });
    writer.stop();
    EXPECT_EQ(rowsUpToTheHourOf(db, beforePruned, Grain::Minute), 0);
    EXPECT_EQ(rowsUpToTheHourOf(db, beforePruned, Grain::Hour), 1);
    EXPECT_EQ(rowsUpToTheHourOf(db, afterPruned, Grain::Minute), 1);
    EXPECT_EQ(rowsUpToTheHourOf(db, afterPruned, Grain::Hour), 1);
    EXPECT_EQ(db.count("rollup_unfolded"), 0) << "neither waits for a fold";
}

TEST_F(RollupFixture, AnUnfoldedHourPastTheCutoffStillCountsItsLateSpans)
{
    // An hour is stored and left unfolded (the app closed, say); it starts
    // again three weeks later, and an exporter replays a span of that hour.
    WriterOptions o = options();
    o.retention.minuteRollupDays = 14;
    o.retention.intervalSeconds = 24 * 3600;
    o.clockNs = [] { return kBase; };
    {
        TelemetryWriter writer(o);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        storeSpans(writer, { span(1, kBase - 30 * kMinute, 1'000'000) });
        writer.stop();
    }
    const int64_t later = kBase + 21 * 1440 * kMinute;
    o.clockNs = [later] { return later; };
    TelemetryWriter writer(o);
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    storeSpans(writer, { span(2, kBase - 20 * kMinute, 1'000'000) });
    EXPECT_EQ(fold(writer, later), 1);
    writer.stop();
    test::DbProbe db(path());
    const std::string hour = std::to_string(hourOf(kBase - 30 * kMinute));
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 1 AND slot / 60 * 60 = " + hour), 2)
        << "retention keeps an unfolded hour's minute rows, so its late span goes there too";
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 2 AND slot = " + hour), 2)
        << "and the fold counts it";
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 3"), 2);
}

TEST_F(RollupFixture, WithRetentionOffOldHoursKeepTheirMinuteRows)
{
    WriterOptions o = options();
    o.retention.minuteRollupDays = 2;
    o.retention.intervalSeconds = 0; // nothing removes minute rows
    o.clockNs = [] { return kBase; };
    const int64_t old = kBase - 5 * 1440 * kMinute;
    {
        TelemetryWriter writer(o);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        storeSpans(writer, { span(1, old, 1'000'000) });
        writer.stop();
    }
    test::DbProbe db(path());
    EXPECT_EQ(rowsUpToTheHourOf(db, old, Grain::Minute), 1);
    EXPECT_EQ(rowsUpToTheHourOf(db, old, Grain::Hour), 1) << "every grain at once: no fold needed";
    EXPECT_EQ(db.count("rollup_unfolded"), 0);
}

TEST_F(RollupFixture, HoursWithheldFromMinuteRowsStaySoWhenTheCutoffMovesBack)
{
    // Spans two days old with one day of minute rows: hour and day rows only.
    WriterOptions o = options();
    o.retention.minuteRollupDays = 1;
    o.retention.intervalSeconds = 24 * 3600;
    o.clockNs = [] { return kBase; };
    const int64_t old = (hourOf(kBase - 2 * 1440 * kMinute) + 10) * kMinute; // three spans, one hour
    const auto storeOne = [this, &o](uint8_t n, int64_t startNs) {
        TelemetryWriter writer(o);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        storeSpans(writer, { span(n, startNs, 1'000'000) });
    };
    storeOne(1, old);
    // Later: a week of minute rows, then retention off. Either way the hour
    // stays without minute rows, or its minute rows would hold one span of two.
    o.retention.minuteRollupDays = 7;
    storeOne(2, old + kMinute);
    o.retention.intervalSeconds = 0;
    storeOne(3, old + 2 * kMinute);
    test::DbProbe db(path());
    EXPECT_EQ(rowsUpToTheHourOf(db, old, Grain::Minute), 0);
    EXPECT_EQ(
        db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 2 AND slot = " + std::to_string(hourOf(old))),
        3);
}

TEST_F(RollupFixture, QueriesTrustNoMinuteRowsBeforeTheRecordedCutoff)
{
    // Retention off and nothing recorded: an old span gets a minute row.
    WriterOptions o = options();
    o.retention.intervalSeconds = 0;
    o.clockNs = [] { return kBase; };
    const int64_t old = kBase - 3 * 1440 * kMinute;
    {
        TelemetryWriter writer(o);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        storeSpans(writer, { span(1, old, 1'000'000), span(2, kBase - 60 * kMinute, 1'000'000) });
        EXPECT_EQ(fold(writer, kBase), 2);
    }
    SqliteConnection c;
    std::string error;
    ASSERT_TRUE(c.open(path(), SqliteConnection::Mode::ReadWrite, SqliteDialect(), false, &error)) << error;
    QueryStatus status;
    EXPECT_EQ(readRollupHorizon(c.handle(), "rollup_latency", status).minuteFrom, std::nullopt)
        << "every minute row there is, from the oldest hour on";
    // A cutoff recorded after that hour: its minute row no longer counts as coverage.
    const int64_t recorded = hourOf(old) + 24 * 60;
    ASSERT_EQ(c.exec("INSERT INTO rollup_marks VALUES ('minute_rows_pruned_before', " + std::to_string(recorded) + ")",
                  &error),
        SQLITE_OK)
        << error;
    const RollupHorizon horizon = readRollupHorizon(c.handle(), "rollup_latency", status);
    ASSERT_TRUE(status.ok()) << status.error;
    EXPECT_EQ(horizon.minuteFrom, recorded);
}
