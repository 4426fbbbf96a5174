// Rollup-based queries give exactly the answer plain SQL over raw spans gives.
#include "failingpromptsquery.h"
#include "heatmapquery.h"
#include "querytestdata.h"
#include "rollupranges.h"
#include "spendquery.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <random>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int64_t kNs = 60'000'000'000;
constexpr int64_t kFrom = kQueryDataFrom;
constexpr int64_t kMinutes = 3 * 1440;

struct FilterCase
{
    QueryFilters filters;
    std::string sql; ///< the same filter over raw spans, written independently
};

std::vector<FilterCase> filterCases()
{
    const auto dict = [](DictKind k, const std::string& v) { return dictIdSql(static_cast<int>(k), v); };
    std::vector<FilterCase> cases(7);
    cases[1].filters.tenant = "globex";
    cases[1].sql = " AND tenant_id = " + dict(DictKind::Tenant, "globex");
    cases[2].filters.tenant = "acme";
    cases[2].filters.model = "gemini-2.0-flash"; // only ever a response model
    cases[2].sql = " AND tenant_id = " + dict(DictKind::Tenant, "acme")
        + " AND coalesce(request_model_id, response_model_id) = " + dict(DictKind::Model, "gemini-2.0-flash");
    cases[3].filters.status = StatusFilter::Error;
    cases[3].sql = " AND status_code = 2";
    cases[4].filters.status = StatusFilter::Ok;
    cases[4].filters.environment = "staging";
    cases[4].filters.service = "search";
    cases[4].sql = " AND status_code <> 2 AND environment_id = " + dict(DictKind::Environment, "staging")
        + " AND service_id = " + dict(DictKind::Service, "search");
    cases[5].filters.prompt = promptFingerprint(3);
    cases[5].sql = " AND prompt_fp_id = " + dict(DictKind::PromptFingerprint, promptFingerprint(3));
    cases[6].filters.prompt = promptFingerprint(1);
    cases[6].filters.model = "gpt-4o";
    cases[6].filters.status = StatusFilter::Error;
    cases[6].sql = " AND status_code = 2 AND prompt_fp_id = " + dict(DictKind::PromptFingerprint, promptFingerprint(1))
        + " AND coalesce(request_model_id, response_model_id) = " + dict(DictKind::Model, "gpt-4o");
    return cases;
}

TimeRange randomWindow(std::mt19937_64& rng, int64_t maxMinutes)
{
    const int64_t from = kFrom - 30 + std::uniform_int_distribution<int64_t>(0, kMinutes)(rng);
    return { from, from + std::uniform_int_distribution<int64_t>(1, maxMinutes)(rng) };
}

std::string windowSql(const TimeRange& r)
{
    return "start_ns >= " + std::to_string(r.fromMinute * kNs) + " AND start_ns < " + std::to_string(r.toMinute * kNs);
}

struct QueryRollups : ::testing::Test
{
    // The database mixes every state a rollup hour can be in: folded into
    // hour and day rows, folded and then changed by spans that came later
    // (unfolded again), and never folded. Every answer must equal raw spans.
    static void SetUpTestSuite()
    {
        s_db = new QueryDb;
        // Spans of every hour update minute rows only, whatever today's date.
        s_db->retention.minuteRollupDays = 100 * 366;
        SpanMix first;
        first.fromMinute = kFrom;
        first.minutes = kMinutes / 2;
        first.spans = 12000;
        ASSERT_TRUE(s_db->writeSpans(first));
        ASSERT_GT(s_db->fold((kFrom + kMinutes / 2) * kNs), 24) << "the first day and a half";
        SpanMix second = first;
        second.seed = 2;
        second.fromMinute = kFrom + kMinutes / 2;
        second.spans = 11000;
        ASSERT_TRUE(s_db->writeSpans(second));
        SpanMix stragglers = first;
        stragglers.seed = 3;
        stragglers.spans = 1000;
        ASSERT_TRUE(s_db->writeSpans(stragglers));
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

} // namespace

TEST(RollupRanges, DecompositionCoversEveryMinuteOnceWithTheCoarsestRows)
{
    std::mt19937_64 rng(3);
    for (int trial = 0; trial < 2000; ++trial) {
        const int64_t from = std::uniform_int_distribution<int64_t>(-5000, 100000)(rng);
        const TimeRange r { from, from + std::uniform_int_distribution<int64_t>(0, 9000)(rng) };
        const auto pieces = decomposeRange(r);
        ASSERT_LE(pieces.size(), 5u);
        int64_t next = r.fromMinute;
        for (const RollupPiece& p : pieces) {
            ASSERT_EQ(p.fromSlot, next) << "contiguous, in order";
            ASSERT_EQ(slotOf(p.grain, p.fromSlot), p.fromSlot);
            ASSERT_EQ(slotOf(p.grain, p.toSlot), p.toSlot);
            ASSERT_LT(p.fromSlot, p.toSlot);
            // No whole coarser period is left to finer rows.
            if (p.grain != Grain::Day) {
                const int64_t c = minutesIn(p.grain == Grain::Minute ? Grain::Hour : Grain::Day);
                const int64_t firstWhole = -floorDiv(-p.fromSlot, c) * c;
                ASSERT_GT(firstWhole + c, p.toSlot) << "a whole " << c << "-minute period in a piece of finer rows";
            }
            next = p.toSlot;
        }
        ASSERT_EQ(next, r.empty() ? r.fromMinute : r.toMinute);
    }
    EXPECT_EQ(decomposeRange({ 60, 1440 * 2 + 61 }),
        (std::vector<RollupPiece> { { Grain::Hour, 60, 1440 }, { Grain::Day, 1440, 2880 }, { Grain::Hour, 2880, 2940 },
            { Grain::Minute, 2940, 2941 } }));
}

TEST_F(QueryRollups, HeatmapCellsAndPercentilesEqualRawSpans)
{
    std::mt19937_64 rng(5);
    const int widths[] = { 1, 7, 60, 90, 1440 };
    const int heights[] = { 1, 4, 8, 16 };
    int nonEmpty = 0; // the comparison is not vacuous
    for (const FilterCase& fc : filterCases()) {
        for (int trial = 0; trial < 5; ++trial) {
            HeatmapQuery q;
            q.columnMinutes = widths[std::uniform_int_distribution<int>(0, 4)(rng)];
            q.range = randomWindow(rng, q.columnMinutes == 1 ? 300 : 2 * 1440 + 200);
            q.bucketsPerRow = heights[std::uniform_int_distribution<int>(0, 3)(rng)];
            q.filters = fc.filters;
            SCOPED_TRACE(fc.sql + " window " + std::to_string(q.range.fromMinute) + ".."
                + std::to_string(q.range.toMinute) + " w=" + std::to_string(q.columnMinutes));
            const HeatmapResult r = queryHeatmap(db(), q);
            ASSERT_TRUE(r.ok()) << r.error;
            EXPECT_EQ(r.fromRawSpans, !fc.filters.prompt.empty());
            EXPECT_TRUE(r.coverage.complete);

            // The raw answer, binned by the rows' own bounds (not by bucketOf).
            std::map<std::pair<int, int>, std::pair<int64_t, int64_t>> expected;
            std::vector<std::vector<int64_t>> durations(r.columnStarts.size());
            int64_t total = 0;
            for (const auto& row : rawRows(db(),
                     "SELECT start_ns, duration_ns, status_code FROM spans WHERE " + windowSql(q.range) + fc.sql)) {
                const auto col = static_cast<int>((row[0] / kNs - q.range.fromMinute) / q.columnMinutes);
                const auto it = std::find_if(r.rows.begin(), r.rows.end(),
                    [&](const HeatmapRow& h) { return row[1] > h.lowerNs && row[1] <= h.upperNs; });
                ASSERT_NE(it, r.rows.end()) << "a span outside every row: " << row[1];
                auto& cell = expected[{ col, static_cast<int>(it - r.rows.begin()) }];
                ++cell.first;
                cell.second += row[2] == 2;
                durations[static_cast<size_t>(col)].push_back(row[1]);
                ++total;
            }
            std::map<std::pair<int, int>, std::pair<int64_t, int64_t>> actual;
            for (const HeatmapCell& c : r.cells)
                actual[{ c.column, c.row }] = { c.count, c.errorCount };
            EXPECT_EQ(actual, expected);
            EXPECT_EQ(r.total, total);
            nonEmpty += total > 0;
            if (fc.filters.status == StatusFilter::Error) {
                EXPECT_EQ(r.errorTotal, total);
            }

            // One cell by a literal COUNT with the exact bounds as well.
            if (!r.cells.empty()) {
                const HeatmapCell& c = r.cells[r.cells.size() / 2];
                const int64_t colFrom = r.columnStarts[static_cast<size_t>(c.column)];
                const TimeRange cr { colFrom, std::min(colFrom + q.columnMinutes, q.range.toMinute) };
                const HeatmapRow& h = r.rows[static_cast<size_t>(c.row)];
                EXPECT_EQ(c.count,
                    rawScalar(db(),
                        "SELECT count(*) FROM spans WHERE " + windowSql(cr) + " AND duration_ns > "
                            + std::to_string(h.lowerNs) + " AND duration_ns <= " + std::to_string(h.upperNs) + fc.sql));
            }
            for (size_t col = 0; col < durations.size(); ++col) {
                auto& d = durations[col];
                ASSERT_EQ(r.percentiles[col].count, static_cast<int64_t>(d.size()));
                if (d.empty())
                    continue;
                std::sort(d.begin(), d.end());
                const std::pair<double, double> ps[] = { { 0.5, r.percentiles[col].p50Ns },
                    { 0.95, r.percentiles[col].p95Ns }, { 0.99, r.percentiles[col].p99Ns } };
                for (const auto& [quantile, got] : ps) {
                    const auto rank = static_cast<size_t>(std::ceil(quantile * static_cast<double>(d.size())));
                    const double exact = static_cast<double>(d[std::max<size_t>(rank, 1) - 1]);
                    ASSERT_LE(std::abs(got - exact) / exact, 0.01) << "q" << quantile << " column " << col;
                }
            }
        }
    }
    EXPECT_GE(nonEmpty, 30);
}

TEST_F(QueryRollups, UnknownFilterNameMatchesNothingAndSaysSo)
{
    HeatmapQuery q;
    q.range = { kFrom, kFrom + 600 };
    q.columnMinutes = 60;
    q.filters.tenant = "nobody";
    const HeatmapResult r = queryHeatmap(db(), q);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.total, 0);
    EXPECT_EQ(r.columnStarts.size(), 10u);
    ASSERT_EQ(r.notices.size(), 1u);
    EXPECT_NE(r.notices[0].find("nobody"), std::string::npos);
}

TEST_F(QueryRollups, SpendPerTenantAndModelEqualsRawSpans)
{
    std::mt19937_64 rng(8);
    const int widths[] = { 1, 15, 60, 360, 1440 };
    std::vector<FilterCase> cases(3);
    cases[1].filters.tenant = "initech";
    cases[1].sql = " AND tenant_id = " + dictIdSql(static_cast<int>(DictKind::Tenant), "initech");
    cases[2].filters.environment = "prod";
    cases[2].filters.model = "claude-sonnet-4";
    cases[2].sql = " AND environment_id = " + dictIdSql(static_cast<int>(DictKind::Environment), "prod")
        + " AND coalesce(request_model_id, response_model_id) = "
        + dictIdSql(static_cast<int>(DictKind::Model), "claude-sonnet-4");
    int withSpend = 0;
    for (const FilterCase& fc : cases) {
        for (int trial = 0; trial < 8; ++trial) {
            SpendQuery q;
            q.columnMinutes = widths[std::uniform_int_distribution<int>(0, 4)(rng)];
            q.range = randomWindow(rng, q.columnMinutes == 1 ? 400 : 2 * 1440 + 300);
            q.filters = fc.filters;
            SCOPED_TRACE(
                fc.sql + " window " + std::to_string(q.range.fromMinute) + " w=" + std::to_string(q.columnMinutes));
            const SpendResult r = querySpend(db(), q);
            ASSERT_TRUE(r.ok()) << r.error;

            // (tenant or model id, column) -> totals, from raw spans.
            std::map<std::pair<int64_t, size_t>, SpendTotals> tenants, models;
            SpendTotals grand;
            for (const auto& row : rawRows(db(),
                     "SELECT (start_ns / " + std::to_string(kNs) + " - " + std::to_string(q.range.fromMinute) + ") / "
                         + std::to_string(q.columnMinutes)
                         + ", tenant_id, coalesce(request_model_id, response_model_id, 0), count(*),"
                           " coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), "
                           "coalesce(sum(cache_read_tokens), 0),"
                           " coalesce(sum(cache_write_tokens), 0), coalesce(sum(reasoning_tokens), 0), "
                           "coalesce(sum(cost_nano_usd), 0),"
                           " sum((flags & 16) != 0), sum((flags & 8) != 0) FROM spans WHERE (flags & 32) != 0 AND "
                         + windowSql(q.range) + fc.sql + " GROUP BY 1, 2, 3")) {
                const SpendTotals t { row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11] };
                tenants[{ row[1], static_cast<size_t>(row[0]) }] += t;
                models[{ row[2], static_cast<size_t>(row[0]) }] += t;
                grand += t;
            }
            EXPECT_EQ(r.grand, grand);
            withSpend += grand.requests > 0;
            for (const auto& [series, expected] :
                { std::pair { &r.byTenant, &tenants }, std::pair { &r.byModel, &models } }) {
                std::map<std::pair<int64_t, size_t>, SpendTotals> actual;
                for (const SpendSeries& s : *series) {
                    SpendTotals sum;
                    for (size_t c = 0; c < s.perColumn.size(); ++c) {
                        if (s.perColumn[c].requests)
                            actual[{ s.id, c }] = s.perColumn[c];
                        sum += s.perColumn[c];
                    }
                    EXPECT_EQ(sum, s.total) << s.name;
                }
                EXPECT_EQ(actual.size(), expected->size());
                for (const auto& [key, totals] : *expected) {
                    EXPECT_EQ(actual[key], totals) << "id " << key.first << " column " << key.second;
                }
            }
            for (size_t i = 1; i < r.byTenant.size(); ++i) {
                EXPECT_GE(r.byTenant[i - 1].total.costNanoUsd, r.byTenant[i].total.costNanoUsd);
            }
        }
    }
    EXPECT_GE(withSpend, 20);
}

TEST_F(QueryRollups, FailingPromptsEqualRawSpans)
{
    std::mt19937_64 rng(13);
    int ranked = 0;
    for (const std::string& tenant : { std::string(), std::string("umbrella") }) {
        for (int trial = 0; trial < 6; ++trial) {
            FailingPromptsQuery q;
            q.range = randomWindow(rng, 2 * 1440 + 500);
            q.tenant = tenant;
            q.limit = 5;
            q.minSpansForRate = 40;
            SCOPED_TRACE("tenant '" + tenant + "' window " + std::to_string(q.range.fromMinute) + ".."
                + std::to_string(q.range.toMinute));
            const FailingPromptsResult r = queryFailingPrompts(db(), q);
            ASSERT_TRUE(r.ok()) << r.error;
            const std::string where = " WHERE prompt_fp_id IS NOT NULL AND " + windowSql(q.range)
                + (tenant.empty() ? std::string()
                                  : " AND tenant_id = " + dictIdSql(static_cast<int>(DictKind::Tenant), tenant));
            std::map<int64_t, std::pair<int64_t, int64_t>> raw; // prompt -> spans, errors
            std::vector<int64_t> errorCounts;
            for (const auto& row : rawRows(
                     db(), "SELECT prompt_fp_id, count(*), sum(status_code = 2) FROM spans" + where + " GROUP BY 1")) {
                raw[row[0]] = { row[1], row[2] };
                if (row[2] > 0)
                    errorCounts.push_back(row[2]);
            }
            std::sort(errorCounts.rbegin(), errorCounts.rend());
            errorCounts.resize(std::min<size_t>(errorCounts.size(), 5));
            std::vector<int64_t> got;
            for (const FailingPrompt& p : r.byFailures)
                got.push_back(p.errors);
            EXPECT_EQ(got, errorCounts) << "the top failures by count";
            ranked += !r.byFailures.empty() && !r.byRate.empty();

            for (const auto* list : { &r.byFailures, &r.byRate }) {
                for (const FailingPrompt& p : *list) {
                    ASSERT_TRUE(raw.count(p.promptId));
                    EXPECT_EQ(p.spans, raw[p.promptId].first);
                    EXPECT_EQ(p.errors, raw[p.promptId].second);
                    int index = 0;
                    while (index < kPromptCount && promptFingerprint(index) != p.fingerprint)
                        ++index;
                    EXPECT_EQ(p.label, "prompt-" + std::to_string(index) + "@v1");
                    EXPECT_EQ(p.source, PromptSource::Name);
                    EXPECT_EQ(p.firstSeenNs,
                        rawScalar(db(),
                            "SELECT min(start_ns) FROM spans WHERE prompt_fp_id = " + std::to_string(p.promptId)));
                    // The top error types and their counts (names may tie).
                    std::vector<int64_t> rawTypes;
                    for (const auto& row : rawRows(db(),
                             "SELECT coalesce(error_type_id, 0), count(*) FROM spans" + where
                                 + " AND status_code = 2 AND prompt_fp_id = " + std::to_string(p.promptId)
                                 + " GROUP BY 1 ORDER BY 2 DESC LIMIT 3"))
                        rawTypes.push_back(row[1]);
                    std::vector<int64_t> types;
                    for (const PromptErrorType& t : p.topErrors)
                        types.push_back(t.count);
                    EXPECT_EQ(types, rawTypes);
                }
            }
            for (size_t i = 0; i < r.byRate.size(); ++i) {
                EXPECT_GE(r.byRate[i].spans, q.minSpansForRate);
                if (i > 0) {
                    EXPECT_GE(r.byRate[i - 1].failureRate, r.byRate[i].failureRate);
                }
            }
        }
    }
    EXPECT_GE(ranked, 8);
}

TEST(QueryRetention, PrunedMinuteRowsAreReportedAndTheRestIsExact)
{
    QueryDb data;
    data.retention.minuteRollupDays = 1;
    data.retention.rawMaxAgeHours = 24 * 365; // keep raw spans: they are the reference
    SpanMix mix;
    mix.spans = 6000;
    mix.fromMinute = kFrom;
    ASSERT_TRUE(data.writeSpans(mix));
    const int64_t now = kFrom + kMinutes; // minute rows before kFrom + 2 days go
    ASSERT_TRUE(data.retain(now * kNs));
    data.stopWriter();

    HeatmapQuery q;
    q.range = { kFrom + 1440 + 7, kFrom + 2 * 1440 + 100 }; // starts 7 minutes into an hour, in the pruned era
    q.columnMinutes = static_cast<int>(q.range.minutes());
    const HeatmapResult r = queryHeatmap(data.db(), q);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_FALSE(r.coverage.complete);
    ASSERT_TRUE(r.coverage.minuteRowsFrom.has_value());
    EXPECT_GE(*r.coverage.minuteRowsFrom, slotOf(Grain::Hour, now - 1440)) << "minute rows go by whole hours";
    const int64_t firstHour = (q.range.fromMinute / 60 + 1) * 60;
    EXPECT_EQ(r.coverage.missingMinutes, firstHour - q.range.fromMinute) << "only the head's minutes are gone";
    ASSERT_FALSE(r.notices.empty());
    EXPECT_NE(r.notices[0].find("retention"), std::string::npos) << r.notices[0];
    EXPECT_EQ(
        r.total, rawScalar(data.db(), "SELECT count(*) FROM spans WHERE " + windowSql({ firstHour, q.range.toMinute })))
        << "everything but the missing minutes is counted exactly";
}
