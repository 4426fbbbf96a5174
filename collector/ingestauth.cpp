#include "ingestauth.h"

#include <algorithm>
#include <cctype>

namespace spanlight {

namespace {

std::string_view trimmed(std::string_view text)
{
    const auto isSpace = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

bool startsWithBearer(std::string_view text)
{
    constexpr std::string_view kScheme = "bearer";
    if (text.size() <= kScheme.size() || (text[kScheme.size()] != ' ' && text[kScheme.size()] != '\t'))
        return false;
    return std::equal(kScheme.begin(), kScheme.end(), text.begin(),
        [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

} // namespace

std::string_view presentedIngestKey(std::string_view authorization, std::string_view spanlightKeyHeader)
{
    authorization = trimmed(authorization);
    if (startsWithBearer(authorization))
        if (std::string_view key = trimmed(authorization.substr(6)); !key.empty())
            return key;
    return trimmed(spanlightKeyHeader);
}

std::string missingIngestKeyReason(std::string_view authorization)
{
    // Say what was wrong with the Authorization header, but never echo its
    // credentials: a key sent without "Bearer " would otherwise appear here.
    authorization = trimmed(authorization);
    const std::string_view scheme = authorization.substr(0, authorization.find_first_of(" \t"));
    std::string hint;
    if (authorization.rfind("spl_", 0) == 0)
        hint = " (the Authorization header holds a key without the 'Bearer ' scheme)";
    else if (startsWithBearer(std::string(scheme) + " "))
        hint = " (the Authorization header says Bearer but carries no key)";
    else if (!scheme.empty() && scheme.size() <= 16 && std::all_of(scheme.begin(), scheme.end(), [](char c) {
                 return std::isalpha(static_cast<unsigned char>(c));
             }))
        hint = " (the Authorization header uses the scheme '" + std::string(scheme) + "', not Bearer)";
    else if (!authorization.empty())
        hint = " (the Authorization header is not 'Bearer <key>')";
    return "an ingest key is required" + hint
        + ": send 'Authorization: Bearer spl_...' or 'x-spanlight-key: spl_...' (create one with spanlight keys "
          "create)";
}

} // namespace spanlight
