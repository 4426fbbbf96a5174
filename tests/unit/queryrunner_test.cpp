// The reader pool: delivery, supersede with interrupt, cancel, errors as text.
#include "heatmapquery.h"
#include "queryrunner.h"
#include "querytestdata.h"

#include <atomic>
#include <future>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int64_t kFrom = kQueryDataFrom;

struct RunnerFixture : ::testing::Test
{
    void SetUp() override
    {
        SpanMix mix;
        mix.spans = 2000;
        mix.fromMinute = kFrom;
        mix.minutes = 300;
        ASSERT_TRUE(data.writeSpans(mix));
        data.stopWriter();
        query.range = { kFrom, kFrom + 300 };
        query.columnMinutes = 10;
    }

    static auto heatmap(HeatmapQuery q)
    {
        return [q](sqlite3* db, const QueryControl& control) { return queryHeatmap(db, q, control); };
    }

    QueryDb data;
    HeatmapQuery query;
};

/// Runs until interrupted: only sqlite3_interrupt or the progress handler ends it.
QueryStatus endless(sqlite3* db, std::promise<void>& started, std::atomic<int>& rc)
{
    QueryStatus status;
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db,
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000000) SELECT count(*) FROM c",
        -1, &s, nullptr);
    started.set_value();
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    status.error = rc == SQLITE_INTERRUPT ? "interrupted" : "finished";
    return status;
}

} // namespace

TEST_F(RunnerFixture, DeliversWhatTheSynchronousCallReturns)
{
    QueryRunner runner({ data.path(), 2 });
    std::string error;
    ASSERT_TRUE(runner.start(&error)) << error;
    std::promise<HeatmapResult> delivered;
    const auto ticket = runner.submit(
        "heatmap", heatmap(query), [&](QueryRunner::Ticket, HeatmapResult r) { delivered.set_value(std::move(r)); });
    const HeatmapResult viaRunner = delivered.get_future().get();
    const HeatmapResult direct = queryHeatmap(data.db(), query);
    ASSERT_TRUE(viaRunner.ok()) << viaRunner.error;
    EXPECT_EQ(viaRunner.total, 2000);
    EXPECT_EQ(viaRunner.total, direct.total);
    EXPECT_EQ(viaRunner.cells.size(), direct.cells.size());
    EXPECT_TRUE(runner.isCurrent(ticket)) << "the newest job of its channel until another comes";
}

TEST_F(RunnerFixture, ANewerJobInterruptsTheRunningOneWhoseResultIsDropped)
{
    QueryRunner runner({ data.path(), 2 });
    std::string error;
    ASSERT_TRUE(runner.start(&error)) << error;
    std::promise<void> started;
    std::atomic<int> rc { -1 };
    std::atomic<bool> oldDelivered { false };
    const auto old = runner.submit(
        "heatmap", [&](sqlite3* db, const QueryControl&) { return endless(db, started, rc); },
        [&](QueryRunner::Ticket, QueryStatus) { oldDelivered = true; });
    started.get_future().wait(); // the old job is on a reader thread, inside SQLite

    std::promise<HeatmapResult> delivered;
    const auto newer = runner.submit("heatmap", heatmap(query), [&](QueryRunner::Ticket t, HeatmapResult r) {
        EXPECT_NE(t, old);
        delivered.set_value(std::move(r));
    });
    EXPECT_EQ(delivered.get_future().get().total, 2000);
    runner.waitIdle();
    EXPECT_EQ(rc.load(), SQLITE_INTERRUPT);
    EXPECT_FALSE(oldDelivered.load()) << "a superseded result is never delivered";
    EXPECT_FALSE(runner.isCurrent(old));
    EXPECT_TRUE(runner.isCurrent(newer));
}

TEST_F(RunnerFixture, CancelAndSupersedeDropQueuedJobsPerChannel)
{
    QueryRunner runner({ data.path(), 1 });
    std::string error;
    ASSERT_TRUE(runner.start(&error)) << error;
    std::promise<void> blocking, release;
    auto released = release.get_future().share();
    std::atomic<int> ran { 0 }, delivered { 0 };
    runner.submit(
        "a",
        [&](sqlite3*, const QueryControl&) {
            blocking.set_value();
            released.wait(); // holds the only reader so the others queue
            return QueryStatus {};
        },
        [&](QueryRunner::Ticket, QueryStatus) { delivered |= 1; });
    blocking.get_future().wait();
    const auto job = [&](int bit) {
        return [&ran, bit](sqlite3*, const QueryControl&) {
            ran |= bit;
            return QueryStatus {};
        };
    };
    const auto deliver
        = [&](int bit) { return [&delivered, bit](QueryRunner::Ticket, QueryStatus) { delivered |= bit; }; };
    const auto b = runner.submit("b", job(2), deliver(2));
    runner.submit("c", job(4), deliver(4)); // superseded while queued
    runner.submit("c", job(8), deliver(8));
    runner.cancel(b);
    EXPECT_FALSE(runner.isCurrent(b));
    release.set_value();
    runner.waitIdle();
    EXPECT_EQ(ran.load(), 8) << "cancelled and superseded queued jobs never run";
    EXPECT_EQ(delivered.load(), 1 | 8) << "other channels are not affected";
}

TEST_F(RunnerFixture, ErrorsArriveAsTextAndAMissingDatabaseFailsToStart)
{
    QueryRunner runner({ data.path(), 1 });
    std::string error;
    ASSERT_TRUE(runner.start(&error)) << error;
    HeatmapQuery bad = query;
    bad.columnMinutes = 0;
    std::promise<HeatmapResult> delivered;
    runner.submit(
        "heatmap", heatmap(bad), [&](QueryRunner::Ticket, HeatmapResult r) { delivered.set_value(std::move(r)); });
    const HeatmapResult r = delivered.get_future().get();
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("column"), std::string::npos) << r.error;

    QueryRunner missing({ data.path() + QStringLiteral(".absent"), 2 });
    EXPECT_FALSE(missing.start(&error));
    EXPECT_FALSE(error.empty());
}
