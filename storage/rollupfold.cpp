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
    , m_settledDay(db, dialect.settledUnfoldedDay())
    , m_markDay(db, dialect.markDayUnfolded())
    , m_clearDay(db, dialect.clearUnfoldedDay())
{
    for (const auto& [deleteSql, insertSql] : dialect.foldStatements())
        m_tables.emplace_back(Statement(db, deleteSql), Statement(db, insertSql));
}

bool RollupFold::valid() const
{
    return m_settled.valid() && m_otherUnfolded.valid() && m_clear.valid() && m_settledDay.valid() && m_markDay.valid()
        && m_clearDay.valid() && std::all_of(m_tables.begin(), m_tables.end(), [](const auto& t) {
               return t.first.valid() && t.second.valid();
           });
}

int RollupFold::finish(sqlite3_stmt* s)
{
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        m_lastError = sqlite3_errmsg(m_db); // before the reset clears it
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int RollupFold::bindAndFinish(Statement& statement, std::initializer_list<int64_t> values)
{
    int index = 0;
    for (int64_t v : values)
        sqlite3_bind_int64(statement.get(), ++index, v);
    return finish(statement.get());
}

int RollupFold::foldTable(size_t table, Grain grain, int64_t slot)
{
    auto& [remove, insert] = m_tables[table];
    if (const int rc = bindAndFinish(remove, { static_cast<int64_t>(grain), slot }); rc != SQLITE_OK)
        return rc;
    return bindAndFinish(insert, { static_cast<int64_t>(grain), slot, slot + minutesIn(grain) });
}

std::optional<RollupFold::Task> RollupFold::nextTask(int64_t settledMinute, int* rc)
{
    std::optional<Task> task;
    sqlite3_stmt* s = m_settled.get();
    sqlite3_bind_int64(s, 1, settledMinute);
    if (sqlite3_step(s) == SQLITE_ROW)
        task = Task { .hour = sqlite3_column_int64(s, 0), .generation = sqlite3_column_int64(s, 1) };
    if ((*rc = sqlite3_reset(s)) != SQLITE_OK || task)
        return task;
    // Hours first: a day whose last hour is still unfolded is folded after it.
    s = m_settledDay.get();
    sqlite3_bind_int64(s, 1, settledMinute);
    if (sqlite3_step(s) == SQLITE_ROW)
        task = Task { .hour = sqlite3_column_int64(s, 0), .day = true, .dayAlone = true };
    *rc = sqlite3_reset(s);
    return task;
}

int RollupFold::afterHour(Task& task, int64_t settledMinute, bool* foldDay)
{
    const int64_t day = slotOf(Grain::Day, task.hour);
    sqlite3_stmt* other = m_otherUnfolded.get();
    sqlite3_bind_int64(other, 1, task.hour);
    sqlite3_bind_int64(other, 2, day);
    sqlite3_bind_int64(other, 3, day + minutesIn(Grain::Day));
    const bool otherUnfolded = sqlite3_step(other) == SQLITE_ROW;
    if (const int rc = sqlite3_reset(other); rc != SQLITE_OK)
        return rc;
    // A day's rows are summed from its hour rows once, after the day has
    // ended; until then questions read the day from hour rows.
    *foldDay = !otherUnfolded && day + minutesIn(Grain::Day) <= settledMinute;
    return *foldDay ? SQLITE_OK : bindAndFinish(m_markDay, { day });
}

int RollupFold::step(int64_t nowMinute, bool* more, int64_t* hoursFolded)
{
    *more = false;
    const int64_t settledMinute = nowMinute - kFoldSettleMinutes;
    if (!m_task) {
        int rc = SQLITE_OK;
        m_task = nextTask(settledMinute, &rc);
        if (rc != SQLITE_OK || !m_task) {
            abandon();
            return rc;
        }
    }
    Task& task = *m_task;
    *more = true;
    const int64_t slot = task.day ? slotOf(Grain::Day, task.hour) : task.hour;
    int rc = foldTable(task.table, task.day ? Grain::Day : Grain::Hour, slot);
    if (rc != SQLITE_OK || ++task.table < m_tables.size()) {
        if (rc != SQLITE_OK)
            abandon();
        return rc;
    }
    if (!task.day) {
        bool foldDay = false;
        if ((rc = afterHour(task, settledMinute, &foldDay)) != SQLITE_OK) {
            abandon();
            return rc;
        }
        if (foldDay) {
            task.day = true;
            task.table = 0;
            return SQLITE_OK;
        }
    } else {
        // The day's mark goes. An hour of the day marked meanwhile has
        // questions read the day from hour rows again, and its fold folds the
        // day again.
        if ((rc = bindAndFinish(m_clearDay, { slot })) != SQLITE_OK) {
            abandon();
            return rc;
        }
    }
    if (!task.dayAlone) {
        // Spans that came for the hour meanwhile changed its generation: then
        // the mark stays, and the hour is folded again.
        rc = bindAndFinish(m_clear, { task.hour, task.generation });
        if (rc == SQLITE_OK && sqlite3_changes(m_db) > 0)
            ++*hoursFolded;
    }
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
