#pragma once

#include "records.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spanlight {

/// One price: USD per 1M tokens from an effective date on (genai/FACTS.md "Pricing").
struct PriceRow
{
    int64_t id = 0; ///< stable across restarts: a hash of the row's canonical JSON (53 bits, > 0)
    std::string provider; ///< empty: any provider
    std::string pattern; ///< regular expression over the normalised model name, matched whole
    int64_t effectiveFromNs = 0; ///< UTC
    double inputPerM = 0;
    double outputPerM = 0;
    double cacheReadPerM = -1; ///< < 0: priced as input
    double cacheWritePerM = -1; ///< < 0: priced as input
    double reasoningPerM = -1; ///< < 0: priced as output
    /// Higher prices once a request's input tokens exceed a threshold (e.g. > 200k).
    struct Tier
    {
        int64_t aboveInputTokens = 0;
        double inputPerM = 0;
        double outputPerM = 0;
        double cacheReadPerM = -1;
        double cacheWritePerM = -1;
    };
    std::vector<Tier> tiers;
    bool userRow = false; ///< from the user's override file
    std::string canonicalJson; ///< the row as stored with spans (price_rows table)
};

/// The built-in price table (resources/pricing.json) plus the user's overrides.
class PriceTable
{
public:
    /// Parses the built-in JSON and, when \a userFile exists, the user's rows
    /// (tried first). A broken user file is an error with its line, not ignored.
    static std::shared_ptr<const PriceTable> load(const std::string& userFile, std::string* error);
    /// From JSON text (tests, and load()).
    static std::shared_ptr<const PriceTable> fromJson(
        std::string_view builtinJson, std::string_view userJson, std::string* error);
    /// The built-in table's JSON text.
    static std::string_view builtinJson();
    /// Where the user's overrides live: $XDG_CONFIG_HOME/spanlight/pricing.json.
    static std::string defaultUserFile();

    /// User rows first, most specific pattern first, newest effective date not
    /// after \a atNs first; retries with the provider prefix, a date suffix and a
    /// Bedrock version pin stripped. Null when nothing matches.
    const PriceRow* match(std::string_view provider, std::string_view model, int64_t atNs) const;
    const PriceRow* row(int64_t id) const;
    const std::vector<PriceRow>& rows() const { return m_rows; }

private:
    static std::shared_ptr<const PriceTable> build(
        std::string_view builtinJson, std::string_view userJson, const std::string& userLabel, std::string* error);

    std::vector<PriceRow> m_rows;
    struct Compiled;
    static std::shared_ptr<const Compiled> compile(const std::vector<PriceRow>& rows);
    std::shared_ptr<const Compiled> m_compiled;
};

/// Sets cost, price row and the cost flags of a normalised span: a client-
/// reported cost wins (kFlagClientCost); leaf inference operations count
/// towards spend (kFlagSpendCounted), agent/workflow parents never do; usage
/// with no matching price → kFlagUnpriced and no cost (never a silent 0).
void priceSpan(const PriceTable* table, SpanRecord& span);

/// Cost in nano-USD of one request's usage under \a row, honouring the span's
/// kFlagInputIncludesCache / kFlagOutputIncludesReasoning assumptions and tiers.
int64_t costNanoUsd(const PriceRow& row, const SpanRecord& usage);

} // namespace spanlight
