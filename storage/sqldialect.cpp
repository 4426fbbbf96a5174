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
    return { v1 };
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
           " prompt_fp_id, resource_id, scope_id, detail)"
           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
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

} // namespace spanlight
