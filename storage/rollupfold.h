#pragma once

#include "sqliteconnection.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spanlight {

class SqlDialect;

/// Hours are folded once they ended this many minutes ago, so the spans that
/// straggle in right after an hour ends are usually already there.
constexpr int64_t kFoldSettleMinutes = 2;
/// Spans of hours this close to retention's minute-row cutoff update every
/// grain directly: a fold needs all minute rows of its hour.
constexpr int64_t kFoldMarginMinutes = 6 * 60;

/// Folds minute rollup rows into hour rows, and hour rows into day rows, for
/// the hours commits marked unfolded (docs/rollups.md "Folding"). An hour's rows
/// are replaced by the sums of its minute rows, so folding again after late
/// spans is exact; a day is folded when none of its hours is unfolded.
class RollupFold
{
public:
    RollupFold(sqlite3* db, const SqlDialect& dialect);
    bool valid() const;

    /// Folds up to \a maxHours hours that ended kFoldSettleMinutes before
    /// \a nowMinute, oldest first, inside the caller's transaction. Returns an
    /// SQLite result code; \a more tells whether settled hours remain.
    int step(int64_t nowMinute, int maxHours, bool* more, int64_t* hoursFolded);

    /// The first hour whose spans may update minute rows only (see
    /// RollupAccumulator::setMinuteOnlyFrom): past retention's minute-row
    /// cutoff at \a nowMinute and past any cutoff it ever applied, plus a margin.
    int64_t minuteOnlyFrom(int64_t nowMinute, int64_t minuteRollupDays);

    /// SQLite's message for the last failed statement.
    const std::string& lastError() const { return m_lastError; }

private:
    int foldInto(int64_t grain, int64_t slot, int64_t finerTo);
    int finish(sqlite3_stmt* s);

    sqlite3* m_db;
    std::string m_lastError;
    Statement m_settled, m_anyUnfolded, m_clear, m_prunedBefore;
    std::vector<std::pair<Statement, Statement>> m_tables; // delete, insert from the finer grain
};

} // namespace spanlight
