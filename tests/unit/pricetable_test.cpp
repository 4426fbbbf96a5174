// The price table: the built-in rows, matching a model name to a row, and
// loading a user file. Costs: pricecost_test.cpp.

#include "pricetestdata.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <set>
#include <thread>

using namespace spanlight;
using namespace spanlight::test;

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
