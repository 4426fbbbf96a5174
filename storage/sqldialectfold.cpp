#include "sqldialect.h"

// SQL that folds minute rollup rows into hour rows, and hour rows into day
// rows (docs/rollups.md "Folding").

namespace spanlight {

namespace {

/// One rollup table as the fold sees it: the dimensions after (grain, slot)
/// and each value column with the aggregate that adds it up.
struct FoldedTable
{
    const char* name;
    const char* dimensions;
    std::vector<std::pair<const char*, const char*>> values; // column, aggregate
    const char* source = nullptr; ///< where the finer rows are, when not in the table itself
};

const std::vector<FoldedTable>& foldedTables()
{
    // Durations add up saturating (as the writer's own sums do); histograms merge.
    static const std::vector<FoldedTable> tables = {
        { "rollup_latency", "tenant_id, environment_id, service_id, model_id, is_error",
            { { "spans", "SUM" }, { "duration_sum_ns", "sat_sum" }, { "hist", "hist_sum" } } },
        { "rollup_latency_total", "is_error",
            { { "spans", "SUM" }, { "duration_sum_ns", "sat_sum" }, { "hist", "hist_sum" } } },
        { "rollup_spend", "tenant_id, environment_id, model_id",
            { { "requests", "SUM" }, { "input_tokens", "SUM" }, { "output_tokens", "SUM" },
                { "cache_read_tokens", "SUM" }, { "cache_write_tokens", "SUM" }, { "reasoning_tokens", "SUM" },
                { "cost_nano_usd", "SUM" }, { "unpriced_requests", "SUM" }, { "client_cost_requests", "SUM" } } },
        { "rollup_prompt", "prompt_fp_id, tenant_id, environment_id",
            { { "spans", "SUM" }, { "errors", "SUM" }, { "duration_sum_ns", "sat_sum" }, { "cost_nano_usd", "SUM" } } },
        // Has no minute rows (rollupaccumulator.cpp): summed up from rollup_prompt.
        { "rollup_prompt_total", "prompt_fp_id",
            { { "spans", "SUM" }, { "errors", "SUM" }, { "duration_sum_ns", "sat_sum" }, { "cost_nano_usd", "SUM" } },
            "rollup_prompt" },
        { "rollup_prompt_error", "prompt_fp_id, tenant_id, environment_id, error_type_id", { { "spans", "SUM" } } },
    };
    return tables;
}

} // namespace

std::string SqliteDialect::markHourUnfolded() const
{
    return "INSERT INTO rollup_unfolded (hour, generation) VALUES (?1, 0)"
           " ON CONFLICT (hour) DO UPDATE SET generation = generation + 1";
}

std::string SqliteDialect::unfoldedHours() const
{
    return "SELECT hour FROM rollup_unfolded ORDER BY hour";
}

std::string SqliteDialect::settledUnfoldedHours() const
{
    return "SELECT hour, generation FROM rollup_unfolded WHERE hour + 60 <= ?1 ORDER BY hour LIMIT 1";
}

std::string SqliteDialect::otherUnfoldedHourIn() const
{
    return "SELECT 1 FROM rollup_unfolded WHERE hour >= ?2 AND hour < ?3 AND hour <> ?1 LIMIT 1";
}

std::string SqliteDialect::clearUnfoldedHour() const
{
    return "DELETE FROM rollup_unfolded WHERE hour = ?1 AND generation = ?2";
}

std::string SqliteDialect::markDayUnfolded() const
{
    return "INSERT INTO rollup_unfolded_days (day) VALUES (?1) ON CONFLICT (day) DO NOTHING";
}

std::string SqliteDialect::unfoldedDays() const
{
    return "SELECT day FROM rollup_unfolded_days ORDER BY day";
}

std::string SqliteDialect::settledUnfoldedDay() const
{
    return "SELECT day FROM rollup_unfolded_days d WHERE day + 1440 <= ?1 AND NOT EXISTS"
           " (SELECT 1 FROM rollup_unfolded WHERE hour >= d.day AND hour < d.day + 1440) ORDER BY day LIMIT 1";
}

std::string SqliteDialect::clearUnfoldedDay() const
{
    return "DELETE FROM rollup_unfolded_days WHERE day = ?1";
}

std::vector<std::pair<std::string, std::string>> SqliteDialect::foldStatements() const
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const FoldedTable& t : foldedTables()) {
        std::string columns = std::string("grain, slot, ") + t.dimensions;
        std::string sums = std::string("?1, ?2, ") + t.dimensions;
        for (const auto& [column, aggregate] : t.values) {
            columns += std::string(", ") + column;
            sums += std::string(", ") + aggregate + "(" + column + ")";
        }
        out.emplace_back(std::string("DELETE FROM ") + t.name + " WHERE grain = ?1 AND slot = ?2",
            std::string("INSERT INTO ") + t.name + " (" + columns + ") SELECT " + sums + " FROM "
                + (t.source ? t.source : t.name) + " WHERE grain = ?1 - 1 AND slot >= ?2 AND slot < ?3 GROUP BY "
                + t.dimensions);
    }
    return out;
}

std::string SqliteDialect::minuteRowsPrunedBefore() const
{
    return "SELECT minute FROM rollup_marks WHERE name = 'minute_rows_pruned_before'";
}

std::string SqliteDialect::noteMinuteRowsPrunedBefore() const
{
    return "INSERT INTO rollup_marks (name, minute) VALUES ('minute_rows_pruned_before', ?1)"
           " ON CONFLICT (name) DO UPDATE SET minute = max(minute, excluded.minute)";
}

} // namespace spanlight
