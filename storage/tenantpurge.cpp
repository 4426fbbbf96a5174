#include "tenantpurge.h"

#include "batchinserter.h"
#include "purgestatement.h"

#include <algorithm>
#include <cstring>

namespace spanlight {

namespace {

using Rows = SqlDialect::PurgeRows;

// Every table the purge deletes from, so the audit record always lists them all.
constexpr const char* kTables[] = { "spans", "trace_index", "logs", "log_index", "metric_points", "rollup_latency",
    "rollup_latency_total", "rollup_spend", "rollup_prompt", "rollup_prompt_total", "rollup_prompt_error", "prompts",
    "resources", "dict", "tenants" };
constexpr const char* kRowTables[] = { "spans", "logs", "metric_points" };

// Column layout of SqlDialect::purgeRowWindow.
enum RowColumn { kId = 0, kTenant = 1, kTraceId = 2, kSpanId = 3, kResource = 4, kPrompt = 5, kFirstDictId = 6 };

bool toTraceId(std::string_view blob, TraceId* out)
{
    if (blob.size() != out->size())
        return false;
    std::memcpy(out->data(), blob.data(), out->size());
    return true;
}

} // namespace

TenantPurge::TenantPurge(std::string tenant, int64_t stepRows)
    : m_tenant(std::move(tenant))
    , m_stepRows(std::max<int64_t>(1, stepRows))
    , m_referenced(std::make_shared<ReferencedIds>())
    , m_slotCursor(INT64_MIN, INT64_MIN)
{
    for (const char* table : kTables)
        m_report.deletedRows[table] = 0;
    m_report.rewrittenRows["rollup_latency_total"] = 0;
    m_report.rewrittenRows["rollup_prompt_total"] = 0;
    m_report.rewrittenRows["prompts"] = 0;
}

TenantPurge::~TenantPurge() = default;

int TenantPurge::step(sqlite3* db, const SqlDialect& dialect)
{
    m_pending.clear();
    m_pendingRewritten.clear();
    m_forget = {};
    int rc = SQLITE_OK;
    switch (m_phase) {
    case Phase::Retire:
        rc = retire(db, dialect);
        break;
    case Phase::Spans:
    case Phase::Logs:
    case Phase::Points:
        rc = rowStep(db, dialect);
        break;
    case Phase::Rollups:
        rc = rollupStep(db, dialect);
        break;
    case Phase::Forget:
        rc = forgetStep(db, dialect);
        break;
    case Phase::Done:
        break;
    }
    if (rc != SQLITE_OK)
        return rc;
    // Deleted pages are zeroed (secure_delete); give some back to the file system.
    PurgeStatement release(db, dialect.releaseFreePages());
    release.run();
    return release.rc();
}

TenantPurge::Forget TenantPurge::committed()
{
    for (const auto& [table, rows] : m_pending)
        m_report.deletedRows[table] += rows;
    for (const auto& [table, rows] : m_pendingRewritten)
        m_report.rewrittenRows[table] += rows;
    ++m_report.steps;
    m_pending.clear();
    m_pendingRewritten.clear();
    return std::exchange(m_forget, {});
}

void TenantPurge::failed(const std::string& error)
{
    m_report.ok = false;
    m_report.error = error;
    m_phase = Phase::Done;
}

bool TenantPurge::isTenant(int64_t id) const
{
    return std::find(m_tenantIds.begin(), m_tenantIds.end(), id) != m_tenantIds.end();
}

void TenantPurge::noteReferences(
    bool tenantRow, int64_t resourceId, int64_t promptId, const std::vector<int64_t>& dictIds)
{
    if (tenantRow) {
        if (resourceId > 0)
            m_candidateResources.insert(resourceId);
        if (promptId > 0)
            m_candidatePrompts.insert(promptId);
        for (int64_t id : dictIds)
            if (id > 0)
                m_candidateDict.insert(id);
        return;
    }
    if (resourceId > 0)
        m_usedResources.insert(resourceId);
    if (promptId > 0)
        m_usedDict.insert(promptId);
    for (int64_t id : dictIds)
        if (id > 0)
            m_usedDict.insert(id);
}

int TenantPurge::retire(sqlite3* db, const SqlDialect& dialect)
{
    PurgeStatement find(db, dialect.purgeFindTenant());
    find.bindText(1, m_tenant);
    while (find.next())
        m_tenantIds.push_back(find.integer(0));
    if (find.rc() != SQLITE_OK)
        return find.rc();
    if (m_tenantIds.empty()) {
        m_phase = Phase::Done; // nothing was ever stored under this name
        return SQLITE_OK;
    }
    PurgeStatement retire(db, dialect.purgeRetireTenant());
    for (int64_t id : m_tenantIds)
        m_forget.retiredName = retire.bind(1, id).run() > 0 || m_forget.retiredName;
    if (retire.rc() != SQLITE_OK)
        return retire.rc();
    m_forget.retiredTenants = m_tenantIds;

    // Rows after these cannot carry a retired id: the windows end here.
    for (int t = 0; t < 3; ++t) {
        PurgeStatement range(db, dialect.purgeIdRange(static_cast<Rows>(t)));
        m_first[t] = 1;
        m_last[t] = 0;
        if (range.next() && !range.isNull(0)) {
            m_first[t] = range.integer(0);
            m_last[t] = range.integer(1);
        }
        if (range.rc() != SQLITE_OK)
            return range.rc();
    }
    startRows(0);
    return SQLITE_OK;
}

void TenantPurge::startRows(int table)
{
    while (table < 3 && m_first[table] > m_last[table])
        ++table;
    if (table == 3) {
        m_phase = Phase::Rollups;
        return;
    }
    m_rows = static_cast<Rows>(table);
    m_cursor = m_first[table];
    m_phase = table == 0 ? Phase::Spans : table == 1 ? Phase::Logs : Phase::Points;
}

int TenantPurge::rowStep(sqlite3* db, const SqlDialect& dialect)
{
    const int t = static_cast<int>(m_rows);
    const int64_t from = m_cursor;
    const int64_t to = (m_last[t] - from < m_stepRows ? m_last[t] : from + m_stepRows - 1) + 1;
    m_windowTraces.clear();
    std::vector<std::pair<int64_t, std::string>> tenantLogs; // id, trace id

    PurgeStatement window(db, dialect.purgeRowWindow(m_rows));
    window.bind(1, from).bind(2, to);
    std::vector<int64_t> dictIds;
    while (window.next()) {
        const bool tenantRow = !window.isNull(kTenant) && isTenant(window.integer(kTenant));
        dictIds.clear();
        for (int c = kFirstDictId; c < window.columns(); ++c)
            dictIds.push_back(window.integer(c));
        noteReferences(tenantRow, window.integer(kResource), window.integer(kPrompt), dictIds);
        if (!tenantRow)
            continue;
        if (m_rows == Rows::Spans) {
            TraceSpans& trace = m_windowTraces[std::string(window.blob(kTraceId))];
            trace.rowIds.push_back(window.integer(kId));
            trace.spanIds.insert(std::string(window.blob(kSpanId)));
        } else if (m_rows == Rows::Logs) {
            tenantLogs.emplace_back(window.integer(kId), std::string(window.blob(kTraceId)));
        }
    }
    if (window.rc() != SQLITE_OK)
        return window.rc();

    int rc = SQLITE_OK;
    if (m_rows == Rows::Logs) {
        // One by one: each log's log_index row goes with it.
        for (const auto& [id, trace] : tenantLogs)
            if ((rc = deleteLogRow(db, dialect, id, trace)) != SQLITE_OK)
                return rc;
    } else {
        PurgeStatement scrub(db, dialect.purgeScrubRows(m_rows));
        PurgeStatement remove(db, dialect.purgeDeleteTenantRows(m_rows));
        for (int64_t tenantId : m_tenantIds) {
            scrub.bind(1, from).bind(2, to).bind(3, tenantId).run();
            count(kRowTables[t], remove.bind(1, from).bind(2, to).bind(3, tenantId).run());
        }
        if (scrub.rc() != SQLITE_OK || remove.rc() != SQLITE_OK)
            return scrub.rc() != SQLITE_OK ? scrub.rc() : remove.rc();
    }
    if (m_rows == Rows::Spans) {
        if ((rc = deleteTraceRuns(db, dialect)) != SQLITE_OK || (rc = deleteAttachedLogs(db, dialect)) != SQLITE_OK)
            return rc;
    }
    m_cursor = to;
    if (m_cursor > m_last[t])
        startRows(t + 1);
    return SQLITE_OK;
}

int TenantPurge::deleteTraceRuns(sqlite3* db, const SqlDialect& dialect)
{
    // A trace_index row covers one commit's run of a trace's spans. It goes
    // when none of its spans is left; a run that still holds another tenant's
    // spans of the same trace stays as it is (lookups filter by trace id).
    PurgeStatement runs(db, dialect.purgeTraceRuns());
    PurgeStatement alive(db, dialect.purgeTraceRunAlive());
    PurgeStatement remove(db, dialect.purgeDeleteTraceRun());
    for (auto& [trace, spans] : m_windowTraces) {
        TraceId id;
        if (!toTraceId(trace, &id))
            continue;
        const int64_t key = traceKey(id);
        std::sort(spans.rowIds.begin(), spans.rowIds.end());
        std::set<int64_t> buckets; // a run may start in the bucket before its spans'
        for (int64_t row : spans.rowIds) {
            buckets.insert(traceIndexBucket(row));
            buckets.insert(std::max<int64_t>(0, traceIndexBucket(row) - 1));
        }
        std::vector<std::pair<int64_t, int64_t>> emptied; // bucket, first span
        for (int64_t bucket : buckets) {
            runs.bind(1, bucket).bind(2, key);
            std::vector<std::pair<int64_t, int64_t>> found;
            while (runs.next())
                found.emplace_back(runs.integer(0), runs.integer(1));
            runs.reset();
            for (const auto& [first, count] : found) {
                const auto hit = std::lower_bound(spans.rowIds.begin(), spans.rowIds.end(), first);
                if (hit == spans.rowIds.end() || *hit >= first + count)
                    continue; // another run of the same trace key
                alive.bind(1, first).bind(2, first + count).bindBlob(3, trace);
                const bool left = alive.next();
                alive.reset();
                if (!left)
                    emptied.emplace_back(bucket, first);
            }
        }
        for (const auto& [bucket, first] : emptied)
            count("trace_index", remove.bind(1, bucket).bind(2, key).bind(3, first).run());
    }
    for (const PurgeStatement* s : { &runs, &alive, &remove })
        if (s->rc() != SQLITE_OK)
            return s->rc();
    return SQLITE_OK;
}

int TenantPurge::deleteAttachedLogs(sqlite3* db, const SqlDialect& dialect)
{
    // A log that names one of the tenant's spans, or one of its traces without
    // naming a span, is the tenant's whatever tenant its own resource named:
    // GenAI content logs often carry the tenant only through their span.
    const int logs = static_cast<int>(Rows::Logs);
    if (m_first[logs] > m_last[logs] || m_windowTraces.empty())
        return SQLITE_OK;
    PurgeStatement ofTrace(db, dialect.purgeLogsOfTrace());
    PurgeStatement row(db, dialect.purgeRowWindow(Rows::Logs));
    std::vector<int64_t> dictIds;
    for (const auto& [trace, spans] : m_windowTraces) {
        TraceId id;
        if (!toTraceId(trace, &id))
            continue;
        std::vector<int64_t> logIds;
        for (int64_t b = traceIndexBucket(m_first[logs]); b <= traceIndexBucket(m_last[logs]); ++b) {
            ofTrace.bind(1, b).bind(2, traceKey(id));
            while (ofTrace.next())
                if (ofTrace.integer(0) <= m_last[logs])
                    logIds.push_back(ofTrace.integer(0));
            ofTrace.reset();
        }
        for (int64_t logId : logIds) {
            row.bind(1, logId).bind(2, logId + 1);
            bool attached = false;
            if (row.next() && row.blob(kTraceId) == trace) {
                attached = row.isNull(kSpanId) || spans.spanIds.count(std::string(row.blob(kSpanId))) > 0;
                if (attached) {
                    dictIds.clear();
                    for (int c = kFirstDictId; c < row.columns(); ++c)
                        dictIds.push_back(row.integer(c));
                    noteReferences(true, row.integer(kResource), 0, dictIds);
                }
            }
            row.reset();
            if (row.rc() != SQLITE_OK)
                return row.rc();
            if (attached)
                if (const int rc = deleteLogRow(db, dialect, logId, trace); rc != SQLITE_OK)
                    return rc;
        }
    }
    return ofTrace.rc();
}

int TenantPurge::deleteLogRow(sqlite3* db, const SqlDialect& dialect, int64_t logId, std::string_view traceId)
{
    PurgeStatement scrub(db, dialect.purgeScrubLog());
    scrub.bind(1, logId).run();
    if (scrub.rc() != SQLITE_OK)
        return scrub.rc();
    PurgeStatement remove(db, dialect.purgeDeleteLog());
    count("logs", remove.bind(1, logId).run());
    if (remove.rc() != SQLITE_OK)
        return remove.rc();
    TraceId id;
    if (!toTraceId(traceId, &id))
        return SQLITE_OK; // no trace: never indexed
    PurgeStatement index(db, dialect.purgeDeleteLogIndex());
    count("log_index", index.bind(1, traceIndexBucket(logId)).bind(2, traceKey(id)).bind(3, logId).run());
    return index.rc();
}

int TenantPurge::forgetStep(sqlite3* db, const SqlDialect& dialect)
{
    // Rows written since the retirement refer only to ids the writer handed
    // out meanwhile; those and every id another tenant's rows use stay.
    m_usedDict.insert(m_referenced->dictIds.begin(), m_referenced->dictIds.end());
    m_usedResources.insert(m_referenced->resourceIds.begin(), m_referenced->resourceIds.end());

    // Prompts only this tenant was seen with go; a shared prompt loses its
    // example text, which may have been this tenant's (the next sighting
    // fills it again). Fingerprints stay in the dictionary: a hash is no content.
    // Text is overwritten in place before its row goes (see purgeScrubRows).
    PurgeStatement scrubPrompt(db, dialect.purgeScrubPrompt());
    PurgeStatement scrubExample(db, dialect.purgeScrubPromptExample());
    PurgeStatement removePrompt(db, dialect.purgeDeletePrompt());
    PurgeStatement clearExample(db, dialect.purgeClearPromptExample());
    for (int64_t prompt : m_candidatePrompts) {
        if (m_usedDict.count(prompt)) {
            scrubExample.bind(1, prompt).run();
            m_pendingRewritten["prompts"] += clearExample.bind(1, prompt).run();
        } else {
            scrubPrompt.bind(1, prompt).run();
            count("prompts", removePrompt.bind(1, prompt).run());
        }
    }
    PurgeStatement scrubResource(db, dialect.purgeScrubResource());
    PurgeStatement removeResource(db, dialect.purgeDeleteResource());
    for (int64_t resource : m_candidateResources) {
        if (m_usedResources.count(resource))
            continue;
        scrubResource.bind(1, resource).run();
        const int64_t removed = removeResource.bind(1, resource).run();
        count("resources", removed);
        if (removed > 0)
            m_forget.resources.push_back(resource);
    }
    // Dictionary values (a service, a model, a span name) no other row uses.
    PurgeStatement entry(db, dialect.purgeDictEntry());
    PurgeStatement removeEntry(db, dialect.purgeDeleteDictEntry());
    for (int64_t id : m_candidateDict) {
        if (m_usedDict.count(id) || isTenant(id))
            continue;
        entry.bind(1, id);
        if (entry.next()) {
            m_forget.dictEntries.emplace_back(static_cast<int>(entry.integer(0)), std::string(entry.blob(1)));
            entry.reset();
            count("dict", removeEntry.bind(1, id).run());
        } else {
            entry.reset();
        }
    }
    PurgeStatement removeTenant(db, dialect.purgeDeleteTenantRow());
    for (int64_t id : m_tenantIds) {
        count("tenants", removeTenant.bind(1, id).run());
        count("dict", removeEntry.bind(1, id).run());
    }
    for (const PurgeStatement* s : { &scrubPrompt, &scrubExample, &removePrompt, &clearExample, &scrubResource,
             &removeResource, &entry, &removeEntry, &removeTenant })
        if (s->rc() != SQLITE_OK)
            return s->rc();
    m_phase = Phase::Done;
    return SQLITE_OK;
}

} // namespace spanlight
