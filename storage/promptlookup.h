#pragma once

#include "querytypes.h"

#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Prompt fingerprints whose label (or fingerprint) is \a text, newest seen
/// first. The comparison names prompts by label; a filter needs the
/// fingerprint, and labels (text excerpts) are not guaranteed unique.
struct PromptLookupResult : QueryStatus
{
    std::vector<std::string> fingerprints;
};

PromptLookupResult queryPromptFingerprints(sqlite3* db, const std::string& text);

} // namespace spanlight
