#pragma once

#include "latencyhistogram.h"
#include "sqliteconnection.h"

#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <span>
#include <unordered_map>

namespace spanlight {

class SqlDialect;

/// Rollup time grains. A row's slot is the first unix minute of its period, so
/// every grain compares and converts with the same integer arithmetic.
enum class Grain : int { Minute = 1, Hour = 2, Day = 3 };
constexpr int64_t kNsPerMinute = 60'000'000'000;

constexpr int64_t minutesIn(Grain g)
{
    return g == Grain::Minute ? 1 : g == Grain::Hour ? 60 : 1440;
}
/// Floor division: spans before 1970 (clock bugs) still land in a valid slot.
constexpr int64_t floorDiv(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
constexpr int64_t minuteOf(int64_t ns)
{
    return floorDiv(ns, kNsPerMinute);
}
constexpr int64_t slotOf(Grain g, int64_t minute)
{
    return floorDiv(minute, minutesIn(g)) * minutesIn(g);
}

/// One stored span as the rollups see it: dictionary ids resolved, absent
/// numbers as 0. The writer also keeps these for spans whose prompt may still
/// change (content logs that arrive late), to move them between prompts.
struct SpanFacts
{
    int64_t rowId = 0;
    int64_t startNs = 0;
    int64_t durationNs = 0;
    int64_t tenantId = 0;
    int64_t environmentId = 0;
    int64_t serviceId = 0;
    int64_t modelId = 0; ///< request model, else response model
    int64_t promptId = 0; ///< 0: not a prompt call
    int64_t errorTypeId = 0;
    bool isError = false;
    int flags = 0; ///< SpanFlags
    int64_t inputTokens = 0;
    int64_t outputTokens = 0;
    int64_t cacheReadTokens = 0;
    int64_t cacheWriteTokens = 0;
    int64_t reasoningTokens = 0;
    int64_t costNanoUsd = 0;
};

/// Which rollup grains the spans of an hour update (unix minutes of hour starts;
/// readGrainBounds() in rollupfold.h derives them from retention's cutoffs).
struct RollupGrainBounds
{
    /// Hours before this one are past retention's minute-row cutoff: their
    /// minute rows are gone or about to go, so their spans update hour and
    /// day rows only (a stray minute row would claim coverage that is not there).
    int64_t minuteRowsFrom = std::numeric_limits<int64_t>::min();
    /// Hours from this one on update minute rows only and are marked unfolded
    /// (folded into hour and day rows later, rollupfold.h). Hours in between
    /// update every grain at once.
    int64_t minuteOnlyFrom = std::numeric_limits<int64_t>::max();
};

/// Pre-aggregates one transaction's spans in memory (DESIGN.md rule 7) and
/// writes them as upserts into the rollup tables, inside the same transaction
/// as the spans. Which grains a span updates depends on its hour (RollupGrainBounds).
class RollupAccumulator
{
public:
    RollupAccumulator(sqlite3* db, const SqlDialect& dialect);
    bool valid() const;

    /// Default: every grain is written.
    void setGrainBounds(const RollupGrainBounds& bounds) { m_bounds = bounds; }

    void addSpan(const SpanFacts& span);
    /// Moves a stored span's share of the prompt rollups from its current
    /// prompt to \a newPromptId (a content log arrived after the span).
    void movePrompt(const SpanFacts& span, int64_t newPromptId);

    /// Changes a stored span's cost (re-pricing) in the spend and prompt rollups.
    void addCostDelta(const SpanFacts& span, int64_t costDelta, int64_t unpricedDelta);

    /// Writes and clears the accumulated rows. Returns an SQLite result code.
    int flush();
    /// Forgets the accumulated rows (the transaction rolled back).
    void clear();

private:
    template <size_t N> struct KeyHash
    {
        size_t operator()(const std::array<int64_t, N>& key) const
        {
            size_t h = 0;
            for (int64_t v : key)
                h = h * 1000003u ^ std::hash<int64_t>()(v);
            return h;
        }
    };
    template <size_t N, typename V> using Map = std::unordered_map<std::array<int64_t, N>, V, KeyHash<N>>;

    struct LatencyValue
    {
        int64_t spans = 0;
        int64_t durationSum = 0;
        LatencyHistogram histogram;
    };
    struct SpendValue
    {
        std::array<int64_t, 9> sums {}; // requests, 5 token kinds, cost, unpriced, client cost
    };
    struct PromptValue
    {
        int64_t spans = 0, errors = 0, durationSum = 0, cost = 0;
    };

    void addPromptShare(const SpanFacts& span, int64_t promptId, int sign);
    /// The grains a span starting in \a minute updates (noting its hour unfolded
    /// when that is the minute grain only).
    std::span<const Grain> grainsFor(int64_t minute);

    // Keys: grain, slot, dimensions...
    Map<7, LatencyValue> m_latency; // tenant, environment, service, model, is_error
    Map<3, LatencyValue> m_latencyTotal; // is_error
    Map<5, SpendValue> m_spend; // tenant, environment, model
    Map<5, PromptValue> m_prompt; // prompt, tenant, environment
    Map<3, PromptValue> m_promptTotal; // prompt
    Map<6, int64_t> m_promptErrors; // prompt, tenant, environment, error type
    std::set<int64_t> m_unfoldedHours;
    int64_t m_lastMarkedHour = std::numeric_limits<int64_t>::min(); // spares a set lookup per span
    RollupGrainBounds m_bounds;
    Statement m_latencyUpsert, m_latencyTotalUpsert, m_spendUpsert, m_promptUpsert, m_promptTotalUpsert,
        m_promptErrorUpsert, m_markUnfolded;
};

} // namespace spanlight
