#include "telemetrywriter.h"

#include "writerstate.h"

#include <QtGlobal>
#include <sqlite3.h>

// Tenant purges as writer commands: each step is a job of its own that queues
// the next, so the writer's loop commits waiting ingest batches between any
// two steps (DESIGN.md rule 4) and other jobs keep their turn.

namespace spanlight {

namespace {

// Truncating the WAL needs a moment without readers; each attempt waits this
// long at most, with ingest commits in between.
constexpr int kTruncateWaitMs = 100;
constexpr int kTruncateAttempts = 50;

} // namespace

std::future<TenantPurgeReport> TelemetryWriter::purgeTenant(const std::string& tenant)
{
    auto done = std::make_shared<std::promise<TenantPurgeReport>>();
    auto result = done->get_future();
    auto purge = std::make_shared<TenantPurge>(tenant, m_options.retention.stepRows);
    if (tenant.empty()) {
        purge->failed("no tenant given: name the tenant whose telemetry to purge");
        done->set_value(purge->report());
    } else if (!enqueueJob([this, purge, done](SqliteConnection&) { purgeStep(purge, done); })) {
        purge->failed("the telemetry writer is not running: nothing was purged");
        done->set_value(purge->report());
    }
    return result;
}

void TelemetryWriter::purgeStep(const std::shared_ptr<TenantPurge>& purge, const PurgeDone& done)
{
    WriterState& st = *m_state;
    sqlite3* db = st.connection.handle();
    std::string error;
    // Only the purge's own deletions pay for overwriting: ingest runs without.
    int rc = st.connection.exec(st.dialect.writerSecureDelete(true), &error);
    if (rc == SQLITE_OK)
        rc = st.connection.exec(st.dialect.beginWrite(), &error);
    if (rc == SQLITE_OK && (rc = purge->step(db, st.dialect)) != SQLITE_OK)
        error = sqlite3_errmsg(db);
    if (rc == SQLITE_OK)
        rc = st.connection.exec("COMMIT", &error);
    if (rc != SQLITE_OK)
        st.connection.exec("ROLLBACK");
    st.connection.exec(st.dialect.writerSecureDelete(false));
    if (rc != SQLITE_OK) {
        st.inserter->detachReferencedIds(purge->referencedIds().get());
        purge->failed("purging tenant " + purge->tenant() + " stopped: " + (error.empty() ? sqlite3_errstr(rc) : error)
            + "; what was purged stays purged, run the purge again to finish");
        done->set_value(purge->report());
        return;
    }

    // The memory that could write a retired or deleted id again forgets it.
    const TenantPurge::Forget forget = purge->committed();
    if (forget.retiredName)
        st.inserter->forgetDictionaryEntry(static_cast<int>(DictKind::Tenant), purge->tenant());
    if (!forget.retiredTenants.empty())
        st.inserter->attachReferencedIds(purge->referencedIds());
    for (int64_t tenantId : forget.retiredTenants)
        st.join->forgetTenant(tenantId);
    for (const auto& [kind, value] : forget.dictEntries)
        st.inserter->forgetDictionaryEntry(kind, value);
    for (int64_t resource : forget.resources)
        st.inserter->forgetResource(resource);

    if (!purge->finished()) {
        if (!enqueueJob([this, purge, done](SqliteConnection&) { purgeStep(purge, done); })) {
            st.inserter->detachReferencedIds(purge->referencedIds().get());
            purge->failed("the telemetry writer stopped before purging tenant " + purge->tenant()
                + " finished; what was purged stays purged, run the purge again to finish");
            done->set_value(purge->report());
        }
        return;
    }
    st.inserter->detachReferencedIds(purge->referencedIds().get());
    finishPurge(purge, done, 0);
}

void TelemetryWriter::finishPurge(const std::shared_ptr<TenantPurge>& purge, const PurgeDone& done, int attempt)
{
    WriterState& st = *m_state;
    sqlite3* db = st.connection.handle();
    // The deleted rows' old page images live on in the WAL until it is
    // truncated; the checkpoint also overwrites them in the database file.
    sqlite3_busy_timeout(db, kTruncateWaitMs);
    const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    TenantPurgeReport& report = purge->report();
    if (rc == SQLITE_OK) {
        st.walFrames = 0;
        report.walTruncated = true;
    } else if (attempt + 1 < kTruncateAttempts
        && enqueueJob([this, purge, done, attempt](SqliteConnection&) { finishPurge(purge, done, attempt + 1); })) {
        return;
    } else {
        report.notice = "readers kept the write-ahead log busy: old copies of the purged pages stay in "
                        "telemetry.db-wal until the writer next restarts it";
    }
    report.ok = true;
    const auto deleted = [&report](const char* table) { return static_cast<long long>(report.deletedRows[table]); };
    qInfo("spanlight: purged tenant %s: %lld spans, %lld logs, %lld metric points, %lld rollup rows in %lld steps",
        purge->tenant().c_str(), deleted("spans"), deleted("logs"), deleted("metric_points"),
        deleted("rollup_latency") + deleted("rollup_spend") + deleted("rollup_prompt") + deleted("rollup_prompt_error"),
        static_cast<long long>(report.steps));
    done->set_value(report);
}

} // namespace spanlight
