#include "tracequery.h"

#include "batchinserter.h"
#include "querysql.h"

#include <algorithm>
#include <cstring>

namespace spanlight {

namespace {

template <size_t N> void copyId(const SqlQuery& q, int column, std::array<uint8_t, N>* out)
{
    const std::string_view blob = q.blob(column);
    if (blob.size() == N)
        std::memcpy(out->data(), blob.data(), N);
}

std::optional<int64_t> optionalInteger(const SqlQuery& q, int column)
{
    return q.isNull(column) ? std::nullopt : std::optional<int64_t>(q.integer(column));
}

/// Calls \a visit(bucket) for each distinct bucket of \a table: one seek per
/// bucket whatever the bucket scheme, instead of a scan of the whole index.
template <typename Visit> void forEachBucket(sqlite3* db, const std::string& table, QueryStatus& status, Visit visit)
{
    SqlQuery next(db, "SELECT bucket FROM " + table + " WHERE bucket > ? ORDER BY bucket LIMIT 1", status);
    int64_t bucket = INT64_MIN;
    for (;;) {
        next.bind(1, bucket);
        if (!next.next())
            break;
        bucket = next.integer(0);
        next.reset();
        visit(bucket);
    }
}

void readSpans(sqlite3* db, const TraceId& traceId, TraceResult& result, NameCache& names)
{
    std::vector<std::pair<int64_t, int64_t>> runs; // first span, count
    {
        SqlQuery q(db, "SELECT first_span, span_count FROM trace_index WHERE bucket = ? AND trace_key = ?", result);
        forEachBucket(db, "trace_index", result, [&](int64_t bucket) {
            q.bind(1, bucket).bind(2, traceKey(traceId));
            while (q.next())
                runs.emplace_back(q.integer(0), q.integer(1));
            q.reset();
        });
    }
    SqlQuery q(db,
        "SELECT id, span_id, parent_span_id, tenant_id, environment_id, service_id, name_id, kind, start_ns,"
        " duration_ns, status_code, status_message, error_type_id, provider_id, request_model_id,"
        " response_model_id, operation_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
        " reasoning_tokens, cost_nano_usd, price_row_id, session, end_user, convention, prompt_fp_id,"
        " resource_id, scope_id, detail, flags FROM spans WHERE id BETWEEN ? AND ? AND trace_id = ?",
        result);
    for (const auto& [first, count] : runs) {
        q.bind(1, first).bind(2, first + count - 1).bindBlob(3, traceId.data(), traceId.size());
        while (q.next()) {
            TraceSpan s;
            s.rowId = q.integer(0);
            s.traceId = traceId;
            copyId(q, 1, &s.spanId);
            copyId(q, 2, &s.parentSpanId);
            s.tenant = names.dict(q.integer(3));
            s.environment = names.dict(q.integer(4));
            s.service = names.dict(q.integer(5));
            s.name = names.dict(q.integer(6));
            s.kind = static_cast<int>(q.integer(7));
            s.startNs = q.integer(8);
            s.durationNs = q.integer(9);
            s.statusCode = static_cast<int>(q.integer(10));
            s.statusMessage = q.text(11);
            s.errorType = names.dict(q.integer(12));
            s.provider = names.dict(q.integer(13));
            s.requestModel = names.dict(q.integer(14));
            s.responseModel = names.dict(q.integer(15));
            s.operation = names.dict(q.integer(16));
            s.inputTokens = optionalInteger(q, 17);
            s.outputTokens = optionalInteger(q, 18);
            s.cacheReadTokens = optionalInteger(q, 19);
            s.cacheWriteTokens = optionalInteger(q, 20);
            s.reasoningTokens = optionalInteger(q, 21);
            s.costNanoUsd = optionalInteger(q, 22);
            s.priceRowId = optionalInteger(q, 23);
            s.session = q.text(24);
            s.endUser = q.text(25);
            s.convention = static_cast<int>(q.integer(26));
            s.promptFingerprint = names.dict(q.integer(27));
            s.promptLabel = q.integer(27) ? names.promptLabel(q.integer(27)) : std::string();
            s.resourceId = q.integer(28);
            s.scope = names.dict(q.integer(29));
            if (!decodeSpanDetail(q.blob(30), &s.detail))
                result.notices.push_back("the attributes of a span could not be decoded");
            s.flags = static_cast<int>(q.integer(31));
            if (s.resourceId > 0)
                result.resources.try_emplace(s.resourceId);
            result.spans.push_back(std::move(s));
        }
        q.reset();
    }
    std::sort(result.spans.begin(), result.spans.end(), [](const TraceSpan& a, const TraceSpan& b) {
        return a.startNs != b.startNs ? a.startNs < b.startNs : a.rowId < b.rowId;
    });
}

void readResources(sqlite3* db, TraceResult& result)
{
    SqlQuery q(db, "SELECT attributes FROM resources WHERE id = ?", result);
    for (auto& [id, attributes] : result.resources) {
        q.bind(1, id);
        if (q.next())
            decodeResourceAttributes(q.blob(0), &attributes);
        q.reset();
    }
}

void readLogs(sqlite3* db, const TraceId& traceId, TraceResult& result, NameCache& names)
{
    std::vector<int64_t> ids;
    {
        SqlQuery q(db, "SELECT log_id FROM log_index WHERE bucket = ? AND trace_key = ?", result);
        forEachBucket(db, "log_index", result, [&](int64_t bucket) {
            q.bind(1, bucket).bind(2, traceKey(traceId));
            while (q.next())
                ids.push_back(q.integer(0));
            q.reset();
        });
    }
    // trace_key is 8 bytes of the id: compare the whole id.
    SqlQuery q(db,
        "SELECT time_ns, observed_ns, span_id, service_id, severity_number, severity_text, event_name_id, body,"
        " attributes FROM logs WHERE id = ? AND trace_id = ?",
        result);
    for (int64_t id : ids) {
        q.bind(1, id).bindBlob(2, traceId.data(), traceId.size());
        if (q.next()) {
            TraceLogRecord r;
            r.rowId = id;
            r.timeNs = q.integer(0);
            r.observedNs = q.integer(1);
            copyId(q, 2, &r.spanId);
            r.service = names.dict(q.integer(3));
            r.severityNumber = static_cast<int>(q.integer(4));
            r.severityText = q.text(5);
            r.eventName = names.dict(q.integer(6));
            r.body = decodeAnyValueText(q.blob(7));
            decodeLogAttributes(q.blob(8), &r.attributes);
            result.logs.push_back(std::move(r));
        }
        q.reset();
    }
    std::sort(result.logs.begin(), result.logs.end(), [](const TraceLogRecord& a, const TraceLogRecord& b) {
        return a.timeNs != b.timeNs ? a.timeNs < b.timeNs : a.rowId < b.rowId;
    });
}

} // namespace

TraceResult queryTrace(sqlite3* db, const TraceId& traceId, const QueryControl& control)
{
    TraceResult result;
    ReadSnapshot snapshot(db);
    NameCache names(db, result);
    readSpans(db, traceId, result, names);
    if (stopRequested(control, result))
        return result;
    readResources(db, result);
    readLogs(db, traceId, result, names);
    return result;
}

} // namespace spanlight
