#pragma once

#include "querytypes.h"

#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Spend per tenant × model over [range): what SpendResult's separate tenant
/// and model series cannot say (which model a tenant spends most on).
struct TenantModelQuery
{
    TimeRange range;
    QueryFilters filters; ///< tenant, environment and model apply; the rest is refused with a notice
};

struct TenantModelSpend
{
    std::string tenant; ///< "(none)" for spans without a tenant
    std::string model; ///< "(none)" for spans without a model
    SpendTotals total;
};

struct TenantModelResult : QueryStatus
{
    std::vector<TenantModelSpend> rows; ///< by tenant name, then most expensive model first
    RollupCoverage coverage;
};

/// Reads rollup_spend over the range's planned pieces, grouped by tenant and model.
TenantModelResult queryTenantModels(sqlite3* db, const TenantModelQuery& query, const QueryControl& control = {});

/// The most expensive model per tenant (by requests where no cost is known), in \a rows' tenant order.
std::vector<TenantModelSpend> topModelPerTenant(const std::vector<TenantModelSpend>& rows);

} // namespace spanlight
