// Folding minute rollup rows into hour and day rows (docs/rollups.md
// "Folding"): the plan reads unfolded hours from minute rows, a fold after
// late spans is exact, and retention never takes the minute rows a fold still
// needs. Which hours bypass the fold: rollupgrains_test.cpp.
#include "failingpromptsquery.h"
#include "retention.h"
#include "rollupfixture.h"
#include "rollupfold.h"
#include "rollupranges.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "testcollector.h"

#include <chrono>
#include <gtest/gtest.h>
#include <random>
#include <sqlite3.h>
#include <thread>

using namespace spanlight;
using namespace spanlight::test;

namespace {

int64_t systemNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Every rollup table's rows of grain \a grain in [from, to) summed, as "table:spans" lines.
std::string sums(test::DbProbe& db, int grain, int64_t fromSlot, int64_t toSlot)
{
    std::string out;
    const std::string where = " WHERE grain = " + std::to_string(grain) + " AND slot >= " + std::to_string(fromSlot)
        + " AND slot < " + std::to_string(toSlot);
    for (const char* table : { "rollup_latency", "rollup_latency_total", "rollup_prompt", "rollup_prompt_error" })
        out += std::string(table) + ":"
            + std::to_string(db.scalar(std::string("SELECT COALESCE(SUM(spans), 0) FROM ") + table + where)) + " ";
    out += "spend:" + std::to_string(db.scalar("SELECT COALESCE(SUM(requests), 0) FROM rollup_spend" + where)) + "/"
        + std::to_string(db.scalar("SELECT COALESCE(SUM(cost_nano_usd), 0) FROM rollup_spend" + where)) + " ";
    out += "duration:"
        + std::to_string(db.scalar("SELECT COALESCE(SUM(duration_sum_ns), 0) FROM rollup_latency" + where));
    return out;
}

} // namespace

TEST(RollupRanges, UnfoldedHoursAreReadFromMinuteRowsUnfoldedDaysFromHourRowsAndTheRestFromTheCoarsest)
{
    std::mt19937_64 rng(11);
    for (int trial = 0; trial < 2000; ++trial) {
        std::vector<int64_t> unfolded;
        const int marks = std::uniform_int_distribution<int>(0, 6)(rng);
        for (int i = 0; i < marks; ++i)
            unfolded.push_back(std::uniform_int_distribution<int64_t>(-100, 2000)(rng) * 60);
        std::sort(unfolded.begin(), unfolded.end());
        unfolded.erase(std::unique(unfolded.begin(), unfolded.end()), unfolded.end());
        const auto isUnfolded
            = [&](int64_t hour) { return std::binary_search(unfolded.begin(), unfolded.end(), hour); };
        std::vector<int64_t> unfoldedDays;
        for (int i = std::uniform_int_distribution<int>(0, 3)(rng); i > 0; --i)
            unfoldedDays.push_back(std::uniform_int_distribution<int64_t>(-4, 80)(rng) * 1440);
        std::sort(unfoldedDays.begin(), unfoldedDays.end());
        unfoldedDays.erase(std::unique(unfoldedDays.begin(), unfoldedDays.end()), unfoldedDays.end());
        const auto isUnfoldedDay
            = [&](int64_t day) { return std::binary_search(unfoldedDays.begin(), unfoldedDays.end(), day); };

        const int64_t from = std::uniform_int_distribution<int64_t>(-5000, 100000)(rng);
        const TimeRange r { from, from + std::uniform_int_distribution<int64_t>(0, 9000)(rng) };
        const auto pieces = decomposeRange(r, unfolded, unfoldedDays);
        int64_t next = r.fromMinute;
        for (size_t i = 0; i < pieces.size(); ++i) {
            const RollupPiece& p = pieces[i];
            ASSERT_EQ(p.fromSlot, next) << "contiguous, in order";
            ASSERT_LT(p.fromSlot, p.toSlot);
            ASSERT_EQ(slotOf(p.grain, p.fromSlot), p.fromSlot);
            ASSERT_EQ(slotOf(p.grain, p.toSlot), p.toSlot);
            if (i > 0) {
                ASSERT_NE(pieces[i - 1].grain, p.grain) << "neighbours of one grain are one read";
            }
            for (int64_t h = slotOf(Grain::Hour, p.fromSlot); h < p.toSlot; h += 60) {
                if (p.grain != Grain::Minute) {
                    ASSERT_FALSE(isUnfolded(h)) << "an unfolded hour's hour and day rows are incomplete";
                } else if (h >= p.fromSlot && h + 60 <= p.toSlot) {
                    ASSERT_TRUE(isUnfolded(h)) << "a whole folded hour is read from minute rows";
                }
            }
            for (int64_t d = p.fromSlot; p.grain == Grain::Day && d < p.toSlot; d += 1440)
                ASSERT_FALSE(isUnfoldedDay(d)) << "an unfolded day's day rows are incomplete";
            if (p.grain == Grain::Hour) {
                // Whole days inside hour rows must hold an unfolded hour or be unfolded.
                for (int64_t d = -floorDiv(-p.fromSlot, 1440) * 1440; d + 1440 <= p.toSlot; d += 1440) {
                    const auto it = std::lower_bound(unfolded.begin(), unfolded.end(), d);
                    ASSERT_TRUE((it != unfolded.end() && *it < d + 1440) || isUnfoldedDay(d))
                        << "a whole folded day read from hour rows";
                }
            }
            next = p.toSlot;
        }
        ASSERT_EQ(next, r.empty() ? r.fromMinute : r.toMinute);
    }
    EXPECT_EQ(decomposeRange({ 0, 2 * 1440 }, { 1440 + 120 }),
        (std::vector<RollupPiece> { { Grain::Day, 0, 1440 }, { Grain::Hour, 1440, 1560 }, { Grain::Minute, 1560, 1620 },
            { Grain::Hour, 1620, 2880 } }));
}

TEST_F(RollupFixture, LateSpansUnfoldAFoldedHourAndFoldingAgainIsExact)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    const int64_t hour = hourOf(kBase), day = slotOf(Grain::Day, hour);
    auto first = std::make_shared<IngestBatch>();
    for (uint8_t n = 1; n <= 4; ++n)
        first->spans.push_back(span(n, kBase + (n - 1) * kMinute, n * 1'000'000)); // 09:58 .. 10:01
    ASSERT_TRUE(storeAndWait(writer, first).committed);
    ASSERT_EQ(fold(writer, kBase + 3 * 60 * kMinute), 2);

    test::DbProbe db(path());
    const std::string folded = sums(db, 2, hour, hour + 60);
    EXPECT_EQ(folded, sums(db, 1, hour, hour + 60));
    EXPECT_EQ(db.scalar("SELECT day FROM rollup_unfolded_days"), day) << "the day has not ended";

    // A span of 09:30 arrives after its hour was folded: minute rows only,
    // and the hour is marked again, so nothing reads its stale hour row.
    auto late = std::make_shared<IngestBatch>();
    late->spans.push_back(span(9, kBase - 28 * kMinute, 7'000'000));
    late->spans.back().statusCode = 2;
    late->spans.back().errorType = "rate_limited";
    ASSERT_TRUE(storeAndWait(writer, late).committed);
    EXPECT_EQ(db.scalar("SELECT hour FROM rollup_unfolded"), hour);
    EXPECT_EQ(sums(db, 2, hour, hour + 60), folded) << "the hour row waits for the fold";
    {
        // What a console asks meanwhile: the day's answer already counts the late span.
        SqliteConnection reader;
        ASSERT_TRUE(reader.open(path(), SqliteConnection::Mode::ReadOnly, SqliteDialect(), false, &error)) << error;
        FailingPromptsQuery q;
        q.range = { day, day + 1440 };
        const FailingPromptsResult r = queryFailingPrompts(reader.handle(), q);
        ASSERT_TRUE(r.ok()) << r.error;
        ASSERT_EQ(r.byFailures.size(), 1u);
        EXPECT_EQ(r.byFailures[0].spans, 5);
        EXPECT_EQ(r.byFailures[0].errors, 1);
        ASSERT_EQ(r.byFailures[0].topErrors.size(), 1u);
        EXPECT_EQ(r.byFailures[0].topErrors[0].errorType, "rate_limited");
    }

    ASSERT_EQ(fold(writer, afterTheDayOf(kBase)), 1);
    EXPECT_EQ(db.count("rollup_unfolded"), 0);
    EXPECT_EQ(db.count("rollup_unfolded_days"), 0);
    EXPECT_EQ(sums(db, 2, hour, hour + 60), sums(db, 1, hour, hour + 60));
    EXPECT_EQ(sums(db, 3, day, day + 1440), sums(db, 1, day, day + 1440));
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 3"), 5);
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_prompt_error WHERE grain = 3"), 1);
    EXPECT_EQ(
        db.scalar("SELECT SUM(errors) FROM rollup_prompt_total WHERE grain = 2 AND slot = " + std::to_string(hour)), 1);
    writer.stop();
}

TEST_F(RollupFixture, RetentionKeepsTheMinuteRowsOfUnfoldedHoursAndRecordsItsCutoff)
{
    {
        TelemetryWriter writer(options());
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        auto batch = std::make_shared<IngestBatch>();
        batch->spans = { span(1, kBase - 3 * 60 * kMinute, 1'000'000), span(2, kBase - 2 * 60 * kMinute, 1'000'000) };
        ASSERT_TRUE(storeAndWait(writer, batch).committed);
        writer.stop();
    }
    const int64_t unfolded = hourOf(kBase - 2 * 60 * kMinute);
    SqliteConnection c;
    std::string error;
    ASSERT_TRUE(c.open(path(), SqliteConnection::Mode::ReadWrite, SqliteDialect(), false, &error)) << error;
    // As if folding had failed for the later hour only.
    ASSERT_EQ(c.exec("DELETE FROM rollup_unfolded WHERE hour <> " + std::to_string(unfolded), &error), SQLITE_OK);

    RetentionOptions options;
    options.minuteRollupDays = 1;
    Retention retention(options);
    retention.beginRound(kBase + 2 * 1440 * kMinute);
    RetentionReport report;
    while (retention.step(c.handle(), &report)) { }
    test::DbProbe db(path());
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_latency WHERE grain = 1"), 1)
        << "the minute row of the unfolded hour stays";
    EXPECT_EQ(db.scalar("SELECT slot FROM rollup_latency WHERE grain = 1") / 60 * 60, unfolded);
    EXPECT_EQ(db.scalar("SELECT minute FROM rollup_marks WHERE name = 'minute_rows_pruned_before'"), unfolded);
}

TEST_F(RollupFixture, AFoldThatFailsChangesNothingAndSaysWhy)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    auto batch = std::make_shared<IngestBatch>();
    // Durations that overflow a 64-bit sum: the fold saturates like the writer.
    batch->spans = { span(1, kBase, INT64_MAX / 2), span(2, kBase + kMinute, INT64_MAX / 2),
        span(3, kBase + kMinute, INT64_MAX / 2) };
    ASSERT_TRUE(storeAndWait(writer, batch).committed);
    ASSERT_EQ(fold(writer, kBase + 3 * 60 * kMinute), 1);
    test::DbProbe db(path());
    EXPECT_EQ(db.scalar("SELECT duration_sum_ns FROM rollup_latency_total WHERE grain = 2"), INT64_MAX);

    // The hour is marked again and one of its minute rows is corrupt.
    ASSERT_EQ(
        queryOnWriter(writer, "INSERT INTO rollup_unfolded VALUES (" + std::to_string(hourOf(kBase)) + ", 0)"), -1);
    ASSERT_EQ(queryOnWriter(writer, "UPDATE rollup_latency SET hist = x'ffff' WHERE grain = 1"), -1);
    const std::string why = foldAndWait(writer, kBase + 3 * 60 * kMinute).error;
    EXPECT_NE(why.find("malformed latency histogram"), std::string::npos) << why;
    EXPECT_EQ(db.scalar("SELECT hour FROM rollup_unfolded"), hourOf(kBase)) << "still waiting for a fold";
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 2"), 3) << "the hour rows as they were";
    writer.stop();
}

TEST_F(RollupFixture, AnHourChangedBetweenTwoFoldStepsKeepsItsMarkUntilFoldedAgain)
{
    {
        TelemetryWriter writer(options());
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        auto batch = std::make_shared<IngestBatch>();
        batch->spans = { span(1, kBase - 28 * kMinute, 1'000'000), span(2, kBase - 20 * kMinute, 2'000'000) };
        ASSERT_TRUE(storeAndWait(writer, batch).committed);
        writer.stop();
    }
    const int64_t hour = hourOf(kBase - 28 * kMinute);
    SqliteConnection c;
    std::string error;
    ASSERT_TRUE(c.open(path(), SqliteConnection::Mode::ReadWrite, SqliteDialect(), false, &error)) << error;
    RollupFold fold(c.handle(), SqliteDialect());
    ASSERT_TRUE(fold.valid());
    const auto step = [&](int64_t* folded) {
        bool more = false;
        EXPECT_EQ(c.exec("BEGIN IMMEDIATE"), SQLITE_OK);
        EXPECT_EQ(fold.step(minuteOf(afterTheDayOf(kBase)), &more, folded), SQLITE_OK) << fold.lastError();
        EXPECT_EQ(c.exec("COMMIT"), SQLITE_OK);
        return more;
    };
    int64_t folded = 0;
    ASSERT_TRUE(step(&folded));
    test::DbProbe db(path());
    EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 2"), 2);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_prompt WHERE grain = 2"), 0) << "one table per step";

    // A commit for the hour between two steps (as the writer's would).
    ASSERT_EQ(c.exec("INSERT INTO rollup_unfolded (hour, generation) VALUES (" + std::to_string(hour)
                  + ", 0) ON CONFLICT (hour) DO UPDATE SET generation = generation + 1"),
        SQLITE_OK);
    for (int steps = 1; steps < 12; ++steps) // six tables for the hour, six for its day
        ASSERT_TRUE(step(&folded));
    EXPECT_EQ(folded, 0) << "the hour changed during its fold";
    EXPECT_EQ(db.scalar("SELECT generation FROM rollup_unfolded WHERE hour = " + std::to_string(hour)), 1);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_prompt WHERE grain = 3"), 1) << "the day was folded meanwhile";

    while (step(&folded)) { } // the same hour again, from its first table
    EXPECT_EQ(folded, 1);
    EXPECT_EQ(db.count("rollup_unfolded"), 0);
}

TEST_F(RollupFixture, HoursAreFoldedInRoundsAlsoWhenRetentionIsOff)
{
    WriterOptions o = options();
    o.retention.intervalSeconds = 0;
    o.foldIntervalSeconds = 1;
    TelemetryWriter writer(o);
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    auto batch = std::make_shared<IngestBatch>();
    batch->spans = { span(1, systemNowNs() - 3 * 60 * kMinute, 1'000'000) };
    ASSERT_TRUE(storeAndWait(writer, batch).committed);
    ASSERT_EQ(queryOnWriter(writer, "SELECT COUNT(*) FROM rollup_unfolded"), 1);
    // The first round starts a second after the writer did; allow a slow machine ten.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (queryOnWriter(writer, "SELECT COUNT(*) FROM rollup_unfolded") != 0
        && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(queryOnWriter(writer, "SELECT COUNT(*) FROM rollup_unfolded"), 0) << "no round folded the hour";
    EXPECT_EQ(queryOnWriter(writer, "SELECT SUM(spans) FROM rollup_latency WHERE grain = 2"), 1);
    writer.stop();
}
