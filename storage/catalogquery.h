#pragma once

#include "querytypes.h"

#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// How far back each kind of data goes: the console always shows how far back
/// raw spans go (DESIGN.md "What this machine can do").
struct RetentionHorizon : QueryStatus
{
    std::optional<int64_t> oldestRawMinute; ///< from span_minutes; nullopt when no span is stored
    std::optional<int64_t> newestRawMinute;
    std::optional<int64_t> oldestMinuteRollup; ///< oldest slot of rollup_latency per grain
    std::optional<int64_t> oldestHourRollup;
    std::optional<int64_t> oldestDayRollup;
};

RetentionHorizon queryRetentionHorizon(sqlite3* db);

/// Names for the filter pickers, sorted.
struct DictionaryListing : QueryStatus
{
    std::vector<std::string> tenants;
    std::vector<std::string> environments;
    std::vector<std::string> services;
    std::vector<std::string> models;
};

DictionaryListing queryDictionaries(sqlite3* db);

} // namespace spanlight
