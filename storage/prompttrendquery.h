#pragma once

#include "querytypes.h"

#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Spans and failures of a few named prompts per column of \a columnMinutes
/// over [range), from rollup_prompt: the failing-prompts view's sparklines.
struct PromptTrendQuery
{
    TimeRange range;
    int columnMinutes = 60;
    std::vector<std::string> prompts; ///< fingerprints
    std::string tenant; ///< empty: every tenant
    std::string environment;
};

struct PromptTrend
{
    std::string fingerprint;
    std::vector<int64_t> spans; ///< per column
    std::vector<int64_t> errors; ///< per column
};

struct PromptTrendResult : QueryStatus
{
    std::vector<int64_t> columnStarts;
    std::vector<PromptTrend> trends; ///< in the order of PromptTrendQuery::prompts
    RollupCoverage coverage;
};

PromptTrendResult queryPromptTrends(sqlite3* db, const PromptTrendQuery& query, const QueryControl& control = {});

} // namespace spanlight
