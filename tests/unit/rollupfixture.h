#pragma once

// A writer on a temporary telemetry.db and GenAI spans for the rollup tests.

#include "rollupaccumulator.h"
#include "rollupfold.h"
#include "telemetrywriter.h"
#include "testcollector.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <string>

namespace spanlight::test {

constexpr int64_t kMinute = 60'000'000'000;

/// The hour (unix minute of its start) holding \a ns.
inline int64_t hourOf(int64_t ns)
{
    return slotOf(Grain::Hour, minuteOf(ns));
}
// 2026-11-23 09:58 UTC: the spans below cross an hour boundary.
constexpr int64_t kBase = 1795427880LL * 1'000'000'000;

/// The first moment the fold takes the day holding \a ns as ended (its day
/// rows are folded once, then: rollupfold.h).
inline int64_t afterTheDayOf(int64_t ns)
{
    return (slotOf(Grain::Day, minuteOf(ns)) + minutesIn(Grain::Day) + kFoldSettleMinutes) * kMinute;
}

struct RollupFixture : ::testing::Test
{
    QTemporaryDir dir;
    QString path() const { return dir.path() + QStringLiteral("/telemetry.db"); }

    /// Spans of every hour update minute rows only, whatever today's date.
    WriterOptions options() const
    {
        WriterOptions o;
        o.path = path();
        o.retention.minuteRollupDays = 100 * 366;
        o.foldIntervalSeconds = 0; // folded by fold() only
        return o;
    }

    static int64_t fold(TelemetryWriter& writer, int64_t nowNs)
    {
        const FoldOutcome folded = foldAndWait(writer, nowNs);
        EXPECT_EQ(folded.error, "");
        return folded.hoursFolded;
    }

    static SpanRecord span(uint8_t n, int64_t startNs, int64_t durationNs)
    {
        SpanRecord s;
        s.traceId.fill(n);
        s.spanId.fill(n);
        s.dims = { "acme", "prod", "chatbot" };
        s.name = "chat gpt-4o";
        s.startNs = startNs;
        s.durationNs = durationNs;
        s.requestModel = "gpt-4o";
        s.operation = "chat";
        s.inputTokens = 100 * n;
        s.outputTokens = 10;
        s.costNanoUsd = 1000 * n;
        s.flags = kFlagGenAi | kFlagSpendCounted;
        s.promptFingerprint = "fallback-fp";
        s.promptSource = PromptSource::Fallback;
        s.promptLabel = "chatbot / chat / gpt-4o";
        return s;
    }
};

} // namespace spanlight::test
