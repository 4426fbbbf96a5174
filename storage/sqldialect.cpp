#include "sqldialect.h"

namespace spanlight {

std::vector<std::string> SqliteDialect::connectionSetup(bool synchronousFull) const
{
    return {
        // Must precede the first table to take effect (DESIGN.md build notes).
        "PRAGMA auto_vacuum=INCREMENTAL",
        "PRAGMA journal_mode=WAL",
        synchronousFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
        "PRAGMA temp_store=MEMORY",
        "PRAGMA cache_size=-65536",
        // Truncate the WAL back to this size after each checkpoint so it stays bounded.
        "PRAGMA journal_size_limit=67108864",
        "PRAGMA foreign_keys=OFF",
    };
}

std::vector<std::vector<std::string>> SqliteDialect::migrations() const
{
    // Version 1. The span table is append-only: its rowid grows with arrival and it
    // carries no index on a random key (trace id, prompt): each such index costs
    // 5-10x of the insert rate (DESIGN.md "What this machine can do"). Spans of a
    // trace are found through trace_index, which holds one row per trace per
    // commit: the writer sorts each commit by trace id so a trace's spans occupy
    // one contiguous rowid run. Its key starts with a bucket of rowids (2^20
    // spans), so inserts stay within one small, cached part of the tree.
    std::vector<std::string> v1 = {
        "CREATE TABLE dict (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, value TEXT NOT NULL, "
        "UNIQUE (kind, value))",
        "CREATE TABLE resources (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE, attributes BLOB NOT NULL)",
        "CREATE TABLE spans ("
        " id INTEGER PRIMARY KEY,"
        " trace_id BLOB NOT NULL, span_id BLOB NOT NULL, parent_span_id BLOB,"
        " tenant_id INTEGER, environment_id INTEGER, service_id INTEGER, name_id INTEGER, kind INTEGER,"
        " start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,"
        " status_code INTEGER NOT NULL, status_message TEXT, error_type_id INTEGER,"
        " provider_id INTEGER, request_model_id INTEGER, response_model_id INTEGER, operation_id INTEGER,"
        " input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER,"
        " reasoning_tokens INTEGER, cost_nano_usd INTEGER, price_row_id INTEGER,"
        " session TEXT, end_user TEXT, convention INTEGER, prompt_fp_id INTEGER,"
        " resource_id INTEGER, scope_id INTEGER, detail BLOB)",
        "CREATE TABLE trace_index (bucket INTEGER NOT NULL, trace_key INTEGER NOT NULL,"
        " first_span INTEGER NOT NULL, span_count INTEGER NOT NULL,"
        " PRIMARY KEY (bucket, trace_key, first_span)) WITHOUT ROWID",
        "CREATE TABLE logs ("
        " id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL, observed_ns INTEGER,"
        " trace_id BLOB, span_id BLOB, tenant_id INTEGER, environment_id INTEGER, service_id INTEGER,"
        " severity_number INTEGER, severity_text TEXT, event_name_id INTEGER, body BLOB, body_text TEXT,"
        " resource_id INTEGER, scope_id INTEGER, attributes BLOB)",
        "CREATE TABLE metric_points ("
        " id INTEGER PRIMARY KEY, name_id INTEGER NOT NULL, unit_id INTEGER, type INTEGER NOT NULL,"
        " temporality INTEGER, monotonic INTEGER, start_ns INTEGER, time_ns INTEGER NOT NULL,"
        " value_double REAL, value_int INTEGER, count INTEGER, sum REAL, min REAL, max REAL,"
        " tenant_id INTEGER, environment_id INTEGER, service_id INTEGER, resource_id INTEGER, scope_id INTEGER,"
        " point BLOB)",
    };
    // Version 2 (docs/rollups.md). Rollup tables are keyed grain first, then the
    // slot (the first unix minute of a minute, hour or day), so each commit's
    // upserts land at the end of three small regions of the tree and a time
    // range is one contiguous read. tenant_id 0 marks rollup_latency's
    // all-dimensions total row, read when a question has no filter.
    std::vector<std::string> v2 = {
        "ALTER TABLE spans ADD COLUMN flags INTEGER NOT NULL DEFAULT 0",
        // Raw spans by start time without an index on spans: per minute the
        // rowid range holding its spans (late spans only widen the range).
        "CREATE TABLE span_minutes (minute INTEGER PRIMARY KEY, first_id INTEGER NOT NULL,"
        " last_id INTEGER NOT NULL)",
        // Spans stored under v1 stay findable by time (and retention keeps
        // them by their age, not by their absence from this table).
        "INSERT INTO span_minutes SELECT start_ns / 60000000000, MIN(id), MAX(id) FROM spans GROUP BY 1",
        "CREATE TABLE log_index (bucket INTEGER NOT NULL, trace_key INTEGER NOT NULL, log_id INTEGER NOT NULL,"
        " PRIMARY KEY (bucket, trace_key, log_id)) WITHOUT ROWID",
        "CREATE TABLE tenants (tenant_id INTEGER PRIMARY KEY, first_seen_ns INTEGER NOT NULL)",
        "CREATE TABLE prompts (prompt_fp_id INTEGER PRIMARY KEY, source INTEGER NOT NULL, label TEXT,"
        " first_seen_ns INTEGER NOT NULL, last_seen_ns INTEGER NOT NULL, example TEXT)",
        "CREATE TABLE price_rows (id INTEGER PRIMARY KEY, definition TEXT NOT NULL)",
        "CREATE TABLE rollup_latency (grain INTEGER NOT NULL, slot INTEGER NOT NULL, tenant_id INTEGER NOT NULL,"
        " environment_id INTEGER NOT NULL, service_id INTEGER NOT NULL, model_id INTEGER NOT NULL,"
        " is_error INTEGER NOT NULL, spans INTEGER NOT NULL, duration_sum_ns INTEGER NOT NULL, hist BLOB NOT NULL,"
        " PRIMARY KEY (grain, slot, tenant_id, environment_id, service_id, model_id, is_error)) WITHOUT ROWID",
        "CREATE TABLE rollup_spend (grain INTEGER NOT NULL, slot INTEGER NOT NULL, tenant_id INTEGER NOT NULL,"
        " environment_id INTEGER NOT NULL, model_id INTEGER NOT NULL, requests INTEGER NOT NULL,"
        " input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL,"
        " cache_write_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_nano_usd INTEGER NOT NULL,"
        " unpriced_requests INTEGER NOT NULL, client_cost_requests INTEGER NOT NULL,"
        " PRIMARY KEY (grain, slot, tenant_id, environment_id, model_id)) WITHOUT ROWID",
        "CREATE TABLE rollup_prompt (grain INTEGER NOT NULL, slot INTEGER NOT NULL, prompt_fp_id INTEGER NOT NULL,"
        " tenant_id INTEGER NOT NULL, environment_id INTEGER NOT NULL, spans INTEGER NOT NULL,"
        " errors INTEGER NOT NULL, duration_sum_ns INTEGER NOT NULL, cost_nano_usd INTEGER NOT NULL,"
        " PRIMARY KEY (grain, slot, prompt_fp_id, tenant_id, environment_id)) WITHOUT ROWID",
        "CREATE TABLE rollup_prompt_error (grain INTEGER NOT NULL, slot INTEGER NOT NULL,"
        " prompt_fp_id INTEGER NOT NULL, tenant_id INTEGER NOT NULL, environment_id INTEGER NOT NULL,"
        " error_type_id INTEGER NOT NULL, spans INTEGER NOT NULL,"
        " PRIMARY KEY (grain, slot, prompt_fp_id, tenant_id, environment_id, error_type_id)) WITHOUT ROWID",
    };
    // Version 3: the rows unfiltered questions read get tables of their own, so
    // reading them is one contiguous range instead of a scan past every
    // dimension's rows in the same slots (measured on 10M spans: the 24 h
    // heatmap and 7-day failing prompts read 50-100x fewer rows).
    std::vector<std::string> v3 = {
        "CREATE TABLE rollup_latency_total (grain INTEGER NOT NULL, slot INTEGER NOT NULL,"
        " is_error INTEGER NOT NULL, spans INTEGER NOT NULL, duration_sum_ns INTEGER NOT NULL, hist BLOB NOT NULL,"
        " PRIMARY KEY (grain, slot, is_error)) WITHOUT ROWID",
        "INSERT INTO rollup_latency_total SELECT grain, slot, is_error, spans, duration_sum_ns, hist"
        " FROM rollup_latency WHERE tenant_id = 0",
        "DELETE FROM rollup_latency WHERE tenant_id = 0",
        "CREATE TABLE rollup_prompt_total (grain INTEGER NOT NULL, slot INTEGER NOT NULL,"
        " prompt_fp_id INTEGER NOT NULL, spans INTEGER NOT NULL, errors INTEGER NOT NULL,"
        " duration_sum_ns INTEGER NOT NULL, cost_nano_usd INTEGER NOT NULL,"
        " PRIMARY KEY (grain, slot, prompt_fp_id)) WITHOUT ROWID",
        "INSERT INTO rollup_prompt_total SELECT grain, slot, prompt_fp_id, SUM(spans), SUM(errors),"
        " SUM(duration_sum_ns), SUM(cost_nano_usd) FROM rollup_prompt GROUP BY grain, slot, prompt_fp_id",
    };
    // Version 4: commits write minute rows only; hour and day rows are folded
    // from them once an hour has ended (docs/rollups.md "Folding"), which
    // takes two thirds of the rollup upserts off the ingest path.
    std::vector<std::string> v4 = {
        // Hours whose hour and day rows do not yet include all of their minute
        // rows; each commit that touches one counts its generation up.
        "CREATE TABLE rollup_unfolded (hour INTEGER PRIMARY KEY, generation INTEGER NOT NULL)",
        // 'minute_rows_pruned_before': retention's high-water mark, so a late
        // span for an hour whose minute rows are gone writes no minute row.
        "CREATE TABLE rollup_marks (name TEXT PRIMARY KEY, minute INTEGER NOT NULL) WITHOUT ROWID",
        // Per-prompt totals keep hour and day rows only: a minute is read from
        // rollup_prompt, whose rows each commit writes anyway.
        "DELETE FROM rollup_prompt_total WHERE grain = 1",
    };
    // Version 5: a day's rows are folded from its hour rows once, after the day
    // has ended, instead of after each of its hours (the fold after hour 23
    // re-summed 23 hours of hour rows). Until then the day is marked here, and
    // questions read it from hour rows.
    std::vector<std::string> v5 = {
        "CREATE TABLE rollup_unfolded_days (day INTEGER PRIMARY KEY)",
    };
    return { v1, v2, v3, v4, v5 };
}

std::string SqliteDialect::writeSchemaVersion(int version) const
{
    return "PRAGMA user_version=" + std::to_string(version);
}

std::string SqliteDialect::insertSpan() const
{
    return "INSERT INTO spans (id, trace_id, span_id, parent_span_id, tenant_id, environment_id, service_id,"
           " name_id, kind, start_ns, duration_ns, status_code, status_message, error_type_id, provider_id,"
           " request_model_id, response_model_id, operation_id, input_tokens, output_tokens, cache_read_tokens,"
           " cache_write_tokens, reasoning_tokens, cost_nano_usd, price_row_id, session, end_user, convention,"
           " prompt_fp_id, resource_id, scope_id, detail, flags)"
           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
}

std::string SqliteDialect::insertTraceIndex() const
{
    return "INSERT OR REPLACE INTO trace_index (bucket, trace_key, first_span, span_count) VALUES (?,?,?,?)";
}

std::string SqliteDialect::insertLog() const
{
    return "INSERT INTO logs (time_ns, observed_ns, trace_id, span_id, tenant_id, environment_id, service_id,"
           " severity_number, severity_text, event_name_id, body, body_text, resource_id, scope_id, attributes)"
           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
}

std::string SqliteDialect::insertMetricPoint() const
{
    return "INSERT INTO metric_points (name_id, unit_id, type, temporality, monotonic, start_ns, time_ns,"
           " value_double, value_int, count, sum, min, max, tenant_id, environment_id, service_id, resource_id,"
           " scope_id, point) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
}

std::string SqliteDialect::insertDictionaryEntry() const
{
    return "INSERT INTO dict (kind, value) VALUES (?,?)";
}

std::string SqliteDialect::insertResource() const
{
    return "INSERT INTO resources (hash, attributes) VALUES (?,?)";
}

std::string SqliteDialect::upsertSpanMinute() const
{
    return "INSERT INTO span_minutes (minute, first_id, last_id) VALUES (?,?,?) ON CONFLICT (minute) DO UPDATE"
           " SET first_id = min(first_id, excluded.first_id), last_id = max(last_id, excluded.last_id)";
}

std::string SqliteDialect::insertLogIndex() const
{
    return "INSERT OR IGNORE INTO log_index (bucket, trace_key, log_id) VALUES (?,?,?)";
}

std::string SqliteDialect::insertTenant() const
{
    return "INSERT INTO tenants (tenant_id, first_seen_ns) VALUES (?,?) ON CONFLICT (tenant_id) DO UPDATE"
           " SET first_seen_ns = min(first_seen_ns, excluded.first_seen_ns)";
}

std::string SqliteDialect::upsertPrompt() const
{
    return "INSERT INTO prompts (prompt_fp_id, source, label, first_seen_ns, last_seen_ns, example)"
           " VALUES (?,?,?,?,?,?) ON CONFLICT (prompt_fp_id) DO UPDATE SET"
           " first_seen_ns = min(first_seen_ns, excluded.first_seen_ns),"
           " last_seen_ns = max(last_seen_ns, excluded.last_seen_ns),"
           " label = coalesce(label, excluded.label), example = coalesce(example, excluded.example)";
}

std::string SqliteDialect::insertPriceRow() const
{
    return "INSERT OR IGNORE INTO price_rows (id, definition) VALUES (?,?)";
}

std::string SqliteDialect::upsertLatencyRollup() const
{
    return "INSERT INTO rollup_latency (grain, slot, tenant_id, environment_id, service_id, model_id, is_error,"
           " spans, duration_sum_ns, hist) VALUES (?,?,?,?,?,?,?,?,?,?)"
           " ON CONFLICT (grain, slot, tenant_id, environment_id, service_id, model_id, is_error) DO UPDATE SET"
           " spans = spans + excluded.spans, duration_sum_ns = duration_sum_ns + excluded.duration_sum_ns,"
           " hist = hist_merge(hist, excluded.hist)";
}

std::string SqliteDialect::upsertLatencyTotal() const
{
    return "INSERT INTO rollup_latency_total (grain, slot, is_error, spans, duration_sum_ns, hist)"
           " VALUES (?,?,?,?,?,?) ON CONFLICT (grain, slot, is_error) DO UPDATE SET"
           " spans = spans + excluded.spans, duration_sum_ns = duration_sum_ns + excluded.duration_sum_ns,"
           " hist = hist_merge(hist, excluded.hist)";
}

std::string SqliteDialect::upsertPromptTotal() const
{
    return "INSERT INTO rollup_prompt_total (grain, slot, prompt_fp_id, spans, errors, duration_sum_ns,"
           " cost_nano_usd) VALUES (?,?,?,?,?,?,?) ON CONFLICT (grain, slot, prompt_fp_id) DO UPDATE SET"
           " spans = spans + excluded.spans, errors = errors + excluded.errors,"
           " duration_sum_ns = duration_sum_ns + excluded.duration_sum_ns,"
           " cost_nano_usd = cost_nano_usd + excluded.cost_nano_usd";
}

std::string SqliteDialect::upsertSpendRollup() const
{
    return "INSERT INTO rollup_spend (grain, slot, tenant_id, environment_id, model_id, requests, input_tokens,"
           " output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_nano_usd,"
           " unpriced_requests, client_cost_requests) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
           " ON CONFLICT (grain, slot, tenant_id, environment_id, model_id) DO UPDATE SET"
           " requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,"
           " output_tokens = output_tokens + excluded.output_tokens,"
           " cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,"
           " cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,"
           " reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,"
           " cost_nano_usd = cost_nano_usd + excluded.cost_nano_usd,"
           " unpriced_requests = unpriced_requests + excluded.unpriced_requests,"
           " client_cost_requests = client_cost_requests + excluded.client_cost_requests";
}

std::string SqliteDialect::upsertPromptRollup() const
{
    return "INSERT INTO rollup_prompt (grain, slot, prompt_fp_id, tenant_id, environment_id, spans, errors,"
           " duration_sum_ns, cost_nano_usd) VALUES (?,?,?,?,?,?,?,?,?)"
           " ON CONFLICT (grain, slot, prompt_fp_id, tenant_id, environment_id) DO UPDATE SET"
           " spans = spans + excluded.spans, errors = errors + excluded.errors,"
           " duration_sum_ns = duration_sum_ns + excluded.duration_sum_ns,"
           " cost_nano_usd = cost_nano_usd + excluded.cost_nano_usd";
}

std::string SqliteDialect::upsertPromptErrorRollup() const
{
    return "INSERT INTO rollup_prompt_error (grain, slot, prompt_fp_id, tenant_id, environment_id, error_type_id,"
           " spans) VALUES (?,?,?,?,?,?,?)"
           " ON CONFLICT (grain, slot, prompt_fp_id, tenant_id, environment_id, error_type_id) DO UPDATE SET"
           " spans = spans + excluded.spans";
}

std::string SqliteDialect::updateSpanPrompt() const
{
    return "UPDATE spans SET prompt_fp_id = ?, flags = ? WHERE id = ?";
}

} // namespace spanlight
