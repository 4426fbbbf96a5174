#include "traceoutlinequery.h"

#include "batchinserter.h"
#include "detaildecode.h"
#include "querysql.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

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

/// Rowid runs (first, count) of a trace: one trace_index seek per bucket.
std::vector<std::pair<int64_t, int64_t>> traceRuns(sqlite3* db, const TraceId& traceId, QueryStatus& status)
{
    std::vector<std::pair<int64_t, int64_t>> runs;
    SqlQuery next(db, "SELECT bucket FROM trace_index WHERE bucket > ? ORDER BY bucket LIMIT 1", status);
    SqlQuery q(db, "SELECT first_span, span_count FROM trace_index WHERE bucket = ? AND trace_key = ?", status);
    int64_t bucket = INT64_MIN;
    for (;;) {
        next.bind(1, bucket);
        if (!next.next())
            break;
        bucket = next.integer(0);
        next.reset();
        q.bind(1, bucket).bind(2, traceKey(traceId));
        while (q.next())
            runs.emplace_back(q.integer(0), q.integer(1));
        q.reset();
    }
    return runs;
}

/// Dictionary ids to TraceOutline::strings indexes, each name stored once.
/// Dictionary ids are small rowids: a flat array beats a hash map for the
/// four lookups per span of a 50,000-span trace.
class StringTable
{
public:
    StringTable(TraceOutline& outline, NameCache& names)
        : m_outline(outline)
        , m_names(names)
    {
    }
    uint32_t operator()(int64_t dictId)
    {
        if (dictId <= 0)
            return 0;
        uint32_t* slot = nullptr;
        if (dictId < kFlatIds) {
            if (static_cast<size_t>(dictId) >= m_flat.size())
                m_flat.resize(static_cast<size_t>(dictId) + 1, 0);
            slot = &m_flat[static_cast<size_t>(dictId)];
        } else {
            slot = &m_other[dictId];
        }
        if (*slot == 0) {
            *slot = static_cast<uint32_t>(m_outline.strings.size());
            m_outline.strings.push_back(m_names.dict(dictId));
        }
        return *slot;
    }

private:
    static constexpr int64_t kFlatIds = 1 << 20;
    TraceOutline& m_outline;
    NameCache& m_names;
    std::vector<uint32_t> m_flat;
    std::unordered_map<int64_t, uint32_t> m_other;
};

void truncate(std::string& value, size_t maxBytes, int& count)
{
    if (maxBytes == 0 || value.size() <= maxBytes)
        return;
    size_t cut = maxBytes;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
        --cut; // never split a UTF-8 sequence
    value.resize(cut);
    value += kTruncationMark;
    ++count;
}

void truncateAll(std::vector<AttributeText>& attributes, size_t maxBytes, int& count)
{
    for (AttributeText& a : attributes)
        truncate(a.value, maxBytes, count);
}

void readLogs(sqlite3* db, const SpanDetailQuery& query, SpanDetailResult& result, NameCache& names)
{
    std::vector<int64_t> ids;
    {
        SqlQuery next(db, "SELECT bucket FROM log_index WHERE bucket > ? ORDER BY bucket LIMIT 1", result);
        SqlQuery q(db, "SELECT log_id FROM log_index WHERE bucket = ? AND trace_key = ?", result);
        int64_t bucket = INT64_MIN;
        for (;;) {
            next.bind(1, bucket);
            if (!next.next())
                break;
            bucket = next.integer(0);
            next.reset();
            q.bind(1, bucket).bind(2, traceKey(query.traceId));
            while (q.next())
                ids.push_back(q.integer(0));
            q.reset();
        }
    }
    const SpanId& spanId = result.span.spanId;
    SqlQuery q(db,
        "SELECT time_ns, observed_ns, service_id, severity_number, severity_text, event_name_id, body, attributes"
        " FROM logs WHERE id = ? AND trace_id = ? AND span_id = ?",
        result);
    for (int64_t id : ids) {
        q.bind(1, id).bindBlob(2, query.traceId.data(), query.traceId.size());
        q.bindBlob(3, spanId.data(), spanId.size());
        if (q.next()) {
            TraceLogRecord r;
            r.rowId = id;
            r.timeNs = q.integer(0);
            r.observedNs = q.integer(1);
            r.spanId = spanId;
            r.service = names.dict(q.integer(2));
            r.severityNumber = static_cast<int>(q.integer(3));
            r.severityText = q.text(4);
            r.eventName = names.dict(q.integer(5));
            r.body = decodeAnyValueText(q.blob(6));
            decodeLogAttributes(q.blob(7), &r.attributes);
            truncate(r.body, query.maxValueBytes, result.truncatedValues);
            truncateAll(r.attributes, query.maxValueBytes, result.truncatedValues);
            result.logs.push_back(std::move(r));
        }
        q.reset();
    }
    std::sort(result.logs.begin(), result.logs.end(), [](const TraceLogRecord& a, const TraceLogRecord& b) {
        return a.timeNs != b.timeNs ? a.timeNs < b.timeNs : a.rowId < b.rowId;
    });
}

bool readSpan(sqlite3* db, const SpanDetailQuery& query, SpanDetailResult& result, NameCache& names)
{
    SqlQuery q(db,
        "SELECT span_id, parent_span_id, tenant_id, environment_id, service_id, name_id, kind, start_ns,"
        " duration_ns, status_code, status_message, error_type_id, provider_id, request_model_id,"
        " response_model_id, operation_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
        " reasoning_tokens, cost_nano_usd, price_row_id, session, end_user, convention, prompt_fp_id,"
        " resource_id, scope_id, detail, flags FROM spans WHERE id = ? AND trace_id = ?",
        result);
    q.bind(1, query.rowId).bindBlob(2, query.traceId.data(), query.traceId.size());
    if (!q.next())
        return false;
    TraceSpan& s = result.span;
    s.rowId = query.rowId;
    s.traceId = query.traceId;
    copyId(q, 0, &s.spanId);
    copyId(q, 1, &s.parentSpanId);
    s.tenant = names.dict(q.integer(2));
    s.environment = names.dict(q.integer(3));
    s.service = names.dict(q.integer(4));
    s.name = names.dict(q.integer(5));
    s.kind = static_cast<int>(q.integer(6));
    s.startNs = q.integer(7);
    s.durationNs = q.integer(8);
    s.statusCode = static_cast<int>(q.integer(9));
    s.statusMessage = q.text(10);
    s.errorType = names.dict(q.integer(11));
    s.provider = names.dict(q.integer(12));
    s.requestModel = names.dict(q.integer(13));
    s.responseModel = names.dict(q.integer(14));
    s.operation = names.dict(q.integer(15));
    s.inputTokens = optionalInteger(q, 16);
    s.outputTokens = optionalInteger(q, 17);
    s.cacheReadTokens = optionalInteger(q, 18);
    s.cacheWriteTokens = optionalInteger(q, 19);
    s.reasoningTokens = optionalInteger(q, 20);
    s.costNanoUsd = optionalInteger(q, 21);
    s.priceRowId = optionalInteger(q, 22);
    s.session = q.text(23);
    s.endUser = q.text(24);
    s.convention = static_cast<int>(q.integer(25));
    const int64_t promptId = q.integer(26);
    s.promptFingerprint = names.dict(promptId);
    s.promptLabel = promptId ? names.promptLabel(promptId) : std::string();
    s.resourceId = q.integer(27);
    s.scope = names.dict(q.integer(28));
    if (!decodeSpanDetail(q.blob(29), &s.detail))
        result.notices.push_back("the attributes of this span could not be decoded");
    s.flags = static_cast<int>(q.integer(30));

    const size_t max = query.maxValueBytes;
    int& cut = result.truncatedValues;
    truncate(s.statusMessage, max, cut);
    truncateAll(s.detail.attributes, max, cut);
    for (SpanEventText& e : s.detail.events)
        truncateAll(e.attributes, max, cut);
    for (SpanLinkText& l : s.detail.links)
        truncateAll(l.attributes, max, cut);

    if (promptId > 0) {
        SqlQuery example(db, "SELECT example FROM prompts WHERE prompt_fp_id = ?", result);
        example.bind(1, promptId);
        if (example.next())
            result.promptExample = example.text(0);
        truncate(result.promptExample, max, cut);
    }
    return true;
}

} // namespace

TraceOutline queryTraceOutline(sqlite3* db, const TraceId& traceId, const QueryControl& control)
{
    TraceOutline result;
    result.traceId = traceId;
    ReadSnapshot snapshot(db);
    const auto runs = traceRuns(db, traceId, result);
    if (stopRequested(control, result))
        return result;
    NameCache names(db, result);
    StringTable strings(result, names);
    SqlQuery q(db,
        "SELECT id, span_id, parent_span_id, start_ns, duration_ns, name_id, service_id, error_type_id,"
        " coalesce(request_model_id, response_model_id), kind, status_code, flags"
        " FROM spans WHERE id BETWEEN ? AND ? AND trace_id = ?",
        result);
    for (const auto& [first, count] : runs) {
        q.bind(1, first).bind(2, first + count - 1).bindBlob(3, traceId.data(), traceId.size());
        while (q.next()) {
            OutlineSpan s;
            s.rowId = q.integer(0);
            copyId(q, 1, &s.spanId);
            copyId(q, 2, &s.parentSpanId);
            s.startNs = q.integer(3);
            s.durationNs = q.integer(4);
            s.name = strings(q.integer(5));
            s.service = strings(q.integer(6));
            s.errorType = strings(q.integer(7));
            s.model = strings(q.integer(8));
            s.kind = static_cast<int>(q.integer(9));
            s.statusCode = static_cast<int>(q.integer(10));
            s.flags = static_cast<int>(q.integer(11));
            result.spans.push_back(s);
        }
        q.reset();
        if (stopRequested(control, result))
            return result;
    }
    std::sort(result.spans.begin(), result.spans.end(), [](const OutlineSpan& a, const OutlineSpan& b) {
        return a.startNs != b.startNs ? a.startNs < b.startNs : a.rowId < b.rowId;
    });
    return result;
}

SpanDetailResult querySpanDetail(sqlite3* db, const SpanDetailQuery& query, const QueryControl& control)
{
    SpanDetailResult result;
    ReadSnapshot snapshot(db);
    NameCache names(db, result);
    result.found = readSpan(db, query, result, names);
    if (!result.found || stopRequested(control, result))
        return result;
    if (result.span.resourceId > 0) {
        SqlQuery q(db, "SELECT attributes FROM resources WHERE id = ?", result);
        q.bind(1, result.span.resourceId);
        if (q.next())
            decodeResourceAttributes(q.blob(0), &result.resource);
        truncateAll(result.resource, query.maxValueBytes, result.truncatedValues);
    }
    if (result.span.priceRowId) {
        SqlQuery q(db, "SELECT definition FROM price_rows WHERE id = ?", result);
        q.bind(1, *result.span.priceRowId);
        if (q.next())
            result.priceRowDefinition = q.text(0);
    }
    readLogs(db, query, result, names);
    return result;
}

} // namespace spanlight
