#include "tenantmodelquery.h"

#include "querysql.h"
#include "rollupranges.h"

#include <algorithm>
#include <map>

namespace spanlight {

namespace {

bool moreExpensive(const SpendTotals& a, const SpendTotals& b)
{
    return a.costNanoUsd != b.costNanoUsd ? a.costNanoUsd > b.costNanoUsd : a.requests > b.requests;
}

} // namespace

TenantModelResult queryTenantModels(sqlite3* db, const TenantModelQuery& query, const QueryControl& control)
{
    TenantModelResult result;
    if (!query.filters.service.empty() || !query.filters.prompt.empty() || query.filters.status != StatusFilter::Any)
        result.notices.push_back("spend is kept per tenant, environment and model: the service, prompt and status "
                                 "filters are not applied");
    ReadSnapshot snapshot(db);
    QueryFilters dims;
    dims.tenant = query.filters.tenant;
    dims.environment = query.filters.environment;
    dims.model = query.filters.model;
    const ResolvedFilters f = resolveFilters(db, dims, result);
    if (f.matchesNothing || query.range.empty())
        return result;

    // Grouped in SQL per piece: a piece is one contiguous primary-key range, so
    // the grouping costs what the range holds, never the span count.
    std::string sql = "SELECT tenant_id, model_id, sum(requests), sum(input_tokens), sum(output_tokens),"
                      " sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_nano_usd),"
                      " sum(unpriced_requests), sum(client_cost_requests)"
                      " FROM rollup_spend WHERE grain = ? AND slot >= ? AND slot < ?";
    std::vector<int64_t> params;
    const std::pair<int64_t, const char*> clauses[] = { { f.tenantId, " AND tenant_id = ?" },
        { f.environmentId, " AND environment_id = ?" }, { f.modelId, " AND model_id = ?" } };
    for (const auto& [id, clause] : clauses) {
        if (id) {
            sql += clause;
            params.push_back(id);
        }
    }
    sql += " GROUP BY tenant_id, model_id";

    std::map<std::pair<int64_t, int64_t>, SpendTotals> sums;
    {
        SqlQuery rows(db, sql, result);
        const RollupHorizon horizon = readRollupHorizon(db, "rollup_spend", result);
        for (const RollupPiece& piece : plannedPieces(query.range, horizon, &result.coverage)) {
            if (!result.ok() || stopRequested(control, result))
                break;
            rows.bind(1, static_cast<int64_t>(piece.grain)).bind(2, piece.fromSlot).bind(3, piece.toSlot);
            rows.bindAll(4, params);
            while (rows.next()) {
                sums[{ rows.integer(0), rows.integer(1) }]
                    += SpendTotals { rows.integer(2), rows.integer(3), rows.integer(4), rows.integer(5),
                           rows.integer(6), rows.integer(7), rows.integer(8), rows.integer(9), rows.integer(10) };
            }
            rows.reset();
        }
        noteCoverage(result.coverage, result);
    }
    NameCache names(db, result);
    for (const auto& [key, total] : sums) {
        const auto name = [&](int64_t id) { return id > 0 ? names.dict(id) : std::string("(none)"); };
        result.rows.push_back({ name(key.first), name(key.second), total });
    }
    std::sort(result.rows.begin(), result.rows.end(), [](const TenantModelSpend& a, const TenantModelSpend& b) {
        if (a.tenant != b.tenant)
            return a.tenant < b.tenant;
        return moreExpensive(a.total, b.total) || (!moreExpensive(b.total, a.total) && a.model < b.model);
    });
    return result;
}

std::vector<TenantModelSpend> topModelPerTenant(const std::vector<TenantModelSpend>& rows)
{
    std::vector<TenantModelSpend> top;
    for (const TenantModelSpend& row : rows) {
        if (top.empty() || top.back().tenant != row.tenant)
            top.push_back(row);
        else if (moreExpensive(row.total, top.back().total))
            top.back() = row;
    }
    return top;
}

} // namespace spanlight
