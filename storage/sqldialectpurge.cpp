#include "sqldialect.h"

// SQLite's statements for purging one tenant's telemetry (storage/tenantpurge.cpp).

namespace spanlight {

namespace {

const char* rowTable(SqlDialect::PurgeRows table)
{
    switch (table) {
    case SqlDialect::PurgeRows::Spans:
        return "spans";
    case SqlDialect::PurgeRows::Logs:
        return "logs";
    case SqlDialect::PurgeRows::Points:
        break;
    }
    return "metric_points";
}

const char* rollupTable(SqlDialect::PurgeRollup table)
{
    switch (table) {
    case SqlDialect::PurgeRollup::Latency:
        return "rollup_latency";
    case SqlDialect::PurgeRollup::Spend:
        return "rollup_spend";
    case SqlDialect::PurgeRollup::Prompt:
        return "rollup_prompt";
    case SqlDialect::PurgeRollup::PromptError:
        break;
    }
    return "rollup_prompt_error";
}

// Zeros of the same type and byte length: the record keeps its size, so
// SQLite overwrites the row where it is instead of moving it.
std::string zeroBlob(const std::string& column)
{
    return column + " = iif(" + column + " IS NULL, NULL, zeroblob(length(" + column + ")))";
}
std::string zeroText(const std::string& column)
{
    return column + " = iif(" + column + " IS NULL, NULL, CAST(zeroblob(length(CAST(" + column
        + " AS BLOB))) AS TEXT))";
}

std::string scrubColumns(SqlDialect::PurgeRows table)
{
    switch (table) {
    case SqlDialect::PurgeRows::Spans:
        return zeroBlob("trace_id") + ", " + zeroBlob("span_id") + ", " + zeroBlob("parent_span_id") + ", "
            + zeroText("status_message") + ", " + zeroText("session") + ", " + zeroText("end_user") + ", "
            + zeroBlob("detail");
    case SqlDialect::PurgeRows::Logs:
        return zeroBlob("trace_id") + ", " + zeroBlob("span_id") + ", " + zeroText("severity_text") + ", "
            + zeroBlob("body") + ", " + zeroText("body_text") + ", " + zeroBlob("attributes");
    case SqlDialect::PurgeRows::Points:
        break;
    }
    return zeroBlob("point");
}

// Row values compare lexicographically, the order of the (grain, slot, ...) keys.
constexpr const char* kSlotWindow = " WHERE (grain, slot) >= (?1, ?2) AND (grain, slot) < (?3, ?4)";

} // namespace

std::string SqliteDialect::writerSecureDelete(bool purging) const
{
    return purging ? "PRAGMA secure_delete=ON" : "PRAGMA secure_delete=FAST";
}

std::string SqliteDialect::purgeFindTenant() const
{
    // A retired entry's kind is minus its own id: unique, so a tenant purged
    // (and interrupted) twice never collides with UNIQUE (kind, value).
    return "SELECT id FROM dict WHERE value = ?1 AND (kind = " + std::to_string(static_cast<int>(DictKind::Tenant))
        + " OR kind = -id) ORDER BY id";
}

std::string SqliteDialect::purgeRetireTenant() const
{
    return "UPDATE dict SET kind = -id WHERE id = ?1 AND kind = " + std::to_string(static_cast<int>(DictKind::Tenant));
}

std::string SqliteDialect::purgeIdRange(PurgeRows table) const
{
    return std::string("SELECT MIN(id), MAX(id) FROM ") + rowTable(table);
}

std::string SqliteDialect::purgeRowWindow(PurgeRows table) const
{
    switch (table) {
    case PurgeRows::Spans:
        return "SELECT id, tenant_id, trace_id, span_id, resource_id, prompt_fp_id, environment_id, service_id,"
               " name_id, error_type_id, provider_id, request_model_id, response_model_id, operation_id, scope_id"
               " FROM spans WHERE id >= ?1 AND id < ?2";
    case PurgeRows::Logs:
        return "SELECT id, tenant_id, trace_id, span_id, resource_id, NULL, environment_id, service_id,"
               " event_name_id, scope_id FROM logs WHERE id >= ?1 AND id < ?2";
    case PurgeRows::Points:
        break;
    }
    return "SELECT id, tenant_id, NULL, NULL, resource_id, NULL, name_id, unit_id, environment_id, service_id,"
           " scope_id FROM metric_points WHERE id >= ?1 AND id < ?2";
}

std::string SqliteDialect::purgeScrubRows(PurgeRows table) const
{
    return std::string("UPDATE ") + rowTable(table) + " SET " + scrubColumns(table)
        + " WHERE id >= ?1 AND id < ?2 AND tenant_id = ?3";
}

std::string SqliteDialect::purgeScrubLog() const
{
    return "UPDATE logs SET " + scrubColumns(PurgeRows::Logs) + " WHERE id = ?1";
}

std::string SqliteDialect::purgeScrubResource() const
{
    return "UPDATE resources SET " + zeroBlob("attributes") + " WHERE id = ?1";
}

std::string SqliteDialect::purgeScrubPrompt() const
{
    return "UPDATE prompts SET " + zeroText("label") + ", " + zeroText("example") + " WHERE prompt_fp_id = ?1";
}

std::string SqliteDialect::purgeScrubPromptExample() const
{
    return "UPDATE prompts SET " + zeroText("example") + " WHERE prompt_fp_id = ?1";
}

std::string SqliteDialect::purgeDeleteTenantRows(PurgeRows table) const
{
    return std::string("DELETE FROM ") + rowTable(table) + " WHERE id >= ?1 AND id < ?2 AND tenant_id = ?3";
}

std::string SqliteDialect::purgeDeleteLog() const
{
    return "DELETE FROM logs WHERE id = ?1";
}

std::string SqliteDialect::purgeTraceRuns() const
{
    return "SELECT first_span, span_count FROM trace_index WHERE bucket = ?1 AND trace_key = ?2";
}

std::string SqliteDialect::purgeTraceRunAlive() const
{
    return "SELECT 1 FROM spans WHERE id >= ?1 AND id < ?2 AND trace_id = ?3 LIMIT 1";
}

std::string SqliteDialect::purgeDeleteTraceRun() const
{
    return "DELETE FROM trace_index WHERE bucket = ?1 AND trace_key = ?2 AND first_span = ?3";
}

std::string SqliteDialect::purgeLogsOfTrace() const
{
    return "SELECT log_id FROM log_index WHERE bucket = ?1 AND trace_key = ?2";
}

std::string SqliteDialect::purgeDeleteLogIndex() const
{
    return "DELETE FROM log_index WHERE bucket = ?1 AND trace_key = ?2 AND log_id = ?3";
}

std::string SqliteDialect::purgeRollupWindowEnd(PurgeRollup table) const
{
    return std::string("SELECT grain, slot FROM ") + rollupTable(table)
        + " WHERE (grain, slot) >= (?1, ?2) ORDER BY grain, slot LIMIT 1 OFFSET ?3";
}

std::string SqliteDialect::purgeRollupWindow(PurgeRollup table) const
{
    std::string columns;
    switch (table) {
    case PurgeRollup::Latency:
        columns = "grain, slot, tenant_id, 0, is_error, environment_id, service_id, model_id";
        break;
    case PurgeRollup::Spend:
        columns = "grain, slot, tenant_id, 0, 0, environment_id, model_id";
        break;
    case PurgeRollup::Prompt:
        columns = "grain, slot, tenant_id, prompt_fp_id, 0, environment_id";
        break;
    case PurgeRollup::PromptError:
        columns = "grain, slot, tenant_id, prompt_fp_id, 0, environment_id, error_type_id";
        break;
    }
    return "SELECT " + columns + " FROM " + rollupTable(table) + kSlotWindow;
}

std::string SqliteDialect::purgeDeleteRollupRows(PurgeRollup table) const
{
    return std::string("DELETE FROM ") + rollupTable(table) + kSlotWindow + " AND tenant_id = ?5";
}

std::string SqliteDialect::purgeLatencyTotalSources() const
{
    return "SELECT spans, duration_sum_ns, hist FROM rollup_latency WHERE grain = ?1 AND slot = ?2 AND is_error = ?3";
}

std::string SqliteDialect::purgePromptTotalSources() const
{
    return "SELECT spans, errors, duration_sum_ns, cost_nano_usd FROM rollup_prompt"
           " WHERE grain = ?1 AND slot = ?2 AND prompt_fp_id = ?3";
}

std::string SqliteDialect::purgeDeleteLatencyTotal() const
{
    return "DELETE FROM rollup_latency_total WHERE grain = ?1 AND slot = ?2 AND is_error = ?3";
}

std::string SqliteDialect::purgeDeletePromptTotal() const
{
    return "DELETE FROM rollup_prompt_total WHERE grain = ?1 AND slot = ?2 AND prompt_fp_id = ?3";
}

std::string SqliteDialect::purgeInsertLatencyTotal() const
{
    return "INSERT INTO rollup_latency_total (grain, slot, is_error, spans, duration_sum_ns, hist)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
}

std::string SqliteDialect::purgeInsertPromptTotal() const
{
    return "INSERT INTO rollup_prompt_total (grain, slot, prompt_fp_id, spans, errors, duration_sum_ns, cost_nano_usd)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
}

std::string SqliteDialect::purgeDeletePrompt() const
{
    return "DELETE FROM prompts WHERE prompt_fp_id = ?1";
}

std::string SqliteDialect::purgeClearPromptExample() const
{
    return "UPDATE prompts SET example = NULL WHERE prompt_fp_id = ?1 AND example IS NOT NULL";
}

std::string SqliteDialect::purgeDeleteResource() const
{
    return "DELETE FROM resources WHERE id = ?1";
}

std::string SqliteDialect::purgeDictEntry() const
{
    return "SELECT kind, value FROM dict WHERE id = ?1";
}

std::string SqliteDialect::purgeDeleteDictEntry() const
{
    return "DELETE FROM dict WHERE id = ?1";
}

std::string SqliteDialect::purgeDeleteTenantRow() const
{
    return "DELETE FROM tenants WHERE tenant_id = ?1";
}

std::string SqliteDialect::releaseFreePages() const
{
    return "PRAGMA incremental_vacuum(2000)";
}

std::string SqliteDialect::usedBytes() const
{
    return "SELECT (p.page_count - f.freelist_count) * s.page_size"
           " FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s";
}

} // namespace spanlight
