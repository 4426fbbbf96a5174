#pragma once

#include "rollupaccumulator.h"
#include "sqliteconnection.h"

#include <cstdint>
#include <optional>
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

/// Which grains spans update, hour by hour (RollupGrainBounds), from the state
/// in \a db and retention's minute-row cutoff now (\a clockCutoffHour, an hour
/// start; INT64_MIN when there is none):
/// - no minute rows before the cutoff when \a retentionRuns, else before the
///   latest cutoff retention ever applied (rollup_marks), except for hours
///   still unfolded: retention keeps their minute rows, and their fold needs
///   every span in them;
/// - minute rows only from a margin after the later of the two cutoffs.
/// Empty, with \a error, when the state cannot be read.
std::optional<RollupGrainBounds> readGrainBounds(
    sqlite3* db, const SqlDialect& dialect, int64_t clockCutoffHour, bool retentionRuns, std::string* error);

/// Folds minute rollup rows into hour rows, and hour rows into day rows, for
/// the hours commits marked unfolded (docs/rollups.md "Folding"). An hour's rows
/// are replaced by the sums of its minute rows, so folding again after late
/// spans is exact. A day is folded once it has ended and none of its hours is
/// unfolded; until then it is marked unfolded itself. One table per step, so
/// ingest commits wait for one table's fold at most.
class RollupFold
{
public:
    RollupFold(sqlite3* db, const SqlDialect& dialect);
    bool valid() const;

    /// One bounded piece of folding, inside the caller's transaction: one
    /// rollup table's rows of the oldest hour that ended kFoldSettleMinutes
    /// before \a nowMinute (then of its day, when that has ended too), else of
    /// the oldest such day left unfolded. A mark goes with the last piece,
    /// unless a commit changed the hour meanwhile. Returns an SQLite result
    /// code; \a more tells whether to call again.
    int step(int64_t nowMinute, bool* more, int64_t* hoursFolded);
    /// Forgets the fold in progress (its transaction rolled back); the next
    /// step starts that hour again.
    void abandon() { m_task.reset(); }

    /// SQLite's message for the last failed statement.
    const std::string& lastError() const { return m_lastError; }

private:
    /// The hour being folded, table by table, then its day's rows; or a day
    /// alone (its hours were folded before it ended).
    struct Task
    {
        int64_t hour = 0; ///< the day's first hour for a day alone
        int64_t generation = 0; ///< of its mark when the fold began
        bool day = false;
        bool dayAlone = false;
        size_t table = 0;
    };

    std::optional<Task> nextTask(int64_t settledMinute, int* rc);
    int foldTable(size_t table, Grain grain, int64_t slot);
    /// After an hour's tables: fold its day next (true), or mark the day unfolded.
    int afterHour(Task& task, int64_t settledMinute, bool* foldDay);
    int bindAndFinish(Statement& statement, std::initializer_list<int64_t> values);
    int finish(sqlite3_stmt* s);

    sqlite3* m_db;
    std::string m_lastError;
    std::optional<Task> m_task;
    Statement m_settled, m_otherUnfolded, m_clear, m_settledDay, m_markDay, m_clearDay;
    std::vector<std::pair<Statement, Statement>> m_tables; // delete, insert from the finer grain
};

} // namespace spanlight
