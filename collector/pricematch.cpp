#include "pricematch.h"

#include "priceparse.h"

#include <algorithm>
#include <mutex>

namespace spanlight::pricing {

namespace {

char asciiLower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), asciiLower);
    return out;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool allDigits(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), isDigit);
}

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size()
        && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) { return asciiLower(a) == b; });
}

/// Removes a Bedrock model id's region ("us.", "global.") and vendor ("anthropic.") prefix.
bool stripBedrockPrefix(std::string_view& name)
{
    static constexpr std::string_view kRegions[] = { "us.", "eu.", "apac.", "us-gov.", "global.", "ca.", "jp.", "au." };
    static constexpr std::string_view kVendors[] = { "anthropic.", "meta.", "mistral.", "cohere.", "amazon.", "ai21.",
        "deepseek.", "openai.", "qwen.", "writer." };
    std::string_view rest = name;
    for (const auto region : kRegions) {
        if (startsWithIgnoringCase(rest, region)) {
            rest.remove_prefix(region.size());
            break;
        }
    }
    for (const auto vendor : kVendors) {
        if (startsWithIgnoringCase(rest, vendor)) {
            name = rest.substr(vendor.size());
            return true;
        }
    }
    return false;
}

/// Removes one pin, date, "-latest" or "-vN" suffix, in that order of preference.
bool stripOneSuffix(std::string_view& name)
{
    const auto tail = [&](size_t n) { return name.size() > n ? name.substr(name.size() - n) : std::string_view {}; };
    if (const auto colon = name.rfind(':');
        colon != std::string_view::npos && colon > 0 && allDigits(name.substr(colon + 1))) {
        name = name.substr(0, colon); // Bedrock ":0"
        return true;
    }
    const auto isDateStart = [](char c) { return c == '-' || c == '@'; };
    if (const auto dashed = tail(11); !dashed.empty() && isDateStart(dashed[0]) && allDigits(dashed.substr(1, 4))
        && dashed[5] == '-' && allDigits(dashed.substr(6, 2)) && dashed[8] == '-' && allDigits(dashed.substr(9))) {
        name.remove_suffix(11); // "-2024-07-18"
        return true;
    }
    if (const auto compact = tail(9); !compact.empty() && isDateStart(compact[0]) && allDigits(compact.substr(1))) {
        name.remove_suffix(9); // "-20241022", "@20240620"
        return true;
    }
    if (startsWithIgnoringCase(tail(7), "-latest")) {
        name.remove_suffix(7);
        return true;
    }
    if (const auto dash = name.rfind('-'); dash != std::string_view::npos && dash > 0 && dash + 2 < name.size()
        && (name[dash + 1] == 'v' || name[dash + 1] == 'V') && allDigits(name.substr(dash + 2))) {
        name = name.substr(0, dash); // Bedrock "-v1", "-v2"
        return true;
    }
    return false;
}

bool isQuantifier(char c)
{
    return c == '?' || c == '*' || c == '{';
}

} // namespace

std::vector<ModelCandidate> modelCandidates(std::string_view model)
{
    while (!model.empty() && (model.front() == ' ' || model.front() == '\t'))
        model.remove_prefix(1);
    while (!model.empty() && (model.back() == ' ' || model.back() == '\t'))
        model.remove_suffix(1);

    std::vector<ModelCandidate> out;
    std::string hint;
    const auto push = [&](std::string_view name) {
        if (!name.empty() && (out.empty() || out.back().name != name))
            out.push_back({ std::string(name), lowered(name), hint });
    };
    push(model);
    std::string_view name = model;
    if (const auto slash = name.rfind('/'); slash != std::string_view::npos) {
        hint = canonicalProvider(name.substr(0, name.find('/')));
        name.remove_prefix(slash + 1);
        push(name);
    }
    if (stripBedrockPrefix(name))
        push(name);
    while (stripOneSuffix(name))
        push(name);
    return out;
}

PatternShape patternShape(std::string_view pattern)
{
    PatternShape shape;
    bool inPrefix = true;
    bool lastWasLiteral = false;
    bool lastInPrefix = false;
    bool topLevelAlternation = false;
    int depth = 0;
    const auto literal = [&](char c) {
        ++shape.literalChars;
        lastWasLiteral = true;
        // Beyond ASCII, case-insensitive matching folds more than asciiLower knows: end the prefix there.
        lastInPrefix = inPrefix && static_cast<unsigned char>(c) < 0x80;
        if (lastInPrefix)
            shape.literalPrefix += asciiLower(c);
        else
            inPrefix = false;
    };
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (isQuantifier(c) || c == '+') {
            // An optional character was counted as required: take it back. '+' keeps one.
            if (lastWasLiteral && c != '+') {
                --shape.literalChars;
                if (lastInPrefix)
                    shape.literalPrefix.pop_back();
            }
            inPrefix = false;
            lastWasLiteral = false;
            if (c == '{')
                i = std::min(pattern.find('}', i), pattern.size());
            continue;
        }
        lastWasLiteral = false;
        switch (c) {
        case '\\':
            if (i + 1 < pattern.size()) {
                const char next = pattern[++i];
                const bool isClass = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || isDigit(next);
                if (isClass)
                    inPrefix = false; // \d, \w, \b ...
                else
                    literal(next);
            }
            break;
        case '[':
            // Skip the class: "[-.]" is one of several characters, not a literal.
            for (++i; i < pattern.size() && pattern[i] != ']'; ++i) {
                if (pattern[i] == '\\')
                    ++i;
            }
            inPrefix = false;
            break;
        case '(':
            ++depth;
            inPrefix = false;
            break;
        case ')':
            --depth;
            break;
        case '|':
            topLevelAlternation = topLevelAlternation || depth == 0;
            inPrefix = false;
            break;
        case '.':
        case '^':
        case '$':
            inPrefix = false;
            break;
        default:
            literal(c);
        }
    }
    if (topLevelAlternation) {
        // Branches need not share a prefix; a pattern like this is treated as the least specific.
        shape.literalPrefix.clear();
        shape.literalChars = 0;
    }
    return shape;
}

MatchCache::Shard& MatchCache::shardFor(std::string_view key) const
{
    // High bits: the map inside the shard uses the low ones.
    return m_shards[(KeyHash {}(key) >> 28) % kShards];
}

int MatchCache::find(std::string_view key) const
{
    Shard& shard = shardFor(key);
    const std::shared_lock lock(shard.mutex);
    const auto it = shard.rows.find(key);
    return it == shard.rows.end() ? kNotCached : it->second;
}

void MatchCache::insert(std::string_view key, int rowIndex)
{
    Shard& shard = shardFor(key);
    const std::unique_lock lock(shard.mutex);
    if (shard.rows.size() >= kEntriesPerShard)
        shard.rows.clear();
    shard.rows.emplace(std::string(key), rowIndex);
}

size_t MatchCache::size() const
{
    size_t total = 0;
    for (const Shard& shard : m_shards) {
        const std::shared_lock lock(shard.mutex);
        total += shard.rows.size();
    }
    return total;
}

} // namespace spanlight::pricing
