#include "retention.h"

#include "batchinserter.h"
#include "rollupaccumulator.h"
#include "sqldialect.h"
#include "sqliteconnection.h"

#include <algorithm>
#include <sqlite3.h>

namespace spanlight {

namespace {

int64_t scalar(sqlite3* db, const std::string& sql, int64_t a = 0, int64_t b = 0, int64_t fallback = 0)
{
    Statement s(db, sql);
    if (!s.valid())
        return fallback;
    const int params = sqlite3_bind_parameter_count(s.get());
    if (params >= 1)
        sqlite3_bind_int64(s.get(), 1, a);
    if (params >= 2)
        sqlite3_bind_int64(s.get(), 2, b);
    if (sqlite3_step(s.get()) == SQLITE_ROW && sqlite3_column_type(s.get(), 0) != SQLITE_NULL)
        return sqlite3_column_int64(s.get(), 0);
    return fallback;
}

int64_t run(sqlite3* db, const std::string& sql, int64_t a = 0, int64_t b = 0, int64_t c = 0)
{
    Statement s(db, sql);
    if (!s.valid())
        return 0;
    const int64_t values[] = { a, b, c };
    for (int i = 0; i < sqlite3_bind_parameter_count(s.get()) && i < 3; ++i)
        sqlite3_bind_int64(s.get(), i + 1, values[i]);
    if (sqlite3_step(s.get()) != SQLITE_DONE)
        return 0;
    return sqlite3_changes64(db);
}

constexpr int64_t kMaxDays = 100 * 366; // beyond this, "keep" — and no overflow in nanoseconds

constexpr const char* kRollupTables[] = { "rollup_latency", "rollup_latency_total", "rollup_spend", "rollup_prompt",
    "rollup_prompt_total", "rollup_prompt_error" };

} // namespace

bool Retention::ageLimited() const
{
    return m_options.rawMaxAgeHours > 0 && m_options.rawMaxAgeHours < kMaxDays * 24;
}

int64_t Retention::rawCutoffNs() const
{
    return m_nowNs - m_options.rawMaxAgeHours * 60 * kNsPerMinute;
}

void Retention::beginRound(int64_t nowNs)
{
    m_nowNs = nowNs;
    m_logCursor = 0;
    m_pointCursor = 0;
}

bool Retention::overSize(sqlite3* db) const
{
    return scalar(db, SqliteDialect().usedBytes()) > m_options.rawMaxBytes;
}

int64_t Retention::deleteSpans(sqlite3* db, bool bySize)
{
    const int64_t oldest = scalar(db, "SELECT MIN(id) FROM spans", 0, 0, -1);
    if (oldest < 0)
        return 0;
    int64_t bound = oldest + m_options.stepRows;
    if (!bySize) {
        if (!ageLimited())
            return 0;
        // The smallest rowid of any span that starts at or after the cutoff:
        // everything below it started before the cutoff.
        const int64_t cutoffMinute = minuteOf(rawCutoffNs());
        const int64_t firstKept = scalar(db, "SELECT MIN(first_id) FROM span_minutes WHERE minute >= ?", cutoffMinute,
            0, scalar(db, "SELECT MAX(id) + 1 FROM spans"));
        bound = std::min(bound, firstKept);
    }
    if (bound <= oldest)
        return 0;
    const int64_t deleted = run(db, "DELETE FROM spans WHERE id >= ? AND id < ?", oldest, bound);
    run(db, "DELETE FROM span_minutes WHERE last_id < ?", bound);
    return deleted;
}

int64_t Retention::trimIndex(sqlite3* db, const char* table, int64_t oldestKeptId)
{
    // Whole buckets below the oldest kept row go, a bounded slice at a time.
    const int64_t keptBucket = traceIndexBucket(oldestKeptId);
    const std::string t(table);
    const int64_t bucket = scalar(db, "SELECT MIN(bucket) FROM " + t, 0, 0, keptBucket);
    if (bucket >= keptBucket)
        return 0;
    const int64_t upTo
        = scalar(db, "SELECT trace_key FROM " + t + " WHERE bucket = ? ORDER BY trace_key LIMIT 1 OFFSET ?", bucket,
            m_options.stepRows, INT64_MAX);
    if (upTo == INT64_MAX)
        return run(db, "DELETE FROM " + t + " WHERE bucket = ?", bucket);
    // "<=" so that many rows sharing the smallest key cannot stall the trim.
    return run(db, "DELETE FROM " + t + " WHERE bucket = ? AND trace_key <= ?", bucket, upTo);
}

int64_t Retention::deleteByTime(sqlite3* db, const char* table, const char* timeColumn, int64_t* cursor, bool bySize)
{
    const std::string t(table);
    if (*cursor == 0)
        *cursor = scalar(db, "SELECT MIN(id) FROM " + t, 0, 0, 0);
    if (*cursor == 0)
        return 0;
    const int64_t end = *cursor + m_options.stepRows;
    if (!bySize && !ageLimited())
        return 0;
    const int64_t cutoff = bySize ? INT64_MAX : rawCutoffNs();
    const int64_t deleted
        = run(db, "DELETE FROM " + t + " WHERE id >= ? AND id < ? AND " + timeColumn + " < ?", *cursor, end, cutoff);
    // Rowids follow arrival, which roughly follows time: keep walking while a
    // window still held expired rows; a window without any ends the round.
    const bool more = deleted > 0 && scalar(db, "SELECT MAX(id) FROM " + t, 0, 0, 0) >= end;
    *cursor = more ? end : -1;
    return deleted;
}

int64_t minuteRowCutoffHour(int64_t nowMinute, int64_t minuteRollupDays)
{
    return slotOf(Grain::Hour, nowMinute - std::clamp<int64_t>(minuteRollupDays, 1, kMaxDays) * 1440);
}

int64_t Retention::deleteRollups(sqlite3* db)
{
    const int64_t nowMinute = minuteOf(m_nowNs);
    // Aligned to the next coarser grain, so a grain never loses part of a
    // period its coarser rows still answer for.
    int64_t minuteCutoff = minuteRowCutoffHour(nowMinute, m_options.minuteRollupDays);
    const int64_t longCutoff
        = slotOf(Grain::Day, nowMinute - std::clamp<int64_t>(m_options.rollupDays, 1, kMaxDays) * 1440);
    // An hour not yet folded into its hour row keeps its minute rows (a fold
    // needs them all), and the cutoff is recorded so later spans of hours
    // before it write no minute rows (readGrainBounds, rollupfold.h).
    const SqliteDialect dialect;
    minuteCutoff = std::min(minuteCutoff, scalar(db, dialect.unfoldedHours(), 0, 0, INT64_MAX));
    run(db, dialect.noteMinuteRowsPrunedBefore(), minuteCutoff);
    int64_t deleted = 0;
    for (const char* table : kRollupTables) {
        const std::string t(table);
        // A day of minute rows, or all expired hour/day rows, per step.
        const int64_t first = scalar(db, "SELECT MIN(slot) FROM " + t + " WHERE grain = 1", 0, 0, minuteCutoff);
        deleted
            += run(db, "DELETE FROM " + t + " WHERE grain = 1 AND slot < ? AND slot < ?", minuteCutoff, first + 1440);
        deleted += run(db, "DELETE FROM " + t + " WHERE grain IN (2, 3) AND slot < ?", longCutoff);
    }
    return deleted;
}

bool Retention::step(sqlite3* db, RetentionReport* report)
{
    ++report->steps;
    const bool bySize = overSize(db);
    report->bySize = report->bySize || bySize;
    const int64_t spans = deleteSpans(db, bySize);
    report->spansDeleted += spans;
    const int64_t oldestSpan = scalar(db, "SELECT MIN(id) FROM spans", 0, 0, INT64_MAX);
    int64_t index = trimIndex(db, "trace_index", oldestSpan);
    int64_t logs = 0, points = 0;
    if (m_logCursor >= 0)
        report->logsDeleted += logs = deleteByTime(db, "logs", "time_ns", &m_logCursor, bySize);
    if (m_pointCursor >= 0)
        report->pointsDeleted += points = deleteByTime(db, "metric_points", "time_ns", &m_pointCursor, bySize);
    index += trimIndex(db, "log_index", scalar(db, "SELECT MIN(id) FROM logs", 0, 0, INT64_MAX));
    report->indexRowsDeleted += index;
    const int64_t rollups = deleteRollups(db);
    report->rollupRowsDeleted += rollups;
    // Give freed pages back to the file system a little at a time.
    Statement vacuum(db, SqliteDialect().releaseFreePages());
    while (vacuum.valid() && sqlite3_step(vacuum.get()) == SQLITE_ROW) { }
    return spans + index + logs + points + rollups > 0;
}

} // namespace spanlight
