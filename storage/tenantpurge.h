#pragma once

#include "sqldialect.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

struct sqlite3;

namespace spanlight {

struct ReferencedIds;

/// What purging a tenant's telemetry did; the audit log records the counts.
struct TenantPurgeReport
{
    /// Rows deleted per table; every table the purge looks at is listed, 0 included.
    std::map<std::string, int64_t> deletedRows;
    /// Rows rewritten rather than deleted: total rollup rows recomputed without
    /// the tenant, and the example text cleared from prompts other tenants share.
    std::map<std::string, int64_t> rewrittenRows;
    int64_t steps = 0; ///< transactions the purge took (ingest commits ran in between)
    bool walTruncated = false; ///< the WAL was truncated afterwards: no old page image of the rows is left
    std::string notice; ///< something the user should know although the purge succeeded
    bool ok = false;
    std::string error;
};

/// Deletes every telemetry row of one tenant in bounded steps, each its own
/// transaction run by the writer between ingest commits (DESIGN.md rule 4);
/// docs/storage.md "Purging a tenant" says which rows belong to a tenant.
///
/// The first step *retires* the tenant's dictionary entry: its rows keep that
/// id while they are deleted, and the tenant's spans arriving meanwhile get a
/// fresh entry and are stored normally (a purge is not a ban). Nothing new can
/// be written under the retired id, so the later steps work on a fixed set of
/// rows without holding back ingest. None of the row tables has an index by
/// tenant: they are read once, in windows of \a stepRows rowids (rollups: whole
/// (grain, slot) periods of about \a stepRows rows).
class TenantPurge
{
public:
    TenantPurge(std::string tenant, int64_t stepRows);
    ~TenantPurge();

    /// One bounded step inside the caller's open write transaction. Returns an
    /// SQLite result code; on failure the caller rolls back and gives up (a
    /// purge run again later finishes the job: the retired entry is found by name).
    int step(sqlite3* db, const SqlDialect& dialect);
    bool finished() const { return m_phase == Phase::Done; }

    /// What the writer's memory must forget once a step has committed.
    struct Forget
    {
        std::vector<int64_t> retiredTenants; ///< prompt join entries of these tenant ids
        std::vector<std::pair<int, std::string>> dictEntries; ///< (kind, value) of deleted dictionary rows
        std::vector<int64_t> resources; ///< deleted resource ids
        bool retiredName = false; ///< the tenant's name (kind Tenant) left the dictionary cache
    };
    /// The step committed: its counts join the report.
    Forget committed();
    /// The step failed: the purge ends with \a error.
    void failed(const std::string& error);

    const std::string& tenant() const { return m_tenant; }
    /// Ids handed out by the writer from the first commit on (attached by the writer).
    const std::shared_ptr<ReferencedIds>& referencedIds() const { return m_referenced; }
    TenantPurgeReport& report() { return m_report; }

private:
    enum class Phase { Retire, Spans, Logs, Points, Rollups, Forget, Done };
    using Slot = std::pair<int64_t, int64_t>; // (grain, slot)

    int retire(sqlite3* db, const SqlDialect& dialect);
    int rowStep(sqlite3* db, const SqlDialect& dialect);
    int rollupStep(sqlite3* db, const SqlDialect& dialect);
    int forgetStep(sqlite3* db, const SqlDialect& dialect);
    int deleteAttachedLogs(sqlite3* db, const SqlDialect& dialect);
    int deleteTraceRuns(sqlite3* db, const SqlDialect& dialect);
    int deleteLogRow(sqlite3* db, const SqlDialect& dialect, int64_t logId, std::string_view traceId);
    int recomputeTotals(sqlite3* db, const SqlDialect& dialect);
    /// Moves on to the first non-empty row table from \a table on, else to the rollups.
    void startRows(int table);
    bool isTenant(int64_t id) const;
    /// Notes the dictionary and resource ids of a row: candidates for deletion
    /// when it is the tenant's, kept when anyone else's row refers to them.
    void noteReferences(bool tenantRow, int64_t resourceId, int64_t promptId, const std::vector<int64_t>& dictIds);
    void count(const char* table, int64_t rows) { m_pending[table] += rows; }

    std::string m_tenant;
    int64_t m_stepRows;
    Phase m_phase = Phase::Retire;
    std::vector<int64_t> m_tenantIds; // current and earlier retired entries of the name
    std::shared_ptr<ReferencedIds> m_referenced;

    // Row tables: the window cursor and the last rowid that existed when the
    // tenant was retired (later rows cannot carry its retired id).
    SqlDialect::PurgeRows m_rows = SqlDialect::PurgeRows::Spans;
    int64_t m_cursor = 0;
    int64_t m_first[3] = {}; // per PurgeRows: MIN(id) when the tenant was retired
    int64_t m_last[3] = {}; // MAX(id) then

    // The current span window's purged spans, by trace: their rowids and span ids.
    struct TraceSpans
    {
        std::vector<int64_t> rowIds;
        std::set<std::string> spanIds;
    };
    std::map<std::string, TraceSpans> m_windowTraces;

    // Rollups: the table being read and the next (grain, slot) to read.
    int m_rollupTable = 0;
    Slot m_slotCursor;
    std::set<std::array<int64_t, 3>> m_latencyTotals, m_promptTotals; // keys to recompute

    std::unordered_set<int64_t> m_candidateDict, m_candidateResources, m_candidatePrompts;
    std::unordered_set<int64_t> m_usedDict, m_usedResources;

    std::map<std::string, int64_t> m_pending, m_pendingRewritten; // this step's counts
    Forget m_forget;
    TenantPurgeReport m_report;
};

} // namespace spanlight
