// The dashboard questions of issue 3 on a generated database (spanlight-gendb):
// the 24 h latency heatmap, 30-day spend by tenant and the top 50 failing
// prompts over 7 days, each answered from the rollups (p50/p95 of repeated
// runs) and, in the same run, from raw spans (the baseline), with the answers
// compared. Usage: rollup_query_bench --data-dir DIR [--repeat 30]

#include "benchsupport.h"
#include "catalogquery.h"
#include "failingpromptsquery.h"
#include "heatmapquery.h"
#include "latencyhistogram.h"
#include "rollupranges.h"
#include "spendquery.h"
#include "sqldialect.h"
#include "sqliteconnection.h"

#include <QCoreApplication>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <sqlite3.h>

using namespace spanlight;

namespace {

using Clock = std::chrono::steady_clock;

double millisSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// Runs \a body \a repeat times after one warm-up; returns sorted timings (ms).
std::vector<double> timeRepeated(int repeat, const std::function<void()>& body)
{
    body();
    std::vector<double> ms;
    for (int i = 0; i < repeat; ++i) {
        const auto start = Clock::now();
        body();
        ms.push_back(millisSince(start));
    }
    std::sort(ms.begin(), ms.end());
    return ms;
}

double percentile(const std::vector<double>& sorted, double q)
{
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())))];
}

/// Steps every row of \a sql with \a binds, calling \a row for each.
void forEachRow(sqlite3* db, const std::string& sql, const std::vector<int64_t>& binds,
    const std::function<void(sqlite3_stmt*)>& row)
{
    Statement s(db, sql);
    if (!s.valid()) {
        std::fprintf(stderr, "SQL error: %s\n", sqlite3_errmsg(db));
        std::exit(1);
    }
    for (size_t i = 0; i < binds.size(); ++i)
        sqlite3_bind_int64(s.get(), static_cast<int>(i + 1), binds[i]);
    while (sqlite3_step(s.get()) == SQLITE_ROW)
        row(s.get());
}

/// Rows of \a table a rollup answer over \a range reads: each column's pieces.
int64_t rollupRowsRead(
    sqlite3* db, const char* table, const TimeRange& range, const std::string& where, int64_t columnMinutes = 0)
{
    int64_t rows = 0;
    const int64_t width = columnMinutes > 0 ? columnMinutes : range.minutes();
    QueryStatus status;
    const RollupHorizon horizon = readRollupHorizon(db, table, status);
    for (int64_t from = range.fromMinute; from < range.toMinute; from += width)
        for (const RollupPiece& piece : decomposeRange(
                 { from, std::min(from + width, range.toMinute) }, horizon.unfoldedHours, horizon.unfoldedDays))
            forEachRow(db,
                std::string("SELECT COUNT(*) FROM ") + table + " WHERE grain = ? AND slot >= ? AND slot < ?" + where,
                { static_cast<int64_t>(piece.grain), piece.fromSlot, piece.toSlot },
                [&](sqlite3_stmt* s) { rows += sqlite3_column_int64(s, 0); });
    return rows;
}

/// The raw-span rowid range that can hold spans starting in \a range.
std::pair<int64_t, int64_t> rawIds(sqlite3* db, const TimeRange& range)
{
    std::pair<int64_t, int64_t> ids { 0, -1 };
    forEachRow(db, "SELECT MIN(first_id), MAX(last_id) FROM span_minutes WHERE minute >= ? AND minute < ?",
        { range.fromMinute, range.toMinute }, [&](sqlite3_stmt* s) {
            ids = { sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1) };
        });
    return ids;
}

int64_t slotOf15(int64_t minute)
{
    return floorDiv(minute, 15) * 15;
}

struct Outcome
{
    const char* name;
    std::vector<double> rollupMs;
    double rawMs = 0;
    int64_t rowsRead = 0;
    bool equal = false;
};

Outcome heatmap24h(sqlite3* db, int64_t now, int repeat)
{
    HeatmapQuery q;
    // Ranges as the console asks them: columns on calendar boundaries.
    q.range = { slotOf15(now - 1440), now };
    q.columnMinutes = 15;
    HeatmapResult result;
    Outcome o { "latency heatmap, 24 h, 96 columns", {}, 0, 0, false };
    o.rollupMs = timeRepeated(repeat, [&] { result = queryHeatmap(db, q); });
    o.rowsRead = rollupRowsRead(db, "rollup_latency_total", q.range, "", q.columnMinutes);

    // Baseline: every span of the range, bucketed exactly like the rollups.
    std::map<std::pair<int, int>, int64_t> raw;
    const auto start = Clock::now();
    const auto [first, last] = rawIds(db, q.range);
    forEachRow(db,
        "SELECT start_ns, duration_ns FROM spans WHERE id BETWEEN ? AND ? AND start_ns >= ? AND start_ns < ?",
        { first, last, q.range.fromMinute * kNsPerMinute, q.range.toMinute * kNsPerMinute }, [&](sqlite3_stmt* s) {
            const int column = static_cast<int>((minuteOf(sqlite3_column_int64(s, 0)) - q.range.fromMinute) / 15);
            // (the range starts on a 15-minute boundary, so columns are whole)
            const int bucket = latency::bucketOf(sqlite3_column_int64(s, 1));
            const auto row = std::find_if(result.rows.begin(), result.rows.end(),
                [&](const HeatmapRow& r) { return bucket >= r.firstBucket && bucket <= r.lastBucket; });
            ++raw[{ column, static_cast<int>(row - result.rows.begin()) }];
        });
    o.rawMs = millisSince(start);
    std::map<std::pair<int, int>, int64_t> fromRollups;
    for (const HeatmapCell& cell : result.cells)
        fromRollups[{ cell.column, cell.row }] = cell.count;
    o.equal = result.ok() && raw == fromRollups;
    return o;
}

Outcome spend30d(sqlite3* db, int64_t now, int repeat)
{
    SpendQuery q;
    q.range = { slotOf(Grain::Day, now) - 29 * 1440, now }; // 29 whole days and today so far
    q.columnMinutes = 1440;
    SpendResult result;
    Outcome o { "spend by tenant, 30 days, daily", {}, 0, 0, false };
    o.rollupMs = timeRepeated(repeat, [&] { result = querySpend(db, q); });
    o.rowsRead = rollupRowsRead(db, "rollup_spend", q.range, "", q.columnMinutes);

    std::map<std::string, std::pair<int64_t, int64_t>> raw, fromRollups; // tenant → requests, cost
    const auto start = Clock::now();
    const auto [first, last] = rawIds(db, q.range);
    forEachRow(db,
        "SELECT t.value, COUNT(*), SUM(COALESCE(s.cost_nano_usd, 0)) FROM spans s JOIN dict t ON t.id = s.tenant_id"
        " WHERE s.id BETWEEN ? AND ? AND s.start_ns >= ? AND s.start_ns < ? AND (s.flags & 32) <> 0 GROUP BY t.value",
        { first, last, q.range.fromMinute * kNsPerMinute, q.range.toMinute * kNsPerMinute }, [&](sqlite3_stmt* s) {
            raw[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))]
                = { sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2) };
        });
    o.rawMs = millisSince(start);
    for (const SpendSeries& tenant : result.byTenant)
        fromRollups[tenant.name] = { tenant.total.requests, tenant.total.costNanoUsd };
    o.equal = result.ok() && raw == fromRollups;
    return o;
}

Outcome failingPrompts7d(sqlite3* db, int64_t now, int repeat)
{
    FailingPromptsQuery q;
    q.range = { slotOf(Grain::Day, now) - 6 * 1440, now }; // 6 whole days and today so far
    q.limit = 50;
    FailingPromptsResult result;
    Outcome o { "top 50 failing prompts, 7 days", {}, 0, 0, false };
    o.rollupMs = timeRepeated(repeat, [&] { result = queryFailingPrompts(db, q); });
    o.rowsRead = rollupRowsRead(db, "rollup_prompt_total", q.range, "");

    std::vector<std::pair<int64_t, int64_t>> raw, fromRollups; // failures, spans of each rank
    const auto start = Clock::now();
    const auto [first, last] = rawIds(db, q.range);
    forEachRow(db,
        "SELECT SUM(status_code = 2) AS failures, COUNT(*) FROM spans WHERE id BETWEEN ? AND ? AND start_ns >= ?"
        " AND start_ns < ? AND prompt_fp_id IS NOT NULL GROUP BY prompt_fp_id HAVING failures > 0"
        " ORDER BY failures DESC, COUNT(*) DESC LIMIT 50",
        { first, last, q.range.fromMinute * kNsPerMinute, q.range.toMinute * kNsPerMinute },
        [&](sqlite3_stmt* s) { raw.emplace_back(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1)); });
    o.rawMs = millisSince(start);
    for (const FailingPrompt& p : result.byFailures)
        fromRollups.emplace_back(p.errors, p.spans);
    // Ties may be ordered differently: compare the ranked (failures, spans) pairs.
    std::sort(raw.rbegin(), raw.rend());
    std::sort(fromRollups.rbegin(), fromRollups.rend());
    o.equal = result.ok() && raw == fromRollups;
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const bench::BenchArgs args(app.arguments());
    const QString dataDir = args.text("--data-dir", QString());
    const int repeat = static_cast<int>(args.number("--repeat", 30));
    if (dataDir.isEmpty()) {
        std::fprintf(stderr, "usage: rollup_query_bench --data-dir DIR [--repeat N]   (DIR from spanlight-gendb)\n");
        return 2;
    }
    SqliteDialect dialect;
    SqliteConnection connection;
    std::string error;
    if (!connection.open(
            dataDir + QStringLiteral("/telemetry.db"), SqliteConnection::Mode::ReadOnly, dialect, true, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    sqlite3* db = connection.handle();
    const RetentionHorizon horizon = queryRetentionHorizon(db);
    if (!horizon.newestRawMinute) {
        std::fprintf(stderr, "no spans in %s\n", qPrintable(dataDir));
        return 1;
    }
    const int64_t now = *horizon.newestRawMinute + 1;
    int64_t spans = 0;
    forEachRow(db, "SELECT MAX(id) FROM spans", {}, [&](sqlite3_stmt* s) { spans = sqlite3_column_int64(s, 0); });
    std::printf("database: %s, %lld spans, raw spans from minute %lld to %lld\n\n", qPrintable(dataDir),
        static_cast<long long>(spans), static_cast<long long>(horizon.oldestRawMinute.value_or(0)),
        static_cast<long long>(now - 1));

    const Outcome outcomes[]
        = { heatmap24h(db, now, repeat), spend30d(db, now, repeat), failingPrompts7d(db, now, repeat) };
    std::printf("%-38s %10s %10s %12s %10s %10s %6s\n", "question", "p50 ms", "p95 ms", "raw ms", "raw/p95",
        "rows read", "equal");
    bool allEqual = true;
    for (const Outcome& o : outcomes) {
        const double p95 = percentile(o.rollupMs, 0.95);
        std::printf("%-38s %10.2f %10.2f %12.1f %9.0fx %10lld %6s\n", o.name, percentile(o.rollupMs, 0.5), p95, o.rawMs,
            o.rawMs / p95, static_cast<long long>(o.rowsRead), o.equal ? "yes" : "NO");
        allEqual = allEqual && o.equal;
    }
    std::printf(
        "\n(rollup timings over %d runs after one warm-up; the raw baseline runs once, same process)\n", repeat);
    return allEqual ? 0 : 3;
}
