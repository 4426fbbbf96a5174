#include "tenantpurge.h"

#include "latencyhistogram.h"
#include "purgestatement.h"
#include "rollupaccumulator.h"

// The rollup part of a tenant purge: the tenant's dimension rows go, and the
// total rows that also counted its spans are computed again from the
// dimension rows that remain. Recomputing (rather than subtracting) is exact
// for every value, histograms included, and leaves no total row behind for a
// period only this tenant had: the result is what a database that never held
// the tenant's spans would contain.

namespace spanlight {

namespace {

using Rollup = SqlDialect::PurgeRollup;

constexpr Rollup kRollups[] = { Rollup::Latency, Rollup::Spend, Rollup::Prompt, Rollup::PromptError };
constexpr const char* kRollupNames[] = { "rollup_latency", "rollup_spend", "rollup_prompt", "rollup_prompt_error" };

// Column layout of SqlDialect::purgeRollupWindow.
enum RollupColumn { kGrain = 0, kSlot = 1, kTenant = 2, kPrompt = 3, kIsError = 4, kFirstDictId = 5 };

/// Sums of durations saturate, as when the writer accumulates them.
int64_t saturatingAdd(int64_t a, int64_t b)
{
    int64_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

} // namespace

int TenantPurge::rollupStep(sqlite3* db, const SqlDialect& dialect)
{
    const Rollup table = kRollups[m_rollupTable];
    const Slot from = m_slotCursor;
    // The window ends at the period about stepRows rows on, so it holds whole
    // periods: a total row is recomputed from all of its period's rows at once.
    PurgeStatement end(db, dialect.purgeRollupWindowEnd(table));
    end.bind(1, from.first).bind(2, from.second).bind(3, m_stepRows);
    Slot to(INT64_MAX, INT64_MAX);
    const bool last = !end.next();
    if (end.rc() != SQLITE_OK)
        return end.rc();
    if (!last) {
        to = { end.integer(0), end.integer(1) };
        if (to == from)
            to.second = from.second + 1; // one period of more than stepRows rows
    }

    PurgeStatement window(db, dialect.purgeRollupWindow(table));
    window.bind(1, from.first).bind(2, from.second).bind(3, to.first).bind(4, to.second);
    std::vector<int64_t> dictIds;
    while (window.next()) {
        const bool tenantRow = isTenant(window.integer(kTenant));
        dictIds.clear();
        for (int c = kFirstDictId; c < window.columns(); ++c)
            dictIds.push_back(window.integer(c));
        noteReferences(tenantRow, 0, window.integer(kPrompt), dictIds);
        if (!tenantRow)
            continue;
        const int64_t grain = window.integer(kGrain), slot = window.integer(kSlot);
        if (table == Rollup::Latency)
            m_latencyTotals.insert({ grain, slot, window.integer(kIsError) });
        else if (table == Rollup::Prompt && grain != static_cast<int64_t>(Grain::Minute))
            m_promptTotals.insert({ grain, slot, window.integer(kPrompt) }); // totals have no minute rows
    }
    if (window.rc() != SQLITE_OK)
        return window.rc();

    PurgeStatement remove(db, dialect.purgeDeleteRollupRows(table));
    for (int64_t tenantId : m_tenantIds)
        count(kRollupNames[m_rollupTable],
            remove.bind(1, from.first)
                .bind(2, from.second)
                .bind(3, to.first)
                .bind(4, to.second)
                .bind(5, tenantId)
                .run());
    if (remove.rc() != SQLITE_OK)
        return remove.rc();
    if (const int rc = recomputeTotals(db, dialect); rc != SQLITE_OK)
        return rc;

    m_slotCursor = to;
    if (last) {
        m_slotCursor = { INT64_MIN, INT64_MIN };
        if (++m_rollupTable == static_cast<int>(std::size(kRollups)))
            m_phase = Phase::Forget;
    }
    return SQLITE_OK;
}

int TenantPurge::recomputeTotals(sqlite3* db, const SqlDialect& dialect)
{
    {
        PurgeStatement sources(db, dialect.purgeLatencyTotalSources());
        PurgeStatement remove(db, dialect.purgeDeleteLatencyTotal());
        PurgeStatement insert(db, dialect.purgeInsertLatencyTotal());
        for (const auto& [grain, slot, isError] : m_latencyTotals) {
            sources.bind(1, grain).bind(2, slot).bind(3, isError);
            bool any = false;
            int64_t spans = 0, durationSum = 0;
            LatencyHistogram histogram;
            while (sources.next()) {
                any = true;
                spans += sources.integer(0);
                durationSum = saturatingAdd(durationSum, sources.integer(1));
                if (!histogram.mergeEncoded(sources.blob(2))) {
                    sources.reset();
                    return SQLITE_CORRUPT; // a histogram the writer never wrote
                }
            }
            sources.reset();
            const int64_t removed = remove.bind(1, grain).bind(2, slot).bind(3, isError).run();
            if (!any) {
                count("rollup_latency_total", removed);
                continue;
            }
            const std::string encoded = histogram.encode();
            insert.bind(1, grain).bind(2, slot).bind(3, isError).bind(4, spans).bind(5, durationSum);
            insert.bindBlob(6, encoded).run();
            ++m_pendingRewritten["rollup_latency_total"];
        }
        for (const PurgeStatement* s : { &sources, &remove, &insert })
            if (s->rc() != SQLITE_OK)
                return s->rc();
    }
    m_latencyTotals.clear();

    PurgeStatement sources(db, dialect.purgePromptTotalSources());
    PurgeStatement remove(db, dialect.purgeDeletePromptTotal());
    PurgeStatement insert(db, dialect.purgeInsertPromptTotal());
    for (const auto& [grain, slot, prompt] : m_promptTotals) {
        sources.bind(1, grain).bind(2, slot).bind(3, prompt);
        bool any = false;
        int64_t spans = 0, errors = 0, durationSum = 0, cost = 0;
        while (sources.next()) {
            any = true;
            spans += sources.integer(0);
            errors += sources.integer(1);
            durationSum = saturatingAdd(durationSum, sources.integer(2));
            cost = saturatingAdd(cost, sources.integer(3));
        }
        sources.reset();
        const int64_t removed = remove.bind(1, grain).bind(2, slot).bind(3, prompt).run();
        if (!any) {
            count("rollup_prompt_total", removed);
            continue;
        }
        insert.bind(1, grain).bind(2, slot).bind(3, prompt).bind(4, spans).bind(5, errors).bind(6, durationSum);
        insert.bind(7, cost).run();
        ++m_pendingRewritten["rollup_prompt_total"];
    }
    m_promptTotals.clear();
    for (const PurgeStatement* s : { &sources, &remove, &insert })
        if (s->rc() != SQLITE_OK)
            return s->rc();
    return SQLITE_OK;
}

} // namespace spanlight
