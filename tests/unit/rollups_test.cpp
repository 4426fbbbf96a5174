#include "latencyhistogram.h"
#include "rollupfixture.h"
#include "testcollector.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <random>

using namespace spanlight;
using namespace spanlight::test;

TEST(LatencyHistogram, BucketBoundsContainEveryDuration)
{
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> ns(16.0, 3.0);
    for (int i = 0; i < 20000; ++i) {
        const auto d = static_cast<int64_t>(ns(rng));
        const int b = latency::bucketOf(d);
        ASSERT_GT(d, latency::lowerBound(b)) << d;
        ASSERT_LE(d, latency::upperBound(b)) << d;
        // The 1% promise holds from 1 µs on; bucket 0 holds everything shorter.
        if (d > 1000) {
            ASSERT_LE(std::abs(latency::representativeNs(b) - static_cast<double>(d)) / static_cast<double>(d), 0.01)
                << d;
        }
    }
    EXPECT_EQ(latency::bucketOf(0), 0);
    EXPECT_EQ(latency::bucketOf(1000), 0);
    EXPECT_EQ(latency::bucketOf(1001), 1);
}

TEST(LatencyHistogram, PercentilesWithinOnePercentOfExact)
{
    std::mt19937_64 rng(11);
    std::lognormal_distribution<double> ns(19.0, 1.2); // ~180 ms median, long tail
    std::vector<int64_t> values;
    LatencyHistogram h;
    for (int i = 0; i < 50000; ++i) {
        values.push_back(static_cast<int64_t>(ns(rng)));
        h.add(values.back());
    }
    std::sort(values.begin(), values.end());
    for (double q : { 0.5, 0.9, 0.95, 0.99, 0.999 }) {
        const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size()))) - 1;
        const double exact = static_cast<double>(values[rank]);
        EXPECT_LE(std::abs(h.quantileNs(q) - exact) / exact, 0.01) << "q=" << q;
    }
}

TEST(LatencyHistogram, EncodingRoundTripsAndNegativeDeltasCancel)
{
    LatencyHistogram h;
    h.add(5'000'000, 3);
    h.add(1'000'000'000, 1);
    h.addBucket(latency::kBucketCount - 1, 2);
    LatencyHistogram back;
    ASSERT_TRUE(LatencyHistogram::decode(h.encode(), &back));
    EXPECT_EQ(back.buckets(), h.buckets());

    LatencyHistogram minus;
    for (const auto& [bucket, count] : h.buckets())
        minus.addBucket(bucket, -count);
    ASSERT_TRUE(back.mergeEncoded(minus.encode()));
    EXPECT_TRUE(back.empty());
    EXPECT_FALSE(LatencyHistogram::decode(std::string("\xff\xff", 2), &back));
}

TEST(LatencyHistogram, MergingEncodedStreamsEqualsMergingDecodedHistograms)
{
    std::mt19937_64 rng(17);
    const auto random = [&rng] {
        LatencyHistogram h;
        const int n = std::uniform_int_distribution<int>(0, 40)(rng);
        for (int i = 0; i < n; ++i)
            h.addBucket(std::uniform_int_distribution<int>(0, latency::kBucketCount - 1)(rng),
                std::uniform_int_distribution<int64_t>(-3, 1'000'000)(rng));
        return h;
    };
    std::string merged;
    for (int trial = 0; trial < 2000; ++trial) {
        const LatencyHistogram a = random();
        LatencyHistogram b = random();
        if (trial % 5 == 0) // corrections that cancel buckets out
            for (const auto& [bucket, count] : a.buckets())
                b.addBucket(bucket, -count);
        LatencyHistogram expected = a;
        expected.merge(b);
        ASSERT_TRUE(LatencyHistogram::mergeEncodedPair(a.encode(), b.encode(), &merged));
        ASSERT_EQ(merged, expected.encode());
    }
    EXPECT_FALSE(LatencyHistogram::mergeEncodedPair(std::string("\xff\xff", 2), std::string(), &merged));
    EXPECT_FALSE(LatencyHistogram::mergeEncodedPair(std::string(), std::string("\x02\x02\x00\x02", 4), &merged))
        << "a bucket twice";
}

TEST_F(RollupFixture, EveryGrainHoldsTheCommittedSpansOnceTheirHoursAreFolded)
{
    TelemetryWriter writer(options());
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;
    auto batch = std::make_shared<IngestBatch>();
    for (uint8_t n = 1; n <= 6; ++n) {
        SpanRecord s = span(n, kBase + (n - 1) * kMinute, n * 1'000'000);
        if (n == 6) {
            s.statusCode = 2;
            s.errorType = "timeout";
        }
        if (n == 5)
            s.flags = kFlagGenAi; // an agent parent: not counted towards spend
        batch->spans.push_back(s);
    }
    ASSERT_TRUE(storeAndWait(writer, batch).committed);
    {
        // The commit wrote minute rows and marked both hours unfolded.
        test::DbProbe db(path());
        EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 1"), 6);
        EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_latency WHERE grain > 1"), 0);
        EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_prompt WHERE grain > 1"), 0);
        EXPECT_EQ(db.text("SELECT group_concat(hour) FROM (SELECT hour FROM rollup_unfolded ORDER BY hour)"),
            std::to_string(minuteOf(kBase) / 60 * 60) + "," + std::to_string(minuteOf(kBase) / 60 * 60 + 60));
    }
    EXPECT_EQ(fold(writer, kBase + kMinute), 0) << "neither hour ended two minutes ago";
    EXPECT_EQ(fold(writer, kBase + 61 * kMinute), 1) << "09:00-10:00 ended at least two minutes ago";
    {
        test::DbProbe db(path());
        EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = 2"), 2);
        EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_latency WHERE grain = 3"), 0)
            << "no day rows before the day has ended";
    }
    EXPECT_EQ(fold(writer, kBase + 64 * kMinute), 1);
    EXPECT_EQ(fold(writer, kBase + 64 * kMinute), 0) << "nothing left to fold";
    {
        test::DbProbe db(path());
        EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_latency WHERE grain = 3"), 0)
            << "the day is folded once, after it has ended";
        EXPECT_EQ(db.scalar("SELECT day FROM rollup_unfolded_days"), slotOf(Grain::Day, minuteOf(kBase)));
    }
    EXPECT_EQ(fold(writer, afterTheDayOf(kBase) - kMinute), 0);
    EXPECT_EQ(test::DbProbe(path()).count("rollup_unfolded_days"), 1) << "the day ended a minute ago only";
    EXPECT_EQ(fold(writer, afterTheDayOf(kBase)), 0) << "no hour, only the day";
    writer.stop();

    test::DbProbe db(path());
    EXPECT_EQ(db.count("rollup_unfolded"), 0);
    EXPECT_EQ(db.count("rollup_unfolded_days"), 0);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM rollup_prompt_total WHERE grain = 1"), 0)
        << "per-prompt totals have no minute rows";
    for (int grain = 1; grain <= 3; ++grain) {
        const std::string g = std::to_string(grain);
        EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency_total WHERE grain = " + g), 6);
        EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_latency WHERE grain = " + g), 6);
        if (grain > 1) {
            EXPECT_EQ(db.scalar("SELECT SUM(errors) FROM rollup_prompt_total WHERE grain = " + g), 1);
        }
        EXPECT_EQ(db.scalar("SELECT SUM(requests) FROM rollup_spend WHERE grain = " + g), 5);
        EXPECT_EQ(
            db.scalar("SELECT SUM(cost_nano_usd) FROM rollup_spend WHERE grain = " + g), 1000 * (1 + 2 + 3 + 4 + 6));
        EXPECT_EQ(db.scalar("SELECT SUM(errors) FROM rollup_prompt WHERE grain = " + g), 1);
        EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_prompt_error WHERE grain = " + g
                      + " AND error_type_id = (SELECT id FROM dict WHERE value = 'timeout')"),
            1);
    }
    // Six minutes, two hours (09:58-09:59 and 10:00-10:03), one day.
    EXPECT_EQ(db.scalar("SELECT COUNT(DISTINCT slot) FROM rollup_latency WHERE grain = 1"), 6);
    EXPECT_EQ(db.scalar("SELECT COUNT(DISTINCT slot) FROM rollup_latency WHERE grain = 2"), 2);
    EXPECT_EQ(db.scalar("SELECT COUNT(DISTINCT slot) FROM rollup_latency WHERE grain = 3"), 1);
    EXPECT_EQ(db.count("span_minutes"), 6);
    EXPECT_EQ(db.scalar("SELECT MAX(last_id) - MIN(first_id) + 1 FROM span_minutes"), 6);
    EXPECT_EQ(db.count("tenants"), 1);
    EXPECT_EQ(db.text("SELECT label FROM prompts"), "chatbot / chat / gpt-4o");
    EXPECT_EQ(db.scalar("SELECT flags >> 8 FROM spans LIMIT 1"), static_cast<int>(PromptSource::Fallback));
}

TEST_F(RollupFixture, ContentLogsMoveTheirSpanToTheContentPromptWhicheverArrivesFirst)
{
    WriterOptions options = this->options();
    options.promptIdentifier = [](std::string_view system, std::string_view user) {
        return PromptIdentity { "content-" + std::string(system) + "-" + std::string(user), "label", {} };
    };
    TelemetryWriter writer(options);
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;

    auto contentFor = [](uint8_t n) {
        auto logs = std::make_shared<IngestBatch>();
        logs->signal = Signal::Logs;
        LogRow log;
        log.traceId.fill(n);
        log.spanId.fill(n);
        log.timeNs = kBase;
        log.dims = { "acme", "prod", "chatbot" };
        log.promptSystem = "sys";
        log.promptUser = "hello";
        logs->logs.push_back(log);
        return logs;
    };
    // Span 1: its content arrives first. Span 2: its content arrives later.
    ASSERT_TRUE(storeAndWait(writer, contentFor(1)).committed);
    auto spans = std::make_shared<IngestBatch>();
    spans->spans = { span(1, kBase, 2'000'000), span(2, kBase, 3'000'000) };
    spans->spans[1].statusCode = 2;
    ASSERT_TRUE(storeAndWait(writer, spans).committed);
    ASSERT_TRUE(storeAndWait(writer, contentFor(2)).committed);
    EXPECT_EQ(fold(writer, afterTheDayOf(kBase)), 1);
    writer.stop();

    test::DbProbe db(path());
    const std::string contentId = "(SELECT id FROM dict WHERE value = 'content-sys-hello')";
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM spans WHERE prompt_fp_id = " + contentId), 2);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM spans WHERE (flags >> 8) = 3"), 2);
    for (int grain = 1; grain <= 3; ++grain) {
        const std::string g = " AND grain = " + std::to_string(grain);
        EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_prompt WHERE prompt_fp_id = " + contentId + g), 2);
        if (grain > 1) {
            EXPECT_EQ(db.scalar("SELECT SUM(spans) FROM rollup_prompt_total WHERE prompt_fp_id = " + contentId + g), 2);
        }
        EXPECT_EQ(
            db.scalar("SELECT COALESCE(SUM(spans), 0) FROM rollup_prompt_total WHERE prompt_fp_id <> " + contentId + g),
            0);
        EXPECT_EQ(db.scalar("SELECT SUM(errors) FROM rollup_prompt WHERE prompt_fp_id = " + contentId + g), 1);
        EXPECT_EQ(
            db.scalar("SELECT COALESCE(SUM(spans), 0) FROM rollup_prompt WHERE prompt_fp_id <> " + contentId + g), 0);
        EXPECT_EQ(
            db.scalar("SELECT COALESCE(SUM(spans), 0) FROM rollup_prompt_error WHERE prompt_fp_id <> " + contentId + g),
            0);
    }
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM log_index"), 2);
}
