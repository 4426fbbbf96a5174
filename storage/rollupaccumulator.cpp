#include "rollupaccumulator.h"

#include "records.h"
#include "sqldialect.h"

#include <algorithm>
#include <sqlite3.h>

namespace spanlight {

namespace {

constexpr Grain kAllGrains[] = { Grain::Minute, Grain::Hour, Grain::Day };

/// Sums of durations saturate instead of overflowing: a span with a bogus
/// start time (0) lasts ~56 years in nanoseconds.
int64_t saturatingAdd(int64_t a, int64_t b)
{
    int64_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

int step(sqlite3_stmt* s)
{
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

template <size_t N> void bindKey(sqlite3_stmt* s, const std::array<int64_t, N>& key)
{
    for (size_t i = 0; i < N; ++i)
        sqlite3_bind_int64(s, static_cast<int>(i + 1), key[i]);
}

/// A map's entries in key order: neighbouring upserts then touch neighbouring
/// B-tree pages, where the hash map's order would scatter them over the tree.
template <typename Map> std::vector<const typename Map::value_type*> inKeyOrder(const Map& map)
{
    std::vector<const typename Map::value_type*> entries;
    entries.reserve(map.size());
    for (const auto& entry : map)
        entries.push_back(&entry);
    std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    return entries;
}

} // namespace

RollupAccumulator::RollupAccumulator(sqlite3* db, const SqlDialect& dialect)
    : m_latencyUpsert(db, dialect.upsertLatencyRollup())
    , m_latencyTotalUpsert(db, dialect.upsertLatencyTotal())
    , m_spendUpsert(db, dialect.upsertSpendRollup())
    , m_promptUpsert(db, dialect.upsertPromptRollup())
    , m_promptTotalUpsert(db, dialect.upsertPromptTotal())
    , m_promptErrorUpsert(db, dialect.upsertPromptErrorRollup())
    , m_markUnfolded(db, dialect.markHourUnfolded())
{
}

bool RollupAccumulator::valid() const
{
    return m_latencyUpsert.valid() && m_latencyTotalUpsert.valid() && m_spendUpsert.valid() && m_promptUpsert.valid()
        && m_promptTotalUpsert.valid() && m_promptErrorUpsert.valid() && m_markUnfolded.valid();
}

std::span<const Grain> RollupAccumulator::grainsFor(int64_t minute)
{
    const int64_t hour = slotOf(Grain::Hour, minute);
    if (hour < m_bounds.minuteRowsFrom)
        return std::span<const Grain>(kAllGrains).subspan(1);
    if (hour < m_bounds.minuteOnlyFrom)
        return kAllGrains;
    if (hour != m_lastMarkedHour) {
        m_unfoldedHours.insert(hour);
        m_lastMarkedHour = hour;
    }
    return std::span<const Grain>(kAllGrains, 1);
}

void RollupAccumulator::addSpan(const SpanFacts& span)
{
    const int64_t minute = minuteOf(span.startNs);
    const int bucket = latency::bucketOf(span.durationNs);
    for (Grain g : grainsFor(minute)) {
        const int64_t grain = static_cast<int64_t>(g), slot = slotOf(g, minute);
        // The full-dimension row, and the total row unfiltered questions read.
        const int64_t tenant = span.tenantId > 0 ? span.tenantId : -1;
        for (LatencyValue* v :
            { &m_latency[{ grain, slot, tenant, span.environmentId, span.serviceId, span.modelId, span.isError }],
                &m_latencyTotal[{ grain, slot, span.isError }] }) {
            ++v->spans;
            v->durationSum = saturatingAdd(v->durationSum, span.durationNs);
            v->histogram.addBucket(bucket, 1);
        }
        if (span.flags & kFlagSpendCounted) {
            SpendValue& v = m_spend[{ grain, slot, span.tenantId, span.environmentId, span.modelId }];
            const int64_t add[9] = { 1, span.inputTokens, span.outputTokens, span.cacheReadTokens,
                span.cacheWriteTokens, span.reasoningTokens, span.costNanoUsd, (span.flags & kFlagUnpriced) ? 1 : 0,
                (span.flags & kFlagClientCost) ? 1 : 0 };
            for (size_t i = 0; i < 9; ++i)
                v.sums[i] += add[i];
        }
    }
    if (span.promptId > 0)
        addPromptShare(span, span.promptId, +1);
}

void RollupAccumulator::movePrompt(const SpanFacts& span, int64_t newPromptId)
{
    if (span.promptId == newPromptId)
        return;
    if (span.promptId > 0)
        addPromptShare(span, span.promptId, -1);
    if (newPromptId > 0)
        addPromptShare(span, newPromptId, +1);
}

void RollupAccumulator::addCostDelta(const SpanFacts& span, int64_t costDelta, int64_t unpricedDelta)
{
    if (!(span.flags & kFlagSpendCounted))
        return;
    const int64_t minute = minuteOf(span.startNs);
    for (Grain g : grainsFor(minute)) {
        const int64_t grain = static_cast<int64_t>(g), slot = slotOf(g, minute);
        SpendValue& v = m_spend[{ grain, slot, span.tenantId, span.environmentId, span.modelId }];
        v.sums[6] += costDelta;
        v.sums[7] += unpricedDelta;
        if (span.promptId > 0) {
            m_prompt[{ grain, slot, span.promptId, span.tenantId, span.environmentId }].cost += costDelta;
            if (g != Grain::Minute)
                m_promptTotal[{ grain, slot, span.promptId }].cost += costDelta;
        }
    }
}

void RollupAccumulator::addPromptShare(const SpanFacts& span, int64_t promptId, int sign)
{
    const int64_t minute = minuteOf(span.startNs);
    const int64_t cost = (span.flags & kFlagSpendCounted) ? span.costNanoUsd : 0;
    for (Grain g : grainsFor(minute)) {
        const int64_t grain = static_cast<int64_t>(g), slot = slotOf(g, minute);
        // rollup_prompt_total has no minute rows: questions read rollup_prompt's.
        PromptValue* total = g == Grain::Minute ? nullptr : &m_promptTotal[{ grain, slot, promptId }];
        for (PromptValue* v : { &m_prompt[{ grain, slot, promptId, span.tenantId, span.environmentId }], total }) {
            if (!v)
                continue;
            v->spans += sign;
            v->errors += span.isError ? sign : 0;
            v->durationSum = saturatingAdd(v->durationSum, sign * span.durationNs);
            v->cost += sign * cost;
        }
        if (span.isError)
            m_promptErrors[{ grain, slot, promptId, span.tenantId, span.environmentId, span.errorTypeId }] += sign;
    }
}

int RollupAccumulator::flush()
{
    int rc = SQLITE_OK;
    for (const auto* entry : inKeyOrder(m_latency)) {
        const auto& [key, v] = *entry;
        sqlite3_stmt* s = m_latencyUpsert.get();
        bindKey(s, key);
        sqlite3_bind_int64(s, 8, v.spans);
        sqlite3_bind_int64(s, 9, v.durationSum);
        const std::string hist = v.histogram.encode();
        sqlite3_bind_blob(s, 10, hist.data(), static_cast<int>(hist.size()), SQLITE_STATIC);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    for (const auto* entry : inKeyOrder(m_latencyTotal)) {
        const auto& [key, v] = *entry;
        sqlite3_stmt* s = m_latencyTotalUpsert.get();
        bindKey(s, key);
        sqlite3_bind_int64(s, 4, v.spans);
        sqlite3_bind_int64(s, 5, v.durationSum);
        const std::string hist = v.histogram.encode();
        sqlite3_bind_blob(s, 6, hist.data(), static_cast<int>(hist.size()), SQLITE_STATIC);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    for (const auto* entry : inKeyOrder(m_promptTotal)) {
        const auto& [key, v] = *entry;
        sqlite3_stmt* s = m_promptTotalUpsert.get();
        bindKey(s, key);
        sqlite3_bind_int64(s, 4, v.spans);
        sqlite3_bind_int64(s, 5, v.errors);
        sqlite3_bind_int64(s, 6, v.durationSum);
        sqlite3_bind_int64(s, 7, v.cost);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    for (const auto* entry : inKeyOrder(m_spend)) {
        const auto& [key, v] = *entry;
        sqlite3_stmt* s = m_spendUpsert.get();
        bindKey(s, key);
        for (size_t i = 0; i < v.sums.size(); ++i)
            sqlite3_bind_int64(s, static_cast<int>(6 + i), v.sums[i]);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    for (const auto* entry : inKeyOrder(m_prompt)) {
        const auto& [key, v] = *entry;
        sqlite3_stmt* s = m_promptUpsert.get();
        bindKey(s, key);
        sqlite3_bind_int64(s, 6, v.spans);
        sqlite3_bind_int64(s, 7, v.errors);
        sqlite3_bind_int64(s, 8, v.durationSum);
        sqlite3_bind_int64(s, 9, v.cost);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    for (const auto* entry : inKeyOrder(m_promptErrors)) {
        const auto& [key, count] = *entry;
        sqlite3_stmt* s = m_promptErrorUpsert.get();
        bindKey(s, key);
        sqlite3_bind_int64(s, 7, count);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    for (int64_t hour : m_unfoldedHours) {
        sqlite3_bind_int64(m_markUnfolded.get(), 1, hour);
        if ((rc = step(m_markUnfolded.get())) != SQLITE_OK)
            return rc;
    }
    clear();
    return SQLITE_OK;
}

void RollupAccumulator::clear()
{
    m_latency.clear();
    m_latencyTotal.clear();
    m_spend.clear();
    m_prompt.clear();
    m_promptTotal.clear();
    m_promptErrors.clear();
    m_unfoldedHours.clear();
    m_lastMarkedHour = std::numeric_limits<int64_t>::min();
}

} // namespace spanlight
