#pragma once

// Model-name normalisation, pattern specificity and the lookup cache behind
// PriceTable::match(). Internal to pricing.

#include <array>
#include <cstddef>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace spanlight::pricing {

/// One spelling of a model name to try, with the provider its prefix named (if any).
struct ModelCandidate
{
    std::string name;
    std::string lower; ///< ASCII lower case, for the literal-prefix pre-check
    std::string providerHint; ///< canonical provider from an "openai/..." style prefix
};

/// The model name as given, then with the provider path prefix ("openai/",
/// "publishers/google/models/"), the Bedrock region and vendor prefix
/// ("us.anthropic."), the version pin (":0", "-v1"), date suffixes
/// ("-2024-07-18", "-20241022", "@20240620") and "-latest" stripped one at a
/// time, each step a further candidate.
std::vector<ModelCandidate> modelCandidates(std::string_view model);

/// What makes one pattern more specific than another.
struct PatternShape
{
    std::string literalPrefix; ///< lower case; empty when the pattern has a top-level '|'
    int literalChars = 0; ///< characters that must appear literally
};
PatternShape patternShape(std::string_view pattern);

/// Memo of (provider, model, price epoch) → row index (-1: no row), shared by
/// the ingest threads. Sharded reader/writer locks keep hits cheap when many
/// threads price the same few models; each shard is bounded and simply starts
/// over when full, so a flood of distinct model names cannot grow memory.
class MatchCache
{
public:
    static constexpr int kNotCached = -2;
    static constexpr size_t kShards = 16;
    static constexpr size_t kEntriesPerShard = 256;

    int find(std::string_view key) const;
    void insert(std::string_view key, int rowIndex);
    size_t size() const;

private:
    struct KeyHash
    {
        using is_transparent = void;
        size_t operator()(std::string_view key) const { return std::hash<std::string_view> {}(key); }
    };
    struct alignas(64) Shard
    {
        mutable std::shared_mutex mutex;
        std::unordered_map<std::string, int, KeyHash, std::equal_to<>> rows;
    };
    Shard& shardFor(std::string_view key) const;

    mutable std::array<Shard, kShards> m_shards;
};

} // namespace spanlight::pricing
