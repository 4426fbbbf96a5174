#pragma once

#include "querytypes.h"

#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Spend of leaf inference spans over [range) in columns of \a columnMinutes.
/// rollup_spend has tenant, environment and model dimensions only: service,
/// prompt and status filters are refused with a notice, not applied.
struct SpendQuery
{
    TimeRange range;
    int columnMinutes = 60;
    QueryFilters filters;
};

/// One tenant's or one model's spend, per column and in total.
struct SpendSeries
{
    int64_t id = 0; ///< dictionary id (0: spans without a model)
    std::string name;
    SpendTotals total;
    std::vector<SpendTotals> perColumn;
};

struct SpendResult : QueryStatus
{
    std::vector<int64_t> columnStarts;
    std::vector<SpendSeries> byTenant; ///< most expensive first
    std::vector<SpendSeries> byModel; ///< most expensive first
    SpendTotals grand;
    RollupCoverage coverage;
};

/// Reads rollup_spend, each column from the coarsest rows that fit inside it.
SpendResult querySpend(sqlite3* db, const SpendQuery& query, const QueryControl& control = {});

} // namespace spanlight
