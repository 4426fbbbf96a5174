#include "telemetrywriter.h"

#include "writerstate.h"

#include <QtGlobal>
#include <sqlite3.h>

// The writer's upkeep between commits: WAL checkpoints, folding rollup rows
// and retention rounds.

namespace spanlight {

void TelemetryWriter::checkpointIfNeeded()
{
    State& st = *m_state;
    if (st.walFrames < m_options.walCheckpointPages)
        return;
    sqlite3* db = st.connection.handle();
    const bool restart = st.walFrames >= m_options.walRestartPages;
    // A RESTART waits for readers to leave the WAL; wait briefly only, so
    // ingest never stalls behind a slow reader — the next commit tries again,
    // and passive checkpoints keep backfilling meanwhile.
    if (restart)
        sqlite3_busy_timeout(db, 100);
    const int rc = sqlite3_wal_checkpoint_v2(
        db, nullptr, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (restart)
        sqlite3_busy_timeout(db, kBusyTimeoutMs);
    std::lock_guard lock(m_statsMutex);
    m_stats.walPages = st.walFrames;
    if (restart && rc == SQLITE_OK) {
        ++m_stats.walRestarts;
        st.walFrames = 0;
    }
}

bool TelemetryWriter::retentionStep(Retention& retention, RetentionReport& report, bool retain)
{
    WriterState& st = *m_state;
    std::string error;
    // Folding goes first: retention keeps the minute rows of unfolded hours.
    bool foldMore = false;
    if (st.maintainRollups) {
        foldMore = st.foldStep(retention.nowNs(), &report.hoursFolded, &error);
        if (!error.empty())
            report.error = error;
        if (!st.refreshGrainBounds(retention.nowNs(), m_options.retention, &error))
            report.error = error;
        if (foldMore)
            return true;
    }
    if (!retain)
        return false;
    if (st.connection.exec(st.dialect.beginWrite(), &error) != SQLITE_OK) {
        report.error = error;
        return false;
    }
    const bool more = retention.step(st.connection.handle(), &report);
    if (st.connection.exec("COMMIT", &error) != SQLITE_OK) {
        st.connection.exec("ROLLBACK");
        report.error = error;
        return false; // the next round tries again
    }
    // The round's cutoff is recorded now; the bounds follow it at once.
    if (!more && st.maintainRollups && !st.refreshGrainBounds(retention.nowNs(), m_options.retention, &error))
        report.error = error;
    return more;
}

void TelemetryWriter::reportRetentionRound(const RetentionReport& round)
{
    if (round.steps == 0)
        return;
    if (!round.error.empty())
        qWarning("spanlight: upkeep of telemetry.db failed: %s (tried again in the next round)", round.error.c_str());
    if (round.spansDeleted + round.logsDeleted + round.pointsDeleted + round.rollupRowsDeleted == 0)
        return;
    qInfo("spanlight: retention removed %lld spans, %lld logs, %lld metric points, %lld rollup rows%s",
        static_cast<long long>(round.spansDeleted), static_cast<long long>(round.logsDeleted),
        static_cast<long long>(round.pointsDeleted), static_cast<long long>(round.rollupRowsDeleted),
        round.bySize ? " (size limit reached)" : "");
    std::lock_guard lock(m_statsMutex);
    m_stats.lastRetention = round;
}

void TelemetryWriter::retainNow(int64_t nowNs, std::function<void(const RetentionReport&)> done)
{
    post([this, nowNs, done = std::move(done)](SqliteConnection&) {
        Retention retention(m_options.retention);
        retention.beginRound(nowNs);
        RetentionReport report;
        while (retentionStep(retention, report)) { }
        done(report);
    });
}

void TelemetryWriter::foldNow(int64_t nowNs, std::function<void(int64_t hoursFolded, std::string error)> done)
{
    post([this, nowNs, done = std::move(done)](SqliteConnection&) {
        WriterState& st = *m_state;
        int64_t folded = 0;
        std::string error;
        while (st.foldStep(nowNs, &folded, &error)) { }
        std::string boundsError;
        if (!st.refreshGrainBounds(nowNs, m_options.retention, &boundsError) && error.empty())
            error = boundsError;
        done(folded, error);
    });
}

void TelemetryWriter::recordPriceRows(std::vector<std::pair<int64_t, std::string>> rows)
{
    post([this, rows = std::move(rows)](SqliteConnection& connection) {
        WriterState& st = *m_state;
        Statement insert(connection.handle(), st.dialect.insertPriceRow());
        std::string error;
        if (!insert.valid() || connection.exec(st.dialect.beginWrite(), &error) != SQLITE_OK)
            return; // the next start records them again
        for (const auto& [id, definition] : rows) {
            sqlite3_bind_int64(insert.get(), 1, id);
            sqlite3_bind_text(insert.get(), 2, definition.data(), static_cast<int>(definition.size()), SQLITE_STATIC);
            sqlite3_step(insert.get());
            sqlite3_reset(insert.get());
        }
        if (connection.exec("COMMIT", &error) != SQLITE_OK)
            connection.exec("ROLLBACK");
    });
}

} // namespace spanlight
