// Costs from token counts and a price row: cached and reasoning tokens,
// tiers, rounding, and which spans count (leaf calls, client costs, unknown
// models).

#include "pricetestdata.h"

using namespace spanlight;
using namespace spanlight::test;

TEST(PriceCost, InputAndOutput)
{
    const auto span = chat("gpt-4o", 1000, 500);
    // 1,000 × $2.50/M + 500 × $10/M = $0.0075
    EXPECT_EQ(costNanoUsd(*builtin()->match({}, "gpt-4o", kNow), span), 7'500'000);
}

TEST(PriceCost, CachedTokensAreNotCountedTwice)
{
    const PriceRow sonnet = row(3, 15, 0.3, 3.75);
    // Current OTel: 10,000 input tokens of which 6,000 read from and 1,000 written to the cache.
    auto span = chat("m", 10'000, 100);
    span.cacheReadTokens = 6000;
    span.cacheWriteTokens = 1000;
    span.flags = kFlagInputIncludesCache;
    const int64_t expected = 3000 * 3'000 + 6000 * 300 + 1000 * 3'750 + 100 * 15'000;
    EXPECT_EQ(costNanoUsd(sonnet, span), expected);
    // Anthropic's native counting: input excludes the cache. Same request, same cost.
    span.inputTokens = 3000;
    span.flags = 0;
    EXPECT_EQ(costNanoUsd(sonnet, span), expected);
    // No cache prices: cached tokens cost what input costs, still once.
    EXPECT_EQ(costNanoUsd(row(3, 15), span), 10'000 * 3'000 + 100 * 15'000);
}

TEST(PriceCost, ReasoningAtItsOwnRateOrOutput)
{
    const PriceRow thinking = row(0.15, 0.6, -1, -1, 3.5);
    auto span = chat("m", 0, 1000);
    span.reasoningTokens = 400;
    span.flags = kFlagOutputIncludesReasoning;
    EXPECT_EQ(costNanoUsd(thinking, span), 600 * 600 + 400 * 3'500);
    span.outputTokens = 600;
    span.flags = 0;
    EXPECT_EQ(costNanoUsd(thinking, span), 600 * 600 + 400 * 3'500);
    EXPECT_EQ(costNanoUsd(row(2, 8), span), 1000 * 8'000) << "no reasoning price: output rate";
}

TEST(PriceCost, TiersGoByTheWholePrompt)
{
    const PriceRow* pro = builtin()->match({}, "gemini-2.5-pro", kNow);
    ASSERT_TRUE(pro);
    EXPECT_EQ(costNanoUsd(*pro, chat("m", 200'000, 1000)), 200'000 * 1'250 + 1000 * 10'000) << "at, not above";
    EXPECT_EQ(costNanoUsd(*pro, chat("m", 200'001, 1000)), 200'001 * 2'500 + 1000 * 15'000);
    auto cached = chat("m", 150'000, 0);
    cached.cacheReadTokens = 60'000; // not included in input: the prompt is 210k tokens
    EXPECT_EQ(costNanoUsd(*pro, cached), 150'000 * 2'500 + 60'000 * 625);
}

TEST(PriceCost, TinyCallsDoNotRoundToZeroAndRoundingHappensOnce)
{
    PriceRow embedding = *builtin()->match({}, "text-embedding-3-small", kNow);
    SpanRecord span;
    span.inputTokens = 10;
    EXPECT_EQ(costNanoUsd(embedding, span), 200);
    span.inputTokens = 1;
    EXPECT_EQ(costNanoUsd(embedding, span), 20);
    // Half a nano-USD twice is one nano-USD, not 0 or 2.
    auto halves = chat("m", 1, 1);
    EXPECT_EQ(costNanoUsd(row(0.0005, 0.0005), halves), 1);
}

TEST(PriceSpan, LeafCallsCountAgentParentsDoNot)
{
    const auto table = builtin();
    for (const char* op : { "chat", "text_completion", "generate_content", "embeddings", "" }) {
        auto span = chat("gpt-4o", 100, 10);
        span.operation = op;
        priceSpan(table.get(), span);
        EXPECT_TRUE(span.flags & kFlagSpendCounted) << op;
        EXPECT_TRUE(span.costNanoUsd.has_value()) << op;
    }
    for (const char* op : { "invoke_agent", "invoke_workflow", "create_agent", "execute_tool", "retrieval" }) {
        auto span = chat("gpt-4o", 100, 10);
        span.operation = op;
        priceSpan(table.get(), span);
        EXPECT_FALSE(span.flags & kFlagSpendCounted) << op;
        EXPECT_EQ(span.costNanoUsd, 350'000) << op << ": cost shown, not summed";
    }
    auto noUsage = chat("gpt-4o", 0, 0);
    noUsage.inputTokens.reset();
    noUsage.outputTokens.reset();
    priceSpan(table.get(), noUsage);
    EXPECT_EQ(noUsage.flags, 0);
    EXPECT_FALSE(noUsage.costNanoUsd || noUsage.priceRowId);
}

TEST(PriceSpan, ClientCostWins)
{
    auto span = chat("gpt-4o", 1000, 500);
    span.costNanoUsd = 123;
    span.flags = kFlagClientCost;
    priceSpan(builtin().get(), span);
    EXPECT_EQ(span.costNanoUsd, 123);
    EXPECT_EQ(span.priceRowId, builtin()->match({}, "gpt-4o", kNow)->id);
    EXPECT_EQ(span.flags, kFlagClientCost | kFlagSpendCounted);

    auto unknown = chat("house-model", 1000, 500);
    unknown.costNanoUsd = 456;
    unknown.flags = kFlagClientCost;
    priceSpan(builtin().get(), unknown);
    EXPECT_EQ(unknown.costNanoUsd, 456);
    EXPECT_FALSE(unknown.priceRowId);
    EXPECT_FALSE(unknown.flags & kFlagUnpriced) << "the cost is known";
}

TEST(PriceSpan, UnknownModelIsUnpricedNotFree)
{
    auto span = chat("house-model", 1000, 500);
    priceSpan(builtin().get(), span);
    EXPECT_TRUE(span.flags & kFlagUnpriced);
    EXPECT_TRUE(span.flags & kFlagSpendCounted) << "its tokens still count";
    EXPECT_FALSE(span.costNanoUsd.has_value());
    EXPECT_FALSE(span.priceRowId.has_value());

    auto noTable = chat("gpt-4o", 1000, 500);
    priceSpan(nullptr, noTable);
    EXPECT_TRUE(noTable.flags & kFlagUnpriced);
}

TEST(PriceSpan, ResponseModelFirstRequestModelAsFallback)
{
    const auto table = builtin();
    auto span = chat("gpt-4o-mini-2024-07-18", 1'000'000, 0);
    span.requestModel = "gpt-4o";
    priceSpan(table.get(), span);
    EXPECT_EQ(span.costNanoUsd, 150'000'000);
    span.responseModel = "azure-deployment-7";
    priceSpan(table.get(), span);
    EXPECT_EQ(span.costNanoUsd, 2'500'000'000);
}
