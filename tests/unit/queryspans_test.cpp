// Raw-span queries: heatmap cells, paging, traces, comparison, samples, catalog.
#include "catalogquery.h"
#include "comparequery.h"
#include "failingpromptsquery.h"
#include "heatmapquery.h"
#include "latencyhistogram.h"
#include "querytestdata.h"
#include "spanquery.h"
#include "tracequery.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <set>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int64_t kNs = 60'000'000'000;
constexpr int64_t kFrom = kQueryDataFrom;
constexpr int64_t kMinutes = 2 * 1440;
const TraceId kTrace = { 0x5e, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
constexpr int kTraceSpans = 9;
constexpr int kTraceLogs = 4;

struct QuerySpans : ::testing::Test
{
    static void SetUpTestSuite()
    {
        s_db = new QueryDb;
        SpanMix mix;
        mix.seed = 21;
        mix.spans = 12000;
        mix.fromMinute = kFrom;
        mix.minutes = kMinutes;
        ASSERT_TRUE(s_db->writeSpans(mix));
        ASSERT_TRUE(s_db->writeTrace(kTrace, kTraceSpans, kTraceLogs, kFrom + 100));
        // Every hour gets its hour and day rows, as in a database the app has had open.
        ASSERT_GT(s_db->fold((kFrom + kMinutes + 120) * 60'000'000'000), 0);
        s_db->stopWriter();
    }
    static void TearDownTestSuite()
    {
        delete s_db;
        s_db = nullptr;
    }
    static inline QueryDb* s_db = nullptr;
    sqlite3* db() { return s_db->db(); }
};

/// Every span of a cell, page by page; fails on a span seen twice.
std::vector<SpanSummary> allPages(sqlite3* db, CellSpansQuery q, int* pages)
{
    std::vector<SpanSummary> out;
    std::set<int64_t> seen;
    *pages = 0;
    for (;;) {
        const CellSpansResult page = queryCellSpans(db, q);
        EXPECT_TRUE(page.ok()) << page.error;
        EXPECT_LE(static_cast<int>(page.spans.size()), q.limit);
        ++*pages;
        for (const SpanSummary& s : page.spans) {
            EXPECT_TRUE(seen.insert(s.rowId).second) << "span " << s.rowId << " on two pages";
            out.push_back(s);
        }
        if (page.nextCursor == 0 || !page.ok())
            return out;
        q.cursor = page.nextCursor;
    }
}

} // namespace

TEST_F(QuerySpans, CellSpansEqualTheCellCountAndPagingReturnsEachOnce)
{
    std::vector<QueryFilters> filters(3);
    filters[1].tenant = "acme";
    filters[1].status = StatusFilter::Error;
    filters[2].prompt = promptFingerprint(0);
    for (const QueryFilters& f : filters) {
        HeatmapQuery h;
        h.range = { kFrom + 200, kFrom + 200 + 240 };
        h.columnMinutes = 60;
        h.bucketsPerRow = 32;
        h.filters = f;
        const HeatmapResult r = queryHeatmap(db(), h);
        ASSERT_TRUE(r.ok()) << r.error;
        ASSERT_FALSE(r.cells.empty());
        std::vector<HeatmapCell> cells = r.cells;
        std::sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
        cells.resize(std::min<size_t>(cells.size(), 4));
        cells.push_back(r.cells.front());
        for (const HeatmapCell& cell : cells) {
            CellSpansQuery q = cellSpansQuery(h, r, cell);
            q.limit = 7;
            int pages = 0;
            const auto spans = allPages(db(), q, &pages);
            EXPECT_EQ(static_cast<int64_t>(spans.size()), cell.count)
                << "column " << cell.column << " row " << cell.row;
            EXPECT_EQ(pages, std::max<int64_t>(1, (cell.count + 6) / 7)) << "no empty trailing page";
            const HeatmapRow& row = r.rows[static_cast<size_t>(cell.row)];
            int64_t errors = 0;
            for (size_t i = 0; i < spans.size(); ++i) {
                const SpanSummary& s = spans[i];
                EXPECT_GT(s.durationNs, row.lowerNs);
                EXPECT_LE(s.durationNs, row.upperNs);
                EXPECT_GE(s.startNs, q.range.fromMinute * kNs);
                EXPECT_LT(s.startNs, q.range.toMinute * kNs);
                if (i > 0) {
                    EXPECT_LT(s.rowId, spans[i - 1].rowId) << "newest stored first";
                }
                if (!f.tenant.empty()) {
                    EXPECT_EQ(s.tenant, f.tenant);
                }
                if (!f.prompt.empty()) {
                    EXPECT_EQ(s.promptLabel, "prompt-0@v1");
                }
                EXPECT_FALSE(s.service.empty());
                errors += s.statusCode == 2;
            }
            EXPECT_EQ(errors, cell.errorCount);
        }
    }
}

TEST_F(QuerySpans, TraceByIdReturnsEverySpanWithDetailAndItsLogs)
{
    const TraceResult t = queryTrace(db(), kTrace);
    ASSERT_TRUE(t.ok()) << t.error;
    ASSERT_EQ(t.spans.size(), static_cast<size_t>(kTraceSpans));
    EXPECT_EQ(static_cast<int64_t>(t.spans.size()),
        rawScalar(db(), "SELECT count(*) FROM spans WHERE trace_id = " + hexBlob(kTrace.data(), kTrace.size())));
    const TraceSpan& root = t.spans.front();
    EXPECT_EQ(root.name, "invoke_agent");
    EXPECT_EQ(root.parentSpanId, SpanId {});
    EXPECT_EQ(root.service, "checkout");
    EXPECT_EQ(root.tenant, "acme");
    for (size_t i = 1; i < t.spans.size(); ++i) {
        EXPECT_EQ(t.spans[i].parentSpanId, root.spanId);
        EXPECT_GE(t.spans[i].startNs, t.spans[i - 1].startNs);
    }
    const auto& attributes = t.spans[1].detail.attributes;
    EXPECT_NE(std::find(attributes.begin(), attributes.end(), AttributeText { "gen_ai.request.model", "gpt-4o" }),
        attributes.end());
    EXPECT_EQ(t.spans[1].requestModel, "gpt-4o") << "normalised GenAI field";
    ASSERT_TRUE(t.resources.count(root.resourceId));
    const auto& resource = t.resources.at(root.resourceId);
    EXPECT_NE(
        std::find(resource.begin(), resource.end(), AttributeText { "service.name", "checkout" }), resource.end());

    ASSERT_EQ(t.logs.size(), static_cast<size_t>(kTraceLogs));
    for (size_t i = 0; i < t.logs.size(); ++i) {
        EXPECT_EQ(t.logs[i].body, "record " + std::to_string(i));
        EXPECT_EQ(t.logs[i].eventName, "gen_ai.user.message");
    }
    TraceId unknown = kTrace;
    unknown[15] ^= 0xff; // same trace_key, another trace: must not match
    const TraceResult none = queryTrace(db(), unknown);
    EXPECT_TRUE(none.ok());
    EXPECT_TRUE(none.spans.empty());
    EXPECT_TRUE(none.logs.empty());
}

TEST_F(QuerySpans, FailingTracesAreNewestFirstOnePerTraceAndBounded)
{
    FailingTracesQuery q;
    q.range = { kFrom, kFrom + kMinutes };
    q.prompt = promptFingerprint(5);
    q.limit = 6;
    const FailingTracesResult r = queryFailingTraces(db(), q);
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.samples.size(), 6u);
    EXPECT_FALSE(r.scanCapped);
    std::set<TraceId> traces;
    const std::string prompt = dictIdSql(static_cast<int>(DictKind::PromptFingerprint), q.prompt);
    for (size_t i = 0; i < r.samples.size(); ++i) {
        EXPECT_TRUE(traces.insert(r.samples[i].traceId).second);
        if (i > 0) {
            EXPECT_LE(r.samples[i].startNs, r.samples[i - 1].startNs);
        }
    }
    // The newest failing span of the prompt is the first sample.
    EXPECT_EQ(r.samples.front().startNs,
        rawScalar(db(), "SELECT max(start_ns) FROM spans WHERE status_code = 2 AND prompt_fp_id = " + prompt));

    q.maxScannedRows = 50;
    const FailingTracesResult bounded = queryFailingTraces(db(), q);
    EXPECT_TRUE(bounded.scanCapped);
    EXPECT_LE(bounded.scannedRows, 50);
}

TEST(QueryCompare, RanksAPlantedSlowTenantFirst)
{
    QueryDb data;
    SpanMix mix;
    mix.seed = 4;
    mix.spans = 6000;
    mix.fromMinute = kFrom;
    mix.minutes = 600;
    mix.slowTenant = "slowco";
    ASSERT_TRUE(data.writeSpans(mix));
    data.stopWriter();

    CompareQuery q;
    q.range = { kFrom, kFrom + 600 };
    q.firstBucket = latency::bucketOf(3'000'000'000); // 3 s and slower: the slow tenant's spans
    const CompareResult r = queryComparison(data.db(), q);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_FALSE(r.selectionCapped);
    EXPECT_EQ(r.selectionSpans + r.baselineSpans, 6000);
    ASSERT_FALSE(r.attributes.empty());
    const AttributeComparison& top = r.attributes.front();
    EXPECT_EQ(top.origin, AttributeOrigin::Dimension);
    EXPECT_EQ(top.key, "tenant");
    ASSERT_FALSE(top.values.empty());
    EXPECT_EQ(top.values.front().value, "slowco");
    EXPECT_DOUBLE_EQ(top.values.front().selectionShare, 1.0);
    EXPECT_DOUBLE_EQ(top.values.front().baselineShare, 0.0);
    EXPECT_GT(top.score, 0.99);
    for (size_t i = 1; i < r.attributes.size(); ++i) {
        EXPECT_GE(r.attributes[i - 1].score, r.attributes[i].score);
    }
    const auto resource = std::find_if(r.attributes.begin(), r.attributes.end(),
        [](const auto& a) { return a.origin == AttributeOrigin::Resource && a.key == "service.name"; });
    EXPECT_NE(resource, r.attributes.end()) << "resource attributes take part";

    q.sampleCap = 500;
    const CompareResult capped = queryComparison(data.db(), q);
    ASSERT_TRUE(capped.ok()) << capped.error;
    EXPECT_TRUE(capped.selectionCapped);
    EXPECT_TRUE(capped.baselineCapped);
    EXPECT_EQ(capped.selectionSpans, 500);
    EXPECT_EQ(capped.baselineSpans, 500);
    ASSERT_FALSE(capped.notices.empty());
    EXPECT_EQ(capped.attributes.front().values.front().value, "slowco");
}

TEST_F(QuerySpans, HorizonAndDictionariesForThePickers)
{
    const RetentionHorizon h = queryRetentionHorizon(db());
    ASSERT_TRUE(h.ok()) << h.error;
    EXPECT_EQ(h.oldestRawMinute, rawScalar(db(), "SELECT min(start_ns) / 60000000000 FROM spans"));
    EXPECT_EQ(h.newestRawMinute, rawScalar(db(), "SELECT max(start_ns) / 60000000000 FROM spans"));
    EXPECT_EQ(h.oldestMinuteRollup, h.oldestRawMinute);
    EXPECT_EQ(h.oldestDayRollup, kFrom / 1440 * 1440);

    const DictionaryListing d = queryDictionaries(db());
    ASSERT_TRUE(d.ok()) << d.error;
    EXPECT_TRUE(std::is_sorted(d.tenants.begin(), d.tenants.end()));
    for (const std::string& tenant : kTenants) {
        EXPECT_NE(std::find(d.tenants.begin(), d.tenants.end(), tenant), d.tenants.end()) << tenant;
    }
    EXPECT_EQ(d.environments, (std::vector<std::string> { "prod", "staging" }));
    EXPECT_EQ(d.services, (std::vector<std::string> { "chat", "checkout", "search" }));
    EXPECT_NE(std::find(d.models.begin(), d.models.end(), "gemini-2.0-flash"), d.models.end());
}
