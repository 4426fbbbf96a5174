#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spanlight {

/// A half-open range of unix minutes [fromMinute, toMinute). Every read-side
/// query works on whole minutes: the finest rollup grain (docs/queries.md).
struct TimeRange
{
    int64_t fromMinute = 0;
    int64_t toMinute = 0;

    int64_t minutes() const { return toMinute > fromMinute ? toMinute - fromMinute : 0; }
    bool empty() const { return toMinute <= fromMinute; }
};

enum class StatusFilter { Any, Ok, Error };

/// Filters by display name; empty means "any". Names are resolved through the
/// `dict` table; a name that was never stored matches nothing.
struct QueryFilters
{
    std::string tenant;
    std::string environment;
    std::string service;
    std::string model; ///< request model, else response model
    std::string prompt; ///< prompt fingerprint (16 hex characters)
    StatusFilter status = StatusFilter::Any;

    bool hasDimension() const
    {
        return !tenant.empty() || !environment.empty() || !service.empty() || !model.empty() || !prompt.empty();
    }
};

/// Lets a caller stop a synchronous query: checked between statements and in
/// long C++ loops (a running statement is stopped with sqlite3_interrupt).
struct QueryControl
{
    const std::atomic<bool>* cancelled = nullptr;

    bool stopRequested() const { return cancelled && cancelled->load(std::memory_order_relaxed); }
};

/// What every query result carries besides its data.
struct QueryStatus
{
    std::string error; ///< empty on success
    bool interrupted = false; ///< stopped by cancel/supersede: the data is incomplete
    std::vector<std::string> notices; ///< caveats a view should show (e.g. rollup rows no longer kept)

    bool ok() const { return error.empty(); }
};

/// How much of a rollup-based answer is exact (docs/queries.md "Retention").
struct RollupCoverage
{
    bool complete = true;
    int64_t missingMinutes = 0; ///< minutes of the range whose fine rows are no longer kept
    std::optional<int64_t> minuteRowsFrom; ///< oldest minute slot still held, when minute rows were pruned
    std::optional<int64_t> hourRowsFrom; ///< oldest hour slot still held, when hour rows were pruned
};

/// Spends and usage of a group of leaf inference spans (kFlagSpendCounted).
struct SpendTotals
{
    int64_t requests = 0;
    int64_t inputTokens = 0;
    int64_t outputTokens = 0;
    int64_t cacheReadTokens = 0;
    int64_t cacheWriteTokens = 0;
    int64_t reasoningTokens = 0;
    int64_t costNanoUsd = 0;
    int64_t unpricedRequests = 0; ///< usage without a matching price row: cost unknown, not 0
    int64_t clientCostRequests = 0; ///< cost as reported by the client

    SpendTotals& operator+=(const SpendTotals& o);
    bool operator==(const SpendTotals&) const = default;
};

inline SpendTotals& SpendTotals::operator+=(const SpendTotals& o)
{
    requests += o.requests;
    inputTokens += o.inputTokens;
    outputTokens += o.outputTokens;
    cacheReadTokens += o.cacheReadTokens;
    cacheWriteTokens += o.cacheWriteTokens;
    reasoningTokens += o.reasoningTokens;
    costNanoUsd += o.costNanoUsd;
    unpricedRequests += o.unpricedRequests;
    clientCostRequests += o.clientCostRequests;
    return *this;
}

} // namespace spanlight
