#include "batchinserter.h"

#include <cstring>
#include <sqlite3.h>

namespace spanlight {

namespace {

void bindText(sqlite3_stmt* s, int i, const std::string& v)
{
    if (v.empty())
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

void bindBlob(sqlite3_stmt* s, int i, const void* data, size_t size)
{
    sqlite3_bind_blob(s, i, data, static_cast<int>(size), SQLITE_STATIC);
}

template <typename T> void bindOptional(sqlite3_stmt* s, int i, const std::optional<T>& v)
{
    if (!v)
        sqlite3_bind_null(s, i);
    else if constexpr (std::is_floating_point_v<T>)
        sqlite3_bind_double(s, i, *v);
    else
        sqlite3_bind_int64(s, i, static_cast<sqlite3_int64>(*v));
}

void bindId(sqlite3_stmt* s, int i, int64_t id)
{
    if (id > 0)
        sqlite3_bind_int64(s, i, id);
    else
        sqlite3_bind_null(s, i);
}

bool isZero(const uint8_t* data, size_t size)
{
    for (size_t i = 0; i < size; ++i)
        if (data[i])
            return false;
    return true;
}

int finishStep(sqlite3_stmt* s)
{
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

} // namespace

int64_t traceKey(const TraceId& id)
{
    int64_t key;
    std::memcpy(&key, id.data(), sizeof key);
    return key;
}

BatchInserter::BatchInserter(sqlite3* db, const SqlDialect& dialect)
    : m_db(db)
    , m_span(db, dialect.insertSpan())
    , m_traceIndex(db, dialect.insertTraceIndex())
    , m_log(db, dialect.insertLog())
    , m_logIndex(db, dialect.insertLogIndex())
    , m_point(db, dialect.insertMetricPoint())
    , m_dict(db, dialect.insertDictionaryEntry())
    , m_resource(db, dialect.insertResource())
{
    m_valid = m_span.valid() && m_traceIndex.valid() && m_log.valid() && m_logIndex.valid() && m_point.valid()
        && m_dict.valid() && m_resource.valid();
}

bool BatchInserter::load(std::string* error)
{
    Statement dict(m_db, "SELECT id, kind, value FROM dict");
    Statement resources(m_db, "SELECT id, hash FROM resources");
    Statement maxSpan(m_db, "SELECT COALESCE(MAX(id), 0) FROM spans");
    if (!dict.valid() || !resources.valid() || !maxSpan.valid()) {
        *error = std::string("cannot read dictionaries: ") + sqlite3_errmsg(m_db);
        return false;
    }
    while (sqlite3_step(dict.get()) == SQLITE_ROW) {
        const int kind = sqlite3_column_int(dict.get(), 1);
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(dict.get(), 2));
        // Length from SQLite, not strlen: a value may contain a NUL byte.
        const std::string value(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(dict.get(), 2)));
        if (kind > 0 && kind < kDictKinds)
            m_dictionary[kind].emplace(value, sqlite3_column_int64(dict.get(), 0));
    }
    while (sqlite3_step(resources.get()) == SQLITE_ROW)
        m_resources.emplace(
            static_cast<uint64_t>(sqlite3_column_int64(resources.get(), 1)), sqlite3_column_int64(resources.get(), 0));
    if (sqlite3_step(maxSpan.get()) == SQLITE_ROW)
        m_nextSpanId = sqlite3_column_int64(maxSpan.get(), 0) + 1;
    m_spanIdAtBegin = m_nextSpanId;
    return true;
}

int64_t BatchInserter::dictionaryId(DictKind kind, const std::string& value, int* rc)
{
    if (value.empty())
        return 0;
    Dictionary& dictionary = m_dictionary[static_cast<int>(kind)];
    if (auto it = dictionary.find(std::string_view(value)); it != dictionary.end()) {
        for (const auto& referenced : m_referenced)
            referenced->dictIds.insert(it->second);
        return it->second;
    }
    sqlite3_stmt* s = m_dict.get();
    sqlite3_bind_int(s, 1, static_cast<int>(kind));
    bindText(s, 2, value);
    const int stepRc = finishStep(s);
    if (stepRc != SQLITE_OK) {
        *rc = stepRc;
        return 0;
    }
    const int64_t id = sqlite3_last_insert_rowid(m_db);
    dictionary.emplace(value, id);
    m_newDictEntries.emplace_back(static_cast<int>(kind), value);
    for (const auto& referenced : m_referenced)
        referenced->dictIds.insert(id);
    return id;
}

int BatchInserter::resolveResources(const IngestBatch& batch, std::vector<int64_t>* ids)
{
    ids->clear();
    for (const std::string& encoded : batch.resources) {
        const uint64_t hash = std::hash<std::string>()(encoded);
        if (auto it = m_resources.find(hash); it != m_resources.end()) {
            ids->push_back(it->second);
            for (const auto& referenced : m_referenced)
                referenced->resourceIds.insert(it->second);
            continue;
        }
        sqlite3_stmt* s = m_resource.get();
        sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(hash));
        bindBlob(s, 2, encoded.data(), encoded.size());
        if (const int rc = finishStep(s); rc != SQLITE_OK)
            return rc;
        const int64_t id = sqlite3_last_insert_rowid(m_db);
        m_resources.emplace(hash, id);
        m_newResources.push_back(hash);
        ids->push_back(id);
        for (const auto& referenced : m_referenced)
            referenced->resourceIds.insert(id);
    }
    return SQLITE_OK;
}

int BatchInserter::insertSpans(const std::vector<SpanToInsert>& spans, std::vector<SpanFacts>* facts)
{
    int rc = SQLITE_OK;
    sqlite3_stmt* s = m_span.get();
    size_t runStart = 0;
    for (size_t i = 0; i < spans.size(); ++i) {
        const SpanRecord& r = *spans[i].span;
        const int64_t id = m_nextSpanId++;
        sqlite3_bind_int64(s, 1, id);
        bindBlob(s, 2, r.traceId.data(), r.traceId.size());
        bindBlob(s, 3, r.spanId.data(), r.spanId.size());
        if (isZero(r.parentSpanId.data(), r.parentSpanId.size()))
            sqlite3_bind_null(s, 4);
        else
            bindBlob(s, 4, r.parentSpanId.data(), r.parentSpanId.size());
        SpanFacts f;
        f.rowId = id;
        f.startNs = r.startNs;
        f.durationNs = r.durationNs;
        f.tenantId = dictionaryId(DictKind::Tenant, r.dims.tenant, &rc);
        f.environmentId = dictionaryId(DictKind::Environment, r.dims.environment, &rc);
        f.serviceId = dictionaryId(DictKind::Service, r.dims.service, &rc);
        bindId(s, 5, f.tenantId);
        bindId(s, 6, f.environmentId);
        bindId(s, 7, f.serviceId);
        bindId(s, 8, dictionaryId(DictKind::SpanName, r.name, &rc));
        sqlite3_bind_int(s, 9, r.kind);
        sqlite3_bind_int64(s, 10, r.startNs);
        sqlite3_bind_int64(s, 11, r.durationNs);
        sqlite3_bind_int(s, 12, r.statusCode);
        bindText(s, 13, r.statusMessage);
        f.errorTypeId = dictionaryId(DictKind::ErrorType, r.errorType, &rc);
        bindId(s, 14, f.errorTypeId);
        bindId(s, 15, dictionaryId(DictKind::Provider, r.provider, &rc));
        const int64_t requestModel = dictionaryId(DictKind::Model, r.requestModel, &rc);
        const int64_t responseModel = dictionaryId(DictKind::Model, r.responseModel, &rc);
        bindId(s, 16, requestModel);
        bindId(s, 17, responseModel);
        f.modelId = requestModel > 0 ? requestModel : responseModel;
        bindId(s, 18, dictionaryId(DictKind::Operation, r.operation, &rc));
        bindOptional(s, 19, r.inputTokens);
        bindOptional(s, 20, r.outputTokens);
        bindOptional(s, 21, r.cacheReadTokens);
        bindOptional(s, 22, r.cacheWriteTokens);
        bindOptional(s, 23, r.reasoningTokens);
        bindOptional(s, 24, r.costNanoUsd);
        bindOptional(s, 25, r.priceRowId);
        bindText(s, 26, r.session);
        bindText(s, 27, r.endUser);
        sqlite3_bind_int(s, 28, r.convention);
        const PromptOverride* prompt = spans[i].prompt;
        f.promptId = dictionaryId(DictKind::PromptFingerprint, prompt ? prompt->fingerprint : r.promptFingerprint, &rc);
        bindId(s, 29, f.promptId);
        bindId(s, 30, spans[i].resourceId);
        bindId(s, 31, dictionaryId(DictKind::Scope, r.scope, &rc));
        bindBlob(s, 32, r.detail.data(), r.detail.size());
        f.flags = r.flags;
        const auto source = prompt ? prompt->source : r.promptSource;
        sqlite3_bind_int(s, 33, r.flags | (static_cast<int>(source) << kPromptSourceShift));
        f.isError = r.statusCode == 2; // STATUS_CODE_ERROR
        f.inputTokens = r.inputTokens.value_or(0);
        f.outputTokens = r.outputTokens.value_or(0);
        f.cacheReadTokens = r.cacheReadTokens.value_or(0);
        f.cacheWriteTokens = r.cacheWriteTokens.value_or(0);
        f.reasoningTokens = r.reasoningTokens.value_or(0);
        f.costNanoUsd = r.costNanoUsd.value_or(0);
        if (rc != SQLITE_OK)
            return rc;
        if ((rc = finishStep(s)) != SQLITE_OK)
            return rc;
        facts->push_back(f);

        const bool runEnds = i + 1 == spans.size() || spans[i + 1].span->traceId != r.traceId;
        if (runEnds) {
            sqlite3_stmt* t = m_traceIndex.get();
            const int64_t first = id - static_cast<int64_t>(i - runStart);
            sqlite3_bind_int64(t, 1, traceIndexBucket(first));
            sqlite3_bind_int64(t, 2, traceKey(r.traceId));
            sqlite3_bind_int64(t, 3, first);
            sqlite3_bind_int64(t, 4, static_cast<int64_t>(i - runStart + 1));
            if ((rc = finishStep(t)) != SQLITE_OK)
                return rc;
            runStart = i + 1;
        }
    }
    return SQLITE_OK;
}

int BatchInserter::insertLogs(const IngestBatch& batch, const std::vector<int64_t>& resourceIds)
{
    int rc = SQLITE_OK;
    sqlite3_stmt* s = m_log.get();
    for (const LogRow& r : batch.logs) {
        sqlite3_bind_int64(s, 1, r.timeNs);
        sqlite3_bind_int64(s, 2, r.observedNs);
        if (isZero(r.traceId.data(), r.traceId.size()))
            sqlite3_bind_null(s, 3);
        else
            bindBlob(s, 3, r.traceId.data(), r.traceId.size());
        if (isZero(r.spanId.data(), r.spanId.size()))
            sqlite3_bind_null(s, 4);
        else
            bindBlob(s, 4, r.spanId.data(), r.spanId.size());
        bindId(s, 5, dictionaryId(DictKind::Tenant, r.dims.tenant, &rc));
        bindId(s, 6, dictionaryId(DictKind::Environment, r.dims.environment, &rc));
        bindId(s, 7, dictionaryId(DictKind::Service, r.dims.service, &rc));
        sqlite3_bind_int(s, 8, r.severityNumber);
        bindText(s, 9, r.severityText);
        bindId(s, 10, dictionaryId(DictKind::EventName, r.eventName, &rc));
        bindBlob(s, 11, r.body.data(), r.body.size());
        bindText(s, 12, r.bodyText);
        bindId(s, 13, r.resourceIndex < resourceIds.size() ? resourceIds[r.resourceIndex] : 0);
        bindId(s, 14, dictionaryId(DictKind::Scope, r.scope, &rc));
        bindBlob(s, 15, r.attributes.data(), r.attributes.size());
        if (rc != SQLITE_OK || (rc = finishStep(s)) != SQLITE_OK)
            return rc;
        if (!isZero(r.traceId.data(), r.traceId.size())) {
            // Logs of a trace for the trace view: bucketed like trace_index.
            const int64_t logId = sqlite3_last_insert_rowid(m_db);
            sqlite3_stmt* x = m_logIndex.get();
            sqlite3_bind_int64(x, 1, traceIndexBucket(logId));
            sqlite3_bind_int64(x, 2, traceKey(r.traceId));
            sqlite3_bind_int64(x, 3, logId);
            if ((rc = finishStep(x)) != SQLITE_OK)
                return rc;
        }
    }
    return SQLITE_OK;
}

int BatchInserter::insertPoints(const IngestBatch& batch, const std::vector<int64_t>& resourceIds)
{
    int rc = SQLITE_OK;
    sqlite3_stmt* s = m_point.get();
    for (const MetricPointRow& r : batch.points) {
        bindId(s, 1, dictionaryId(DictKind::MetricName, r.name, &rc));
        bindId(s, 2, dictionaryId(DictKind::Unit, r.unit, &rc));
        sqlite3_bind_int(s, 3, static_cast<int>(r.type));
        sqlite3_bind_int(s, 4, r.temporality);
        sqlite3_bind_int(s, 5, r.monotonic ? 1 : 0);
        sqlite3_bind_int64(s, 6, r.startNs);
        sqlite3_bind_int64(s, 7, r.timeNs);
        bindOptional(s, 8, r.valueDouble);
        bindOptional(s, 9, r.valueInt);
        bindOptional(s, 10, r.count);
        bindOptional(s, 11, r.sum);
        bindOptional(s, 12, r.min);
        bindOptional(s, 13, r.max);
        bindId(s, 14, dictionaryId(DictKind::Tenant, r.dims.tenant, &rc));
        bindId(s, 15, dictionaryId(DictKind::Environment, r.dims.environment, &rc));
        bindId(s, 16, dictionaryId(DictKind::Service, r.dims.service, &rc));
        bindId(s, 17, r.resourceIndex < resourceIds.size() ? resourceIds[r.resourceIndex] : 0);
        bindId(s, 18, dictionaryId(DictKind::Scope, r.scope, &rc));
        bindBlob(s, 19, r.point.data(), r.point.size());
        if (rc != SQLITE_OK || (rc = finishStep(s)) != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

void BatchInserter::transactionCommitted()
{
    m_newDictEntries.clear();
    m_newResources.clear();
    m_spanIdAtBegin = m_nextSpanId;
}

void BatchInserter::transactionRolledBack()
{
    for (const auto& [kind, value] : m_newDictEntries)
        m_dictionary[kind].erase(value);
    for (uint64_t hash : m_newResources)
        m_resources.erase(hash);
    m_newDictEntries.clear();
    m_newResources.clear();
    m_nextSpanId = m_spanIdAtBegin;
}

std::string BatchInserter::lastError() const
{
    return sqlite3_errmsg(m_db);
}

void BatchInserter::attachReferencedIds(std::shared_ptr<ReferencedIds> ids)
{
    m_referenced.push_back(std::move(ids));
}

void BatchInserter::detachReferencedIds(const ReferencedIds* ids)
{
    std::erase_if(m_referenced, [ids](const auto& attached) { return attached.get() == ids; });
}

void BatchInserter::forgetDictionaryEntry(int kind, const std::string& value)
{
    if (kind > 0 && kind < kDictKinds)
        m_dictionary[kind].erase(value);
}

void BatchInserter::forgetResource(int64_t id)
{
    std::erase_if(m_resources, [id](const auto& entry) { return entry.second == id; });
}

} // namespace spanlight
