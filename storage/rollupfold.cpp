#include "rollupfold.h"

#include "rollupaccumulator.h"
#include "sqldialect.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <sqlite3.h>

namespace spanlight {

RollupFold::RollupFold(sqlite3* db, const SqlDialect& dialect)
    : m_db(db)
    , m_settled(db, dialect.settledUnfoldedHours())
    , m_otherUnfolded(db, dialect.otherUnfoldedHourIn())
    , m_clear(db, dialect.clearUnfoldedHour())
{
    for (const auto& [deleteSql, insertSql] : dialect.foldStatements())
        m_tables.emplace_back(Statement(db, deleteSql), Statement(db, insertSql));
}

bool RollupFold::valid() const
{
    return m_settled.valid() && m_otherUnfolded.valid() && m_clear.valid()
        && std::all_of(
            m_tables.begin(), m_tables.end(), [](const auto& t) { return t.first.valid() && t.second.valid(); });
}

int RollupFold::finish(sqlite3_stmt* s)
{
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        m_lastError = sqlite3_errmsg(m_db); // before the reset clears it
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int RollupFold::foldTable(size_t table, Grain grain, int64_t slot)
{
    auto& [remove, insert] = m_tables[table];
    for (sqlite3_stmt* s : { remove.get(), insert.get() }) {
        sqlite3_bind_int64(s, 1, static_cast<int64_t>(grain));
        sqlite3_bind_int64(s, 2, slot);
        if (s == insert.get())
            sqlite3_bind_int64(s, 3, slot + minutesIn(grain));
        if (const int rc = finish(s); rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

int RollupFold::step(int64_t nowMinute, bool* more, int64_t* hoursFolded)
{
    *more = false;
    if (!m_task) {
        sqlite3_stmt* s = m_settled.get();
        sqlite3_bind_int64(s, 1, nowMinute - kFoldSettleMinutes);
        if (sqlite3_step(s) == SQLITE_ROW)
            m_task = Task { sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1) };
        if (const int rc = sqlite3_reset(s); rc != SQLITE_OK || !m_task)
            return rc;
    }
    Task& task = *m_task;
    *more = true;
    const int64_t slot = task.day ? slotOf(Grain::Day, task.hour) : task.hour;
    if (const int rc = foldTable(task.table, task.day ? Grain::Day : Grain::Hour, slot); rc != SQLITE_OK) {
        abandon();
        return rc;
    }
    if (++task.table < m_tables.size())
        return SQLITE_OK;
    int rc = SQLITE_OK;
    if (!task.day) {
        // The day's rows are only read once none of its hours is unfolded:
        // fold them after its last one, before that hour's mark goes.
        sqlite3_stmt* other = m_otherUnfolded.get();
        sqlite3_bind_int64(other, 1, slot);
        sqlite3_bind_int64(other, 2, slotOf(Grain::Day, slot));
        sqlite3_bind_int64(other, 3, slotOf(Grain::Day, slot) + minutesIn(Grain::Day));
        const bool otherUnfolded = sqlite3_step(other) == SQLITE_ROW;
        if ((rc = sqlite3_reset(other)) != SQLITE_OK) {
            abandon();
            return rc;
        }
        if (!otherUnfolded) {
            task.day = true;
            task.table = 0;
            return SQLITE_OK;
        }
    }
    // Spans that came for the hour meanwhile changed its generation: then
    // the mark stays, and the hour is folded again.
    sqlite3_bind_int64(m_clear.get(), 1, task.hour);
    sqlite3_bind_int64(m_clear.get(), 2, task.generation);
    rc = finish(m_clear.get());
    if (rc == SQLITE_OK && sqlite3_changes(m_db) > 0)
        ++*hoursFolded;
    abandon();
    return rc;
}

namespace {

/// The first column of the first row, if any; false with \a error when the query fails.
bool firstInteger(sqlite3* db, const std::string& sql, std::optional<int64_t>* value, std::string* error)
{
    Statement s(db, sql);
    const int rc = s.valid() ? sqlite3_step(s.get()) : SQLITE_ERROR;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        *error = std::string("reading the rollup marks failed: ") + sqlite3_errmsg(db);
        return false;
    }
    if (rc == SQLITE_ROW && sqlite3_column_type(s.get(), 0) != SQLITE_NULL)
        *value = sqlite3_column_int64(s.get(), 0);
    return true;
}

} // namespace

std::optional<RollupGrainBounds> readGrainBounds(
    sqlite3* db, const SqlDialect& dialect, int64_t clockCutoffHour, bool retentionRuns, std::string* error)
{
    constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
    // Both are hour starts: retention cuts minute rows by whole hours.
    std::optional<int64_t> recorded, oldestUnfolded;
    if (!firstInteger(db, dialect.minuteRowsPrunedBefore(), &recorded, error)
        || !firstInteger(db, dialect.unfoldedHours(), &oldestUnfolded, error))
        return std::nullopt;
    const int64_t prunedBefore = recorded.value_or(kNone);
    const int64_t cutoff = std::max(clockCutoffHour, prunedBefore);
    RollupGrainBounds bounds;
    bounds.minuteRowsFrom = retentionRuns ? cutoff : prunedBefore;
    if (oldestUnfolded)
        bounds.minuteRowsFrom = std::min(bounds.minuteRowsFrom, *oldestUnfolded);
    if (cutoff != kNone)
        bounds.minuteOnlyFrom = cutoff + minutesIn(Grain::Hour) + kFoldMarginMinutes;
    return bounds;
}

} // namespace spanlight
