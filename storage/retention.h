#pragma once

#include <cstdint>
#include <string>

struct sqlite3;

namespace spanlight {

/// How long telemetry is kept (DESIGN.md "Designed load"): raw rows by age and
/// size, whichever limit is reached first; rollups much longer.
struct RetentionOptions
{
    int64_t rawMaxAgeHours = 7 * 24; ///< 0: no age limit (the size limit still applies)
    int64_t rawMaxBytes = int64_t(20) << 30; ///< database size beyond which the oldest raw rows go
    int64_t minuteRollupDays = 14; ///< minute rollup rows; hour and day rows are kept longer
    int64_t rollupDays = 400;
    int64_t stepRows = 20000; ///< rows deleted per step, so ingest never waits long behind retention
    int64_t intervalSeconds = 60; ///< how often the writer starts a retention round
};

struct RetentionReport
{
    int64_t spansDeleted = 0;
    int64_t logsDeleted = 0;
    int64_t pointsDeleted = 0;
    int64_t indexRowsDeleted = 0;
    int64_t rollupRowsDeleted = 0;
    int64_t hoursFolded = 0; ///< unfolded hours folded into hour and day rows (rollupfold.h)
    int64_t steps = 0;
    bool bySize = false; ///< the size limit, not only age, made rows go
    std::string error;
};

/// The first hour (unix minute) whose minute rollup rows retention keeps at
/// \a nowMinute, before it holds back hours still waiting for a fold.
int64_t minuteRowCutoffHour(int64_t nowMinute, int64_t minuteRollupDays);

/// Deletes expired telemetry in small steps; the writer runs one step between
/// commits and repeats while step() says more remains. Raw spans leave oldest
/// rowid first, and only below the smallest rowid of any span that starts at or
/// after the cutoff (span_minutes), so no unexpired span is ever deleted by age.
class Retention
{
public:
    explicit Retention(RetentionOptions options)
        : m_options(options)
    {
    }

    /// Starts a round at \a nowNs (resets cursors).
    void beginRound(int64_t nowNs);
    /// One bounded step. Returns true while work remains in this round.
    bool step(sqlite3* db, RetentionReport* report);

    const RetentionOptions& options() const { return m_options; }
    int64_t nowNs() const { return m_nowNs; }

private:
    bool overSize(sqlite3* db) const;
    bool ageLimited() const;
    int64_t rawCutoffNs() const;
    int64_t deleteSpans(sqlite3* db, bool bySize);
    int64_t trimIndex(sqlite3* db, const char* table, int64_t oldestKeptId);
    int64_t deleteByTime(sqlite3* db, const char* table, const char* timeColumn, int64_t* cursor, bool bySize);
    int64_t deleteRollups(sqlite3* db);

    RetentionOptions m_options;
    int64_t m_nowNs = 0;
    int64_t m_logCursor = 0;
    int64_t m_pointCursor = 0;
};

} // namespace spanlight
