#include "prompttrendquery.h"

#include "querysql.h"
#include "rollupranges.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace spanlight {

namespace {

constexpr int64_t kMaxColumns = 2000;
constexpr size_t kMaxPrompts = 500;

} // namespace

PromptTrendResult queryPromptTrends(sqlite3* db, const PromptTrendQuery& query, const QueryControl& control)
{
    PromptTrendResult result;
    if (query.columnMinutes < 1) {
        result.error = "trend columns must be at least one minute wide";
        return result;
    }
    const int64_t columnCount = (query.range.minutes() + query.columnMinutes - 1) / query.columnMinutes;
    if (columnCount > kMaxColumns || query.prompts.size() > kMaxPrompts) {
        result.error = "prompt trends are limited to " + std::to_string(kMaxColumns) + " columns and "
            + std::to_string(kMaxPrompts) + " prompts";
        return result;
    }
    const auto columns = static_cast<size_t>(columnCount);
    for (size_t c = 0; c < columns; ++c)
        result.columnStarts.push_back(query.range.fromMinute + int64_t(c) * query.columnMinutes);
    for (const std::string& fp : query.prompts)
        result.trends.push_back({ fp, std::vector<int64_t>(columns), std::vector<int64_t>(columns) });

    ReadSnapshot snapshot(db);
    QueryFilters filters;
    filters.tenant = query.tenant;
    filters.environment = query.environment;
    const ResolvedFilters f = resolveFilters(db, filters, result);
    if (f.matchesNothing || query.prompts.empty())
        return result;
    std::unordered_map<int64_t, size_t> wanted; // prompt_fp_id -> index into trends
    for (size_t i = 0; i < query.prompts.size(); ++i) {
        const int64_t id = dictionaryId(db, DictKind::PromptFingerprint, query.prompts[i], result);
        if (id > 0)
            wanted.emplace(id, i);
    }
    if (wanted.empty())
        return result;

    // The key is (grain, slot, prompt, ...): with a slot range the prompt
    // cannot be sought, so each piece is read once and the wanted prompts
    // picked here, costing what queryFailingPrompts' own read costs. Without
    // a tenant or environment, hours and days are read from the per-prompt
    // total rows (minutes have none: docs/rollups.md).
    const bool total = !f.tenantId && !f.environmentId;
    std::string where = " WHERE grain = ? AND slot >= ? AND slot < ?";
    std::vector<int64_t> params;
    if (f.tenantId) {
        where += " AND tenant_id = ?";
        params.push_back(f.tenantId);
    }
    if (f.environmentId) {
        where += " AND environment_id = ?";
        params.push_back(f.environmentId);
    }
    SqlQuery perPrompt(db, "SELECT prompt_fp_id, spans, errors FROM rollup_prompt" + where, result);
    std::optional<SqlQuery> totals;
    if (total)
        totals.emplace(db, "SELECT prompt_fp_id, spans, errors FROM rollup_prompt_total" + where, result);
    const RollupHorizon horizon = readRollupHorizon(db, "rollup_prompt", result);
    for (size_t c = 0; c < columns && result.ok(); ++c) {
        if (stopRequested(control, result))
            break;
        const int64_t from = result.columnStarts[c];
        const TimeRange column { from, std::min(from + query.columnMinutes, query.range.toMinute) };
        for (const RollupPiece& piece : plannedPieces(column, horizon, &result.coverage)) {
            SqlQuery& rows = totals && piece.grain != Grain::Minute ? *totals : perPrompt;
            rows.bind(1, static_cast<int64_t>(piece.grain)).bind(2, piece.fromSlot).bind(3, piece.toSlot);
            rows.bindAll(4, params);
            while (rows.next()) {
                const auto it = wanted.find(rows.integer(0));
                if (it == wanted.end())
                    continue;
                result.trends[it->second].spans[c] += rows.integer(1);
                result.trends[it->second].errors[c] += rows.integer(2);
            }
            rows.reset();
        }
    }
    noteCoverage(result.coverage, result);
    return result;
}

} // namespace spanlight
