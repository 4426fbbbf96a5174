// spanlight-gendb's generator run in-process: a small database (20k spans over 2 days) checked in SQL,
// plus determinism and the command line.

#include "gendbcatalog.h"
#include "gendbgenerator.h"
#include "gendboptions.h"
#include "gendbrun.h"
#include "records.h"
#include "testcollector.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <memory>

using namespace spanlight;
using namespace spanlight::gendb;

namespace {

constexpr std::int64_t kSpans = 20000;

GenDbOptions smallRun(const std::string& dir)
{
    GenDbOptions options;
    options.outDir = dir;
    options.spans = kSpans;
    options.days = 2;
    EXPECT_TRUE(parseEndTime("2026-11-20T00:00:00Z", 0, &options.endNs));
    options.progressSeconds = 1e9;
    return options;
}

class GenDbRun : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_dir = std::make_unique<QTemporaryDir>();
        s_options = smallRun(s_dir->path().toStdString());
        s_summary = runGenDb(s_options);
    }
    static void TearDownTestSuite() { s_dir.reset(); }

    void SetUp() override
    {
        ASSERT_TRUE(s_summary.ok) << s_summary.error;
        m_db = std::make_unique<test::DbProbe>(QString::fromStdString(s_summary.dbPath));
    }

    /// Share of spans matching @p where.
    double share(const std::string& where)
    {
        return static_cast<double>(m_db->scalar("SELECT COUNT(*) FROM spans WHERE " + where))
            / static_cast<double>(kSpans);
    }

    static inline std::unique_ptr<QTemporaryDir> s_dir;
    static inline GenDbOptions s_options;
    static inline GenDbSummary s_summary;
    std::unique_ptr<test::DbProbe> m_db;
};

} // namespace

TEST_F(GenDbRun, WritesExactlyTheSpansAskedFor)
{
    EXPECT_EQ(s_summary.spans, kSpans);
    EXPECT_EQ(m_db->count("spans"), kSpans);
    EXPECT_EQ(s_summary.rejected, 0);
    EXPECT_EQ(s_summary.duplicates, 0);
    EXPECT_EQ(m_db->integrityCheck(), "ok");
}

TEST_F(GenDbRun, CoversEveryTenantEnvironmentAndService)
{
    EXPECT_EQ(m_db->scalar("SELECT COUNT(DISTINCT tenant_id) FROM spans"), 20);
    EXPECT_EQ(
        m_db->scalar("SELECT COUNT(*) FROM spans s JOIN dict d ON d.id = s.tenant_id WHERE d.value = '(none)'"), 0)
        << "every span names its tenant under one of the default keys";
    EXPECT_EQ(m_db->scalar("SELECT COUNT(DISTINCT environment_id) FROM spans WHERE environment_id IS NOT NULL"), 4);
    EXPECT_EQ(m_db->scalar("SELECT COUNT(*) FROM spans WHERE environment_id IS NULL"), 0)
        << "both deployment.environment keys are read";
    EXPECT_EQ(m_db->scalar("SELECT COUNT(DISTINCT service_id) FROM spans"), 8);
}

TEST_F(GenDbRun, TracesAverageAboutEightSpans)
{
    const std::int64_t traces = m_db->scalar("SELECT COUNT(DISTINCT trace_id) FROM spans");
    EXPECT_EQ(traces, s_summary.traces);
    EXPECT_GT(traces, kSpans / 9);
    EXPECT_LT(traces, kSpans / 7);
    EXPECT_EQ(m_db->scalar("SELECT COUNT(*) FROM spans WHERE parent_span_id IS NULL"), traces) << "one root each";
}

TEST_F(GenDbRun, ErrorShareFollowsTheErrorRate)
{
    const double errors = share("status_code = 2");
    EXPECT_GE(errors, 0.02);
    EXPECT_LE(errors, 0.045);
}

TEST_F(GenDbRun, FollowsADailyCycleWithinThePeriod)
{
    const std::int64_t end = s_options.endNs;
    const std::int64_t start = end - 2 * 86400LL * 1'000'000'000;
    EXPECT_GE(m_db->scalar("SELECT MIN(start_ns) FROM spans"), start);
    EXPECT_LT(m_db->scalar("SELECT MIN(start_ns) FROM spans"), start + 3600LL * 1'000'000'000);
    // Traces near the end are moved back whole: a console asking for "until
    // now" right after the generator ran sees every span.
    EXPECT_LT(m_db->scalar("SELECT MAX(start_ns + duration_ns) FROM spans"), end);
    const std::string hour = "(start_ns / 3600000000000) % 24";
    EXPECT_GT(share(hour + " BETWEEN 13 AND 16"), 3 * share(hour + " BETWEEN 2 AND 5")) << "afternoons are busy";
}

TEST_F(GenDbRun, ContentLogsReferToTheirSpans)
{
    EXPECT_EQ(m_db->count("logs"), s_summary.logs);
    EXPECT_GT(s_summary.logs, 100);
    // Sent before or after their spans' batch, every record names a stored span.
    EXPECT_EQ(m_db->scalar("SELECT COUNT(*) FROM logs WHERE (trace_id, span_id) NOT IN"
                           " (SELECT trace_id, span_id FROM spans)"),
        0);
}

TEST_F(GenDbRun, SpeaksEveryAttributeDialect)
{
    // spans.convention is filled by the collector's GenAI normaliser.
    for (int bit : { kConventionOTel, kConventionOTelLegacy, kConventionOpenInference, kConventionOpenLLMetry })
        EXPECT_GT(share("convention & " + std::to_string(bit) + " != 0"), 0.01) << "convention bit " << bit;
}

TEST_F(GenDbRun, AgentRootsRepeatUsageButSpendCountsOnce)
{
    EXPECT_GT(share("parent_span_id IS NULL AND input_tokens > 0"), 0.03);
    EXPECT_EQ(share("parent_span_id IS NULL AND flags & " + std::to_string(kFlagSpendCounted) + " != 0"), 0.0)
        << "agent and workflow roots repeat their children's usage: spend counts the leaf calls only";
    EXPECT_GT(share("flags & " + std::to_string(kFlagSpendCounted) + " != 0 AND cost_nano_usd > 0"), 0.3);
    EXPECT_GT(share("flags & " + std::to_string(kFlagUnpriced)
                  + " != 0 AND request_model_id IN"
                    " (SELECT id FROM dict WHERE value LIKE 'nimbus-%')"),
        0.0)
        << "the made-up model is flagged unpriced";
}

TEST_F(GenDbRun, OneTenantModelCombinationIsSlow)
{
    const std::string tenant = "(SELECT id FROM dict WHERE value = '" + s_summary.slowTenant + "')";
    const std::string model = "(SELECT id FROM dict WHERE value = '" + s_summary.slowModel + "')";
    const std::string chats = "status_code != 2 AND request_model_id = " + model + " AND parent_span_id IS NOT NULL";
    const std::int64_t slow
        = m_db->scalar("SELECT AVG(duration_ns) FROM spans WHERE " + chats + " AND tenant_id = " + tenant);
    const std::int64_t others
        = m_db->scalar("SELECT AVG(duration_ns) FROM spans WHERE " + chats + " AND tenant_id != " + tenant);
    EXPECT_GT(slow, 2 * others) << s_summary.slowTenant << " x " << s_summary.slowModel;
}

TEST(GenDbGenerator, SameSeedSameRequests)
{
    GenDbOptions options = smallRun("unused");
    GenDbGenerator first(options);
    GenDbGenerator second(options);
    options.seed = 43;
    GenDbGenerator other(options);
    GenRequest a, b, c;
    bool differs = false;
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(first.next(a));
        ASSERT_TRUE(second.next(b));
        ASSERT_TRUE(other.next(c));
        const std::string bytes = a.traces ? a.traces->SerializeAsString() : a.logs->SerializeAsString();
        ASSERT_EQ(bytes, b.traces ? b.traces->SerializeAsString() : b.logs->SerializeAsString()) << "request " << i;
        differs = differs || bytes != (c.traces ? c.traces->SerializeAsString() : c.logs->SerializeAsString());
    }
    EXPECT_TRUE(differs);
}

TEST(GenDbOptions, ParsesTheCommandLine)
{
    std::int64_t ns = 0;
    ASSERT_TRUE(parseEndTime("2026-11-20", 0, &ns));
    EXPECT_EQ(ns, 1'795'132'800'000'000'000);
    ASSERT_TRUE(parseEndTime("2026-11-20T06:30:15Z", 0, &ns));
    EXPECT_EQ(ns, 1'795'132'800'000'000'000 + (6 * 3600 + 30 * 60 + 15) * 1'000'000'000LL);
    ASSERT_TRUE(parseEndTime("now", 42, &ns));
    EXPECT_EQ(ns, 42);
    EXPECT_FALSE(parseEndTime("2026-13-01", 0, &ns));
    EXPECT_FALSE(parseEndTime("yesterday", 0, &ns));

    const char* args[] = { "gendb", "--out", "/tmp/x", "--spans", "1000", "--models", "13" };
    EXPECT_NE(parseGenDbOptions(7, const_cast<char**>(args), 0).error, "");
    const GenDbOptions ok = parseGenDbOptions(5, const_cast<char**>(args), 7);
    EXPECT_EQ(ok.error, "");
    EXPECT_EQ(ok.spans, 1000);
    EXPECT_EQ(ok.endNs, 7);
    EXPECT_EQ(parseGenDbOptions(1, const_cast<char**>(args), 0).error, "--out DIR is required");
}

TEST(GenDbCatalog, PromptTemplatesAreDistinctWords)
{
    const auto prompts = makePrompts(kMaxPrompts, 8, 42);
    std::set<std::string> names, texts;
    for (const GenPrompt& prompt : prompts) {
        names.insert(prompt.name);
        texts.insert(prompt.systemText + "|" + prompt.userTemplate);
        ASSERT_EQ(prompt.userTemplate.find_first_of("0123456789"), std::string::npos) << prompt.userTemplate;
    }
    EXPECT_EQ(names.size(), prompts.size());
    EXPECT_EQ(texts.size(), prompts.size());
}
