#include "spendquery.h"

#include "querysql.h"
#include "rollupranges.h"

#include <algorithm>
#include <map>

namespace spanlight {

namespace {

constexpr int64_t kMaxColumns = 10000;

SpendSeries& seriesOf(std::map<int64_t, SpendSeries>& series, int64_t id, size_t columns)
{
    auto [it, inserted] = series.try_emplace(id);
    if (inserted) {
        it->second.id = id;
        it->second.perColumn.resize(columns);
    }
    return it->second;
}

std::vector<SpendSeries> ranked(std::map<int64_t, SpendSeries>& series, NameCache& names)
{
    std::vector<SpendSeries> out;
    out.reserve(series.size());
    for (auto& [id, s] : series) {
        s.name = id ? names.dict(id) : std::string("(none)");
        out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const SpendSeries& a, const SpendSeries& b) {
        return a.total.costNanoUsd != b.total.costNanoUsd ? a.total.costNanoUsd > b.total.costNanoUsd
                                                          : a.total.requests > b.total.requests;
    });
    return out;
}

} // namespace

SpendResult querySpend(sqlite3* db, const SpendQuery& query, const QueryControl& control)
{
    SpendResult result;
    if (query.columnMinutes < 1) {
        result.error = "spend columns must be at least one minute wide";
        return result;
    }
    const int64_t columnCount = (query.range.minutes() + query.columnMinutes - 1) / query.columnMinutes;
    if (columnCount > kMaxColumns) {
        result.error = "spend has at most " + std::to_string(kMaxColumns) + " columns: widen the columns";
        return result;
    }
    const auto columns = static_cast<size_t>(columnCount);
    for (size_t c = 0; c < columns; ++c)
        result.columnStarts.push_back(query.range.fromMinute + int64_t(c) * query.columnMinutes);
    if (!query.filters.service.empty() || !query.filters.prompt.empty() || query.filters.status != StatusFilter::Any)
        result.notices.push_back("spend is kept per tenant, environment and model: the service, prompt and status "
                                 "filters are not applied");

    ReadSnapshot snapshot(db);
    QueryFilters dims;
    dims.tenant = query.filters.tenant;
    dims.environment = query.filters.environment;
    dims.model = query.filters.model;
    const ResolvedFilters f = resolveFilters(db, dims, result);
    if (f.matchesNothing)
        return result;

    std::string sql = "SELECT tenant_id, model_id, requests, input_tokens, output_tokens, cache_read_tokens,"
                      " cache_write_tokens, reasoning_tokens, cost_nano_usd, unpriced_requests, client_cost_requests"
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
    std::map<int64_t, SpendSeries> tenants, models;
    {
        SqlQuery rows(db, sql, result);
        const RollupHorizon horizon = readRollupHorizon(db, "rollup_spend", result);
        for (size_t c = 0; c < columns && result.ok(); ++c) {
            if (stopRequested(control, result))
                break;
            const int64_t from = result.columnStarts[c];
            const TimeRange column { from, std::min(from + query.columnMinutes, query.range.toMinute) };
            for (const RollupPiece& piece : plannedPieces(column, horizon, &result.coverage)) {
                rows.bind(1, static_cast<int64_t>(piece.grain)).bind(2, piece.fromSlot).bind(3, piece.toSlot);
                rows.bindAll(4, params);
                while (rows.next()) {
                    const SpendTotals t { rows.integer(2), rows.integer(3), rows.integer(4), rows.integer(5),
                        rows.integer(6), rows.integer(7), rows.integer(8), rows.integer(9), rows.integer(10) };
                    for (SpendSeries* s :
                        { &seriesOf(tenants, rows.integer(0), columns), &seriesOf(models, rows.integer(1), columns) }) {
                        s->perColumn[c] += t;
                        s->total += t;
                    }
                    result.grand += t;
                }
                rows.reset();
            }
        }
        noteCoverage(result.coverage, result);
    }
    NameCache names(db, result);
    result.byTenant = ranked(tenants, names);
    result.byModel = ranked(models, names);
    return result;
}

} // namespace spanlight
