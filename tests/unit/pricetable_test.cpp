#include "pricematch.h"
#include "pricetable.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <set>
#include <thread>

using namespace spanlight;

namespace {

int64_t at(const char* iso)
{
    const QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    EXPECT_TRUE(t.isValid()) << iso;
    return t.toMSecsSinceEpoch() * 1'000'000;
}

const int64_t kNow = at("2026-11-24T12:00:00Z");

std::shared_ptr<const PriceTable> builtin()
{
    static const auto table = [] {
        std::string error;
        auto t = PriceTable::fromJson(PriceTable::builtinJson(), {}, &error);
        EXPECT_EQ(error, "");
        return t;
    }();
    return table;
}

std::shared_ptr<const PriceTable> withUser(std::string_view userJson)
{
    std::string error;
    auto table = PriceTable::fromJson(PriceTable::builtinJson(), userJson, &error);
    EXPECT_TRUE(table) << error;
    return table;
}

/// The input price of the row \a model matches, or -1 when none does.
double inputPrice(const PriceTable& table, std::string_view model, std::string_view provider = {}, int64_t t = kNow)
{
    const PriceRow* row = table.match(provider, model, t);
    return row ? row->inputPerM : -1;
}

SpanRecord chat(std::string model, int64_t input, int64_t output)
{
    SpanRecord span;
    span.operation = "chat";
    span.responseModel = std::move(model);
    span.inputTokens = input;
    span.outputTokens = output;
    span.startNs = kNow;
    return span;
}

PriceRow row(double input, double output, double cacheRead = -1, double cacheWrite = -1, double reasoning = -1)
{
    PriceRow r;
    r.inputPerM = input;
    r.outputPerM = output;
    r.cacheReadPerM = cacheRead;
    r.cacheWritePerM = cacheWrite;
    r.reasoningPerM = reasoning;
    return r;
}

} // namespace

TEST(PriceTable, BuiltinLoadsWithoutErrorsAndEveryPatternCompiles)
{
    const auto table = builtin();
    ASSERT_TRUE(table);
    EXPECT_GT(table->rows().size(), 80u);
    std::set<int64_t> ids;
    for (const PriceRow& r : table->rows()) {
        const QRegularExpression re(QRegularExpression::anchoredPattern(QString::fromStdString(r.pattern)));
        EXPECT_TRUE(re.isValid()) << r.pattern;
        EXPECT_GT(r.id, 0);
        EXPECT_LT(r.id, int64_t(1) << 53);
        EXPECT_FALSE(r.userRow);
        EXPECT_TRUE(ids.insert(r.id).second) << "duplicate id for " << r.canonicalJson;
        EXPECT_EQ(table->row(r.id), &r);
    }
}

TEST(PriceTable, RowIdsAreStableAcrossLoadsAndFollowMeaningOnly)
{
    std::string error;
    const auto first = PriceTable::fromJson(PriceTable::builtinJson(), {}, &error);
    const auto second = PriceTable::fromJson(PriceTable::builtinJson(), {}, &error);
    ASSERT_EQ(first->rows().size(), second->rows().size());
    for (size_t i = 0; i < first->rows().size(); ++i)
        EXPECT_EQ(first->rows()[i].id, second->rows()[i].id);

    const auto a = withUser(R"({"rows":[{"pattern":"m","input":1,"output":2}]})");
    const auto b = withUser(R"({"rows":[{"output":2.0,"comment":"same row","input":1,"pattern":"m"}]})");
    const auto c = withUser(R"({"rows":[{"pattern":"m","input":1,"output":3}]})");
    EXPECT_EQ(a->rows()[0].id, b->rows()[0].id) << "key order and comments do not change a row";
    EXPECT_NE(a->rows()[0].id, c->rows()[0].id) << "a price does";
}

TEST(PriceMatch, ProviderPrefixesAreStripped)
{
    const auto& t = *builtin();
    EXPECT_EQ(inputPrice(t, "gpt-4o-mini"), 0.15);
    EXPECT_EQ(inputPrice(t, "openai/gpt-4o-mini"), 0.15);
    EXPECT_EQ(inputPrice(t, "GPT-4o-Mini"), 0.15) << "case-insensitive";
    EXPECT_EQ(inputPrice(t, "anthropic/claude-3.7-sonnet"), 3);
    EXPECT_EQ(inputPrice(t, "publishers/google/models/gemini-2.0-flash-001"), 0.1);
    EXPECT_EQ(inputPrice(t, "meta-llama/Llama-3.3-70B-Instruct-Turbo"), 0.88);
    EXPECT_EQ(inputPrice(t, "my-gpt-4o-mini"), -1) << "patterns match whole names";
    EXPECT_EQ(inputPrice(t, "gpt-4o-mini-tuned"), -1);
}

TEST(PriceMatch, DateSuffixesAreStripped)
{
    const auto& t = *builtin();
    EXPECT_EQ(inputPrice(t, "gpt-4o-mini-2024-07-18"), 0.15);
    EXPECT_EQ(inputPrice(t, "claude-3-5-haiku-20241022"), 0.8);
    EXPECT_EQ(inputPrice(t, "claude-3-5-sonnet-v2@20241022"), 3);
    EXPECT_EQ(inputPrice(t, "claude-sonnet-4-5-20250929"), 3);
    EXPECT_EQ(inputPrice(t, "claude-3-7-sonnet-latest"), 3);
    EXPECT_EQ(inputPrice(t, "gpt-4o-2024-05-13"), 5) << "a dated row of its own wins over stripping";
}

TEST(PriceMatch, BedrockIdsLoseRegionVendorAndPin)
{
    const auto& t = *builtin();
    EXPECT_EQ(inputPrice(t, "anthropic.claude-3-5-haiku-20241022-v1:0"), 0.8);
    EXPECT_EQ(inputPrice(t, "us.anthropic.claude-3-7-sonnet-20250219-v1:0"), 3);
    EXPECT_EQ(inputPrice(t, "meta.llama3-1-70b-instruct-v1:0"), 0.72);
    EXPECT_EQ(inputPrice(t, "amazon.nova-pro-v1:0"), 0.8);
    EXPECT_EQ(inputPrice(t, "amazon.titan-embed-text-v2:0"), 0.02) << "the version is tried before it is stripped";
    EXPECT_EQ(inputPrice(t, "amazon.titan-embed-text-v1"), 0.1);

    const auto candidates = pricing::modelCandidates("us.anthropic.claude-3-5-sonnet-20241022-v2:0");
    std::vector<std::string> names;
    for (const auto& c : candidates)
        names.push_back(c.name);
    EXPECT_EQ(names,
        (std::vector<std::string> { "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022-v2:0",
            "claude-3-5-sonnet-20241022-v2", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet" }));
}

TEST(PriceMatch, ProviderSpecificRows)
{
    const auto& t = *builtin();
    const char* scout = "meta-llama/llama-4-scout-17b-16e-instruct";
    EXPECT_EQ(inputPrice(t, scout, "groq"), 0.11);
    EXPECT_EQ(inputPrice(t, scout, "together_ai"), 0.18);
    EXPECT_EQ(inputPrice(t, scout, "Together"), 0.18) << "aliases fold onto one provider name";
    EXPECT_EQ(inputPrice(t, scout, "openai"), -1) << "hosted by whom? unpriced, not guessed";
    EXPECT_EQ(inputPrice(t, "groq/meta-llama/llama-4-scout-17b-16e-instruct"), 0.11) << "provider named by prefix";
}

TEST(PriceMatch, UserRowsComeFirstAndMostSpecificPatternWins)
{
    const auto table = withUser(R"({"rows":[
        {"pattern":"gpt-4o.*","input":1,"output":1},
        {"pattern":"gpt-4o-mini.*","input":0.5,"output":0.5},
        {"pattern":"(my|our)-model","input":7,"output":7}]})");
    EXPECT_EQ(inputPrice(*table, "gpt-4o-mini-2024-07-18"), 0.5) << "longer literal prefix first, whatever the order";
    EXPECT_EQ(inputPrice(*table, "gpt-4o"), 1) << "the user's row beats the built-in one";
    EXPECT_EQ(inputPrice(*table, "openai/gpt-4o-2024-08-06"), 1) << "even when only a stripped name matches it";
    EXPECT_EQ(inputPrice(*table, "our-model"), 7);
    EXPECT_EQ(inputPrice(*table, "o4-mini"), 1.1) << "built-in rows still apply";
    EXPECT_TRUE(table->match({}, "gpt-4o", kNow)->userRow);

    EXPECT_EQ(pricing::patternShape("gpt-4o-mini(-\\d+)?").literalPrefix, "gpt-4o-mini");
    EXPECT_EQ(pricing::patternShape("GPT-4\\.1").literalPrefix, "gpt-4.1");
    EXPECT_EQ(pricing::patternShape("gpt-4o?").literalPrefix, "gpt-4");
    EXPECT_EQ(pricing::patternShape("claude-3[-.]5").literalPrefix, "claude-3");
    EXPECT_EQ(pricing::patternShape("a|b").literalPrefix, "");
}

TEST(PriceMatch, EffectiveDatesBeforeAndAfterAPriceChange)
{
    const auto& t = *builtin();
    EXPECT_EQ(inputPrice(t, "gpt-4o", {}, at("2024-09-30T00:00:00Z")), 5);
    EXPECT_EQ(inputPrice(t, "gpt-4o", {}, at("2024-10-02T00:00:00Z")), 2.5);
    EXPECT_EQ(inputPrice(t, "o3-2025-04-16", {}, at("2025-05-01T00:00:00Z")), 10);
    EXPECT_EQ(inputPrice(t, "o3-2025-04-16", {}, at("2025-06-10T00:00:01Z")), 2);
    // A change at 16:00 UTC: spans of the same day land on either side (the cache must not key by day).
    EXPECT_EQ(inputPrice(t, "deepseek-chat", {}, at("2025-09-05T15:59:59Z")), 0.27);
    EXPECT_EQ(inputPrice(t, "deepseek-chat", {}, at("2025-09-05T16:00:00Z")), 0.56);
    EXPECT_EQ(inputPrice(t, "deepseek-chat", {}, at("2025-09-05T15:00:00Z")), 0.27);
    EXPECT_EQ(inputPrice(t, "deepseek-chat", {}, at("2025-10-01T00:00:00Z")), 0.28);

    const auto future
        = withUser(R"({"rows":[{"pattern":"gpt-4o","effective_from":"2030-01-01","input":9,"output":9}]})");
    EXPECT_EQ(inputPrice(*future, "gpt-4o"), 2.5) << "a row not yet in effect falls through";
    EXPECT_EQ(inputPrice(*future, "gpt-4o", {}, at("2030-01-02T00:00:00Z")), 9);
}

TEST(PriceMatch, ConcurrentLookupsAgreeWithOneThread)
{
    const auto table = builtin();
    const std::vector<std::string> models { "gpt-4o", "claude-sonnet-4-20250514", "unknown-model",
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "gemini-2.5-pro" };
    std::vector<const PriceRow*> expected;
    for (const auto& m : models)
        expected.push_back(table->match("openai", m, kNow));
    std::vector<std::thread> threads;
    std::atomic<int> wrong { 0 };
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                const size_t k = static_cast<size_t>(i + t) % models.size();
                if (table->match("openai", models[k], kNow) != expected[k])
                    ++wrong;
                table->match("openai", "flood-" + std::to_string(t * 10000 + i), kNow); // churns the bounded cache
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(wrong, 0);
}

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

TEST(PriceTable, BrokenUserJsonIsAClearError)
{
    std::string error;
    EXPECT_FALSE(
        PriceTable::fromJson(PriceTable::builtinJson(), "{\n  \"rows\": [\n    {\"pattern\": \"x\",}\n]}", &error));
    EXPECT_NE(error.find("user price file: JSON parse error at offset"), std::string::npos) << error;
    EXPECT_NE(error.find("line 3"), std::string::npos) << error;

    EXPECT_FALSE(PriceTable::fromJson(PriceTable::builtinJson(), R"({"rows":[
        {"pattern":"ok","input":1,"output":1},
        {"pattern":"a","input":1},
        {"pattern":"b","input":1,"output":1,"cache_reads":0.1},
        {"pattern":"gpt-(4o","input":1,"output":1},
        {"pattern":"c","input":"1","output":1,"effective_from":"2025-13-01"},
        {"pattern":"ok","input":2,"output":2},
        {"pattern":"d","input":1,"output":1,"tiers":[{"above_input_tokens":-5,"input":1,"output":1}]}]})",
        &error));
    for (const char* expected : { "rows[1] \"a\": missing \"output\"", "rows[2] \"b\": unknown field \"cache_reads\"",
             "rows[3] \"gpt-(4o\".pattern: not a valid regular expression", "rows[4] \"c\".input:",
             "rows[4] \"c\".effective_from:", "rows[5]: same pattern, provider and effective_from as rows[0]",
             "rows[6] \"d\".tiers[0].above_input_tokens" })
        EXPECT_NE(error.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << error;
}

TEST(PriceTable, LoadReadsTheUserFileAndNamesItInErrors)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pricing.json"));
    std::string error;
    auto missing = PriceTable::load(path.toStdString(), &error);
    ASSERT_TRUE(missing) << "no user file is fine: " << error;
    EXPECT_EQ(missing->rows().size(), builtin()->rows().size());

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({"rows":[{"pattern":"house-model","input":1,"output":2}]})");
    file.close();
    auto table = PriceTable::load(path.toStdString(), &error);
    ASSERT_TRUE(table) << error;
    EXPECT_TRUE(table->rows().front().userRow);
    EXPECT_EQ(inputPrice(*table, "house-model"), 1);

    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(R"({"rows":[{"pattern":"house-model"}]})");
    file.close();
    EXPECT_FALSE(PriceTable::load(path.toStdString(), &error));
    EXPECT_NE(error.find(path.toStdString() + ": rows[0]"), std::string::npos) << error;
}
