// Cost of one span's usage, and which spans count towards spend (genai/FACTS.md
// "Count tokens and cost once"). Everything is integer arithmetic: prices become
// micro-USD per 1M tokens, which is nano-USD per 1,000 tokens, and the sum is
// rounded once, so a 10-token embedding call costs 200 nano-USD, not 0.

#include "genaimapping.h"
#include "priceparse.h"
#include "pricetable.h"

#include <algorithm>
#include <limits>

namespace spanlight {

namespace {

// Token counts times prices in micro-USD exceed 64 bits long before they stop being plausible.
__extension__ typedef __int128 Wide;

Wide tokens(const std::optional<int64_t>& count)
{
    return std::max<int64_t>(count.value_or(0), 0);
}

/// Micro-USD per 1M tokens for each kind of token.
struct Rates
{
    int64_t input = 0;
    int64_t output = 0;
    int64_t cacheRead = 0;
    int64_t cacheWrite = 0;
    int64_t reasoning = 0;
};

Rates ratesFor(const PriceRow& row, Wide promptTokens)
{
    using pricing::microPerM;
    const auto orElse = [](double price, int64_t fallback) { return price < 0 ? fallback : microPerM(price); };
    const PriceRow::Tier* tier = nullptr;
    for (const auto& t : row.tiers) {
        if (promptTokens > t.aboveInputTokens && (!tier || t.aboveInputTokens > tier->aboveInputTokens))
            tier = &t;
    }
    if (!tier) {
        const int64_t input = microPerM(row.inputPerM);
        const int64_t output = microPerM(row.outputPerM);
        return { input, output, orElse(row.cacheReadPerM, input), orElse(row.cacheWritePerM, input),
            orElse(row.reasoningPerM, output) };
    }
    // A tier has no reasoning price of its own: thinking is output, at the tier's output rate.
    const int64_t input = microPerM(tier->inputPerM);
    const int64_t output = microPerM(tier->outputPerM);
    return { input, output, orElse(tier->cacheReadPerM, input), orElse(tier->cacheWritePerM, input), output };
}

bool hasUsage(const SpanRecord& span)
{
    return span.inputTokens || span.outputTokens || span.cacheReadTokens || span.cacheWriteTokens
        || span.reasoningTokens;
}

} // namespace

int64_t costNanoUsd(const PriceRow& row, const SpanRecord& usage)
{
    const Wide input = tokens(usage.inputTokens);
    const Wide output = tokens(usage.outputTokens);
    const Wide cacheRead = tokens(usage.cacheReadTokens);
    const Wide cacheWrite = tokens(usage.cacheWriteTokens);
    const Wide reasoning = tokens(usage.reasoningTokens);
    const Wide cached = cacheRead + cacheWrite;

    // Cached and reasoning tokens are priced at their own rates exactly once: where the
    // source already counted them in input/output, they come out of those first.
    const bool inputHasCache = usage.flags & kFlagInputIncludesCache;
    const bool outputHasReasoning = usage.flags & kFlagOutputIncludesReasoning;
    const Wide plainInput = inputHasCache ? std::max<Wide>(input - cached, 0) : input;
    const Wide plainOutput = outputHasReasoning ? std::max<Wide>(output - reasoning, 0) : output;
    // Tiers go by the whole prompt, cached part included (that is how providers bill long context).
    const Wide promptTokens = inputHasCache ? std::max(input, cached) : input + cached;

    const Rates rates = ratesFor(row, promptTokens);
    const Wide microTimesTokens = plainInput * rates.input + cacheRead * rates.cacheRead + cacheWrite * rates.cacheWrite
        + plainOutput * rates.output + reasoning * rates.reasoning;
    const Wide nano = (microTimesTokens + 500) / 1000;
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    return nano > kMax ? kMax : static_cast<int64_t>(nano);
}

void priceSpan(const PriceTable* table, SpanRecord& span)
{
    span.flags &= ~(kFlagUnpriced | kFlagSpendCounted);
    span.priceRowId.reset();
    const bool clientCost = (span.flags & kFlagClientCost) && span.costNanoUsd.has_value();
    if (!clientCost) {
        span.flags &= ~kFlagClientCost; // the flag promises a value
        span.costNanoUsd.reset();
    }
    const bool usage = hasUsage(span);
    if (!usage && !clientCost)
        return;

    // Agent, workflow, tool and retrieval spans repeat their children's usage: shown, never summed.
    const bool leaf = isInferenceOperation(span.operation) || span.operation.empty();
    if (leaf)
        span.flags |= kFlagSpendCounted;

    const PriceRow* row = nullptr;
    if (table) {
        // The response model names what was billed; the request model is the fallback
        // (an alias the response does not echo, or a response model no row knows).
        if (!span.responseModel.empty())
            row = table->match(span.provider, span.responseModel, span.startNs);
        if (!row && !span.requestModel.empty() && span.requestModel != span.responseModel)
            row = table->match(span.provider, span.requestModel, span.startNs);
    }
    if (row)
        span.priceRowId = row->id;
    if (clientCost)
        return;
    if (row)
        span.costNanoUsd = costNanoUsd(*row, span);
    else
        span.flags |= kFlagUnpriced;
}

} // namespace spanlight
