#include "rollupfold.h"

#include "rollupaccumulator.h"
#include "sqldialect.h"

#include <algorithm>
#include <sqlite3.h>

namespace spanlight {

RollupFold::RollupFold(sqlite3* db, const SqlDialect& dialect)
    : m_db(db)
    , m_settled(db, dialect.settledUnfoldedHours())
    , m_anyUnfolded(db, dialect.anyUnfoldedHourIn())
    , m_clear(db, dialect.clearUnfoldedHour())
    , m_prunedBefore(db, dialect.minuteRowsPrunedBefore())
{
    for (const auto& [deleteSql, insertSql] : dialect.foldStatements())
        m_tables.emplace_back(Statement(db, deleteSql), Statement(db, insertSql));
}

bool RollupFold::valid() const
{
    return m_settled.valid() && m_anyUnfolded.valid() && m_clear.valid() && m_prunedBefore.valid()
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

int RollupFold::foldInto(int64_t grain, int64_t slot, int64_t finerTo)
{
    for (auto& [remove, insert] : m_tables) {
        for (sqlite3_stmt* s : { remove.get(), insert.get() }) {
            sqlite3_bind_int64(s, 1, grain);
            sqlite3_bind_int64(s, 2, slot);
            if (s == insert.get())
                sqlite3_bind_int64(s, 3, finerTo);
            if (const int rc = finish(s); rc != SQLITE_OK)
                return rc;
        }
    }
    return SQLITE_OK;
}

int RollupFold::step(int64_t nowMinute, int maxHours, bool* more, int64_t* hoursFolded)
{
    *more = false;
    std::vector<int64_t> hours;
    sqlite3_stmt* s = m_settled.get();
    sqlite3_bind_int64(s, 1, nowMinute - kFoldSettleMinutes);
    sqlite3_bind_int64(s, 2, maxHours + 1);
    while (sqlite3_step(s) == SQLITE_ROW)
        hours.push_back(sqlite3_column_int64(s, 0));
    if (const int rc = sqlite3_reset(s); rc != SQLITE_OK)
        return rc;
    if (static_cast<int>(hours.size()) > maxHours) {
        *more = true;
        hours.pop_back();
    }
    for (int64_t hour : hours) {
        int rc = foldInto(static_cast<int64_t>(Grain::Hour), hour, hour + minutesIn(Grain::Hour));
        sqlite3_bind_int64(m_clear.get(), 1, hour);
        if (rc != SQLITE_OK || (rc = finish(m_clear.get())) != SQLITE_OK)
            return rc;
        ++*hoursFolded;
        // The day's row is only read once none of its hours is unfolded.
        const int64_t day = slotOf(Grain::Day, hour), dayEnd = day + minutesIn(Grain::Day);
        sqlite3_stmt* any = m_anyUnfolded.get();
        sqlite3_bind_int64(any, 1, day);
        sqlite3_bind_int64(any, 2, dayEnd);
        const bool dayUnfolded = sqlite3_step(any) == SQLITE_ROW;
        if ((rc = sqlite3_reset(any)) != SQLITE_OK)
            return rc;
        if (!dayUnfolded && (rc = foldInto(static_cast<int64_t>(Grain::Day), day, dayEnd)) != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

int64_t RollupFold::minuteOnlyFrom(int64_t nowMinute, int64_t minuteRollupDays)
{
    // Retention clamps the same way (retention.cpp).
    constexpr int64_t kMaxDays = 100 * 366;
    int64_t cutoff = slotOf(Grain::Hour, nowMinute - std::clamp<int64_t>(minuteRollupDays, 1, kMaxDays) * 1440);
    if (sqlite3_step(m_prunedBefore.get()) == SQLITE_ROW)
        cutoff = std::max<int64_t>(cutoff, sqlite3_column_int64(m_prunedBefore.get(), 0));
    sqlite3_reset(m_prunedBefore.get());
    return slotOf(Grain::Hour, cutoff) + minutesIn(Grain::Hour) + kFoldMarginMinutes;
}

} // namespace spanlight
