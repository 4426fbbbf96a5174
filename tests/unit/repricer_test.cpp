#include "repricer.h"
#include "telemetrywriter.h"
#include "testcollector.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace spanlight;

namespace {

constexpr int64_t kDay = 86'400'000'000'000;
constexpr int64_t kNow = 1795392000LL * 1'000'000'000; // a midnight, so days are whole

SpanRecord pricedSpan(int n, int64_t startNs, const char* tenant)
{
    SpanRecord s;
    s.traceId.fill(static_cast<uint8_t>(n));
    std::memcpy(s.traceId.data(), &n, sizeof n);
    s.spanId.fill(1);
    std::memcpy(s.spanId.data(), &n, sizeof n);
    s.dims = { tenant, "prod", "bot" };
    s.name = "chat";
    s.startNs = startNs;
    s.durationNs = 1'000'000;
    s.requestModel = "gpt-4o";
    s.operation = "chat";
    s.inputTokens = 1000;
    s.outputTokens = 100;
    s.costNanoUsd = 5000;
    s.priceRowId = 1;
    s.flags = kFlagGenAi | kFlagSpendCounted;
    return s;
}

/// A writer on a database in \a dir, rounds off (tests ask for them), its
/// clock at the data's date whatever day the test runs.
WriterOptions writerOptions(const QTemporaryDir& dir)
{
    WriterOptions options;
    options.path = dir.path() + QStringLiteral("/telemetry.db");
    options.retention.intervalSeconds = 0;
    options.clockNs = [] { return kNow; };
    return options;
}

} // namespace

TEST(Repricer, RawSpansAndRollupOnlyHistoryGetTheNewPrices)
{
    QTemporaryDir dir;
    const WriterOptions options = writerOptions(dir);
    {
        TelemetryWriter writer(options);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        auto batch = std::make_shared<IngestBatch>();
        for (int i = 0; i < 40; ++i) // 10 days ago: only rollups will remain
            batch->spans.push_back(
                pricedSpan(i, kNow - 10 * kDay + int64_t(i) * 1'000'000'000, i % 2 ? "acme" : "globex"));
        for (int i = 40; i < 100; ++i) // 2 days ago: raw spans remain
            batch->spans.push_back(
                pricedSpan(i, kNow - 2 * kDay + int64_t(i) * 1'000'000'000, i % 2 ? "acme" : "globex"));
        batch->spans[99].flags |= kFlagClientCost; // a client's own cost is never replaced
        ASSERT_TRUE(test::storeAndWait(writer, batch).committed);
        EXPECT_EQ(test::retainAndWait(writer, kNow).error, "");
    }

    RepriceRequest request;
    request.databasePath = options.path;
    request.sinceNs = kNow - 30 * kDay;
    request.priceSpan = [](SpanRecord& r) {
        r.costNanoUsd = *r.inputTokens * 7; // the new table: 7 nano-USD per input token
        r.priceRowId = 2;
    };
    request.priceSums = [](const std::string& model, int64_t, const TokenSums& sums) -> std::optional<int64_t> {
        EXPECT_EQ(model, "gpt-4o");
        return sums.input * 7;
    };
    const RepriceResult result = reprice(request);
    ASSERT_TRUE(result.error.empty()) << result.error;
    EXPECT_EQ(result.spansExamined, 60);
    EXPECT_EQ(result.byTenant.at("acme").spansChanged, 29); // one acme span reported its own cost
    EXPECT_EQ(result.byTenant.at("globex").spansChanged, 30);
    // acme: 20 rollup-only spans + 30 raw spans, of which one keeps its client cost.
    EXPECT_EQ(result.byTenant.at("acme").beforeNanoUsd, 50 * 5000);
    EXPECT_EQ(result.byTenant.at("acme").afterNanoUsd, 49 * 7000 + 5000);

    test::DbProbe db(options.path);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM spans WHERE cost_nano_usd = 7000 AND price_row_id = 2"), 59);
    for (int grain = 1; grain <= 3; ++grain)
        EXPECT_EQ(db.scalar("SELECT SUM(cost_nano_usd) FROM rollup_spend WHERE grain = " + std::to_string(grain)),
            99 * 7000 + 5000)
            << "grain " << grain;
}

TEST(Repricer, WritesNoMinuteRowsWhereRetentionRemovedThem)
{
    // Raw spans kept longer than minute rows: re-pricing them changes hour and
    // day rows, and no lone minute row of a cost difference appears where
    // retention removed the minute rows (queries would take it for coverage).
    QTemporaryDir dir;
    WriterOptions options = writerOptions(dir);
    options.retention.rawMaxAgeHours = 0;
    options.retention.minuteRollupDays = 1;
    {
        TelemetryWriter writer(options);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        auto batch = std::make_shared<IngestBatch>();
        for (int i = 0; i < 10; ++i)
            batch->spans.push_back(pricedSpan(i, kNow - 2 * kDay + int64_t(i) * 1'000'000'000, "acme"));
        ASSERT_TRUE(test::storeAndWait(writer, batch).committed);
        EXPECT_EQ(test::retainAndWait(writer, kNow).error, "");
    }
    test::DbProbe db(options.path);
    ASSERT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_spend WHERE grain = 1"), 0) << "retention removed them";
    ASSERT_EQ(db.scalar("SELECT COUNT(*) FROM spans"), 10);

    RepriceRequest request;
    request.databasePath = options.path;
    request.sinceNs = kNow - 30 * kDay;
    request.priceSpan = [](SpanRecord& r) {
        r.costNanoUsd = *r.inputTokens * 7;
        r.priceRowId = 2;
    };
    request.priceSums
        = [](const std::string&, int64_t, const TokenSums& sums) -> std::optional<int64_t> { return sums.input * 7; };
    const RepriceResult result = reprice(request);
    ASSERT_TRUE(result.error.empty()) << result.error;
    EXPECT_EQ(result.byTenant.at("acme").spansChanged, 10);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_spend WHERE grain = 1"), 0);
    EXPECT_EQ(db.scalar("SELECT SUM(cost_nano_usd) FROM rollup_spend WHERE grain = 2"), 10 * 7000);
    EXPECT_EQ(db.scalar("SELECT SUM(cost_nano_usd) FROM rollup_spend WHERE grain = 3"), 10 * 7000);
}

TEST(Repricer, ADayNotYetFoldedReportsItsTotalsFromHourRows)
{
    QTemporaryDir dir;
    const WriterOptions options = writerOptions(dir);
    {
        TelemetryWriter writer(options);
        std::string error;
        ASSERT_TRUE(writer.start(&error)) << error;
        auto batch = std::make_shared<IngestBatch>();
        for (int i = 0; i < 10; ++i) // 10 days ago: only rollups will remain
            batch->spans.push_back(pricedSpan(i, kNow - 10 * kDay + int64_t(i) * 1'000'000'000, "acme"));
        ASSERT_TRUE(test::storeAndWait(writer, batch).committed);
        EXPECT_EQ(test::retainAndWait(writer, kNow).error, "");
        // As if the writer had stopped before the day's fold: its day rows lag.
        const std::string day = std::to_string((kNow - 10 * kDay) / 60'000'000'000);
        EXPECT_EQ(test::queryOnWriter(writer, "DELETE FROM rollup_spend WHERE grain = 3"), -1);
        EXPECT_EQ(test::queryOnWriter(writer, "INSERT INTO rollup_unfolded_days VALUES (" + day + ")"), -1);
    }
    RepriceRequest request;
    request.databasePath = options.path;
    request.sinceNs = kNow - 30 * kDay;
    request.priceSpan = [](SpanRecord&) {};
    request.priceSums
        = [](const std::string&, int64_t, const TokenSums& sums) -> std::optional<int64_t> { return sums.input * 7; };
    const RepriceResult result = reprice(request);
    ASSERT_TRUE(result.error.empty()) << result.error;
    EXPECT_EQ(result.byTenant.at("acme").beforeNanoUsd, 10 * 5000);
    EXPECT_EQ(result.byTenant.at("acme").afterNanoUsd, 10 * 7000);
}
