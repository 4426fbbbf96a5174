#include "rollupranges.h"

#include "querysql.h"
#include "sqldialect.h"

#include <algorithm>
#include <sqlite3.h>

namespace spanlight {

namespace {

constexpr int64_t kHour = 60;
constexpr int64_t kDay = 1440;

int64_t floorTo(int64_t minute, int64_t period)
{
    return floorDiv(minute, period) * period;
}

int64_t ceilTo(int64_t minute, int64_t period)
{
    return -floorDiv(-minute, period) * period;
}

void addPiece(std::vector<RollupPiece>& out, Grain grain, int64_t from, int64_t to)
{
    if (from >= to)
        return;
    if (!out.empty() && out.back().grain == grain && out.back().toSlot == from)
        out.back().toSlot = to; // one read for neighbouring pieces of one grain
    else
        out.push_back({ grain, from, to });
}

bool anyIn(const std::vector<int64_t>& sorted, int64_t from, int64_t to)
{
    const auto it = std::lower_bound(sorted.begin(), sorted.end(), from);
    return it != sorted.end() && *it < to;
}

// Minute rows for the edges and the unfolded hours, hour rows for the other
// whole hours of [from, to).
void decomposeHours(std::vector<RollupPiece>& out, int64_t from, int64_t to, const std::vector<int64_t>& unfolded)
{
    const int64_t h0 = ceilTo(from, kHour), h1 = floorTo(to, kHour);
    if (h0 >= h1) {
        addPiece(out, Grain::Minute, from, to);
        return;
    }
    addPiece(out, Grain::Minute, from, h0);
    if (!anyIn(unfolded, h0, h1)) {
        addPiece(out, Grain::Hour, h0, h1);
    } else {
        for (int64_t h = h0; h < h1; h += kHour)
            addPiece(out, anyIn(unfolded, h, h + kHour) ? Grain::Minute : Grain::Hour, h, h + kHour);
    }
    addPiece(out, Grain::Minute, h1, to);
}

std::optional<int64_t> minSlot(sqlite3* db, const std::string& table, Grain grain, QueryStatus& status)
{
    // The primary key starts with (grain, slot): one seek.
    SqlQuery q(db, "SELECT min(slot) FROM " + table + " WHERE grain = ?", status);
    q.bind(1, static_cast<int64_t>(grain));
    if (q.next() && !q.isNull(0))
        return q.integer(0);
    return std::nullopt;
}

// Whether the finer grain lost rows that the coarser grain still covers.
std::optional<int64_t> prunedFrom(std::optional<int64_t> fine, std::optional<int64_t> coarse, Grain coarseGrain)
{
    if (!coarse)
        return std::nullopt;
    if (!fine)
        return RollupHorizon::kNone;
    if (*coarse < slotOf(coarseGrain, *fine))
        return *fine;
    return std::nullopt;
}

} // namespace

std::vector<RollupPiece> decomposeRange(
    const TimeRange& range, const std::vector<int64_t>& unfoldedHours, const std::vector<int64_t>& unfoldedDays)
{
    std::vector<RollupPiece> out;
    if (range.empty())
        return out;
    const int64_t d0 = ceilTo(range.fromMinute, kDay), d1 = floorTo(range.toMinute, kDay);
    if (d0 >= d1) {
        decomposeHours(out, range.fromMinute, range.toMinute, unfoldedHours);
        return out;
    }
    decomposeHours(out, range.fromMinute, d0, unfoldedHours);
    const auto dayUnfolded
        = [&](int64_t from, int64_t to) { return anyIn(unfoldedHours, from, to) || anyIn(unfoldedDays, from, to); };
    if (!dayUnfolded(d0, d1)) {
        addPiece(out, Grain::Day, d0, d1);
    } else {
        for (int64_t d = d0; d < d1; d += kDay) {
            if (dayUnfolded(d, d + kDay))
                decomposeHours(out, d, d + kDay, unfoldedHours);
            else
                addPiece(out, Grain::Day, d, d + kDay);
        }
    }
    decomposeHours(out, d1, range.toMinute, unfoldedHours);
    return out;
}

RollupHorizon readRollupHorizon(sqlite3* db, const char* table, QueryStatus& status)
{
    const std::string name(table);
    auto minute = minSlot(db, name, Grain::Minute, status);
    // Minute rows before the cutoff retention recorded are gone or incomplete
    // (the writer sends spans there to hour and day rows only), whatever rows
    // are left there. A database from before schema 4 has no such record.
    Statement recorded(db, SqliteDialect().minuteRowsPrunedBefore());
    if (minute && recorded.valid() && sqlite3_step(recorded.get()) == SQLITE_ROW)
        minute = std::max<int64_t>(*minute, sqlite3_column_int64(recorded.get(), 0));
    const auto hour = minSlot(db, name, Grain::Hour, status);
    const auto day = minSlot(db, name, Grain::Day, status);
    RollupHorizon h;
    h.minuteFrom = prunedFrom(minute, hour, Grain::Hour);
    h.hourFrom = prunedFrom(hour, day, Grain::Day);
    // A database from before schema 4, not yet opened by a writer, has no
    // such table and nothing unfolded.
    Statement unfolded(db, SqliteDialect().unfoldedHours());
    while (unfolded.valid() && sqlite3_step(unfolded.get()) == SQLITE_ROW)
        h.unfoldedHours.push_back(sqlite3_column_int64(unfolded.get(), 0));
    // Nor, before schema 5, unfolded days.
    Statement days(db, SqliteDialect().unfoldedDays());
    while (days.valid() && sqlite3_step(days.get()) == SQLITE_ROW)
        h.unfoldedDays.push_back(sqlite3_column_int64(days.get(), 0));
    return h;
}

std::vector<RollupPiece> plannedPieces(const TimeRange& range, const RollupHorizon& horizon, RollupCoverage* coverage)
{
    std::vector<RollupPiece> out;
    for (RollupPiece piece : decomposeRange(range, horizon.unfoldedHours, horizon.unfoldedDays)) {
        const std::optional<int64_t>& keptFrom = piece.grain == Grain::Minute ? horizon.minuteFrom
            : piece.grain == Grain::Hour                                      ? horizon.hourFrom
                                                                              : std::optional<int64_t>();
        if (keptFrom && piece.fromSlot < *keptFrom) {
            // Slots are period starts: a kept slot covers the whole period.
            const int64_t cut = std::min(piece.toSlot, *keptFrom == RollupHorizon::kNone ? piece.toSlot : *keptFrom);
            const int64_t cutTo = std::max(piece.fromSlot, ceilTo(cut, minutesIn(piece.grain)));
            coverage->complete = false;
            coverage->missingMinutes += cutTo - piece.fromSlot;
            if (piece.grain == Grain::Minute)
                coverage->minuteRowsFrom = *keptFrom;
            else
                coverage->hourRowsFrom = *keptFrom;
            piece.fromSlot = cutTo;
        }
        if (piece.fromSlot < piece.toSlot)
            out.push_back(piece);
    }
    return out;
}

void noteCoverage(const RollupCoverage& coverage, QueryStatus& status)
{
    if (coverage.complete)
        return;
    const auto since = [](const std::optional<int64_t>& from) {
        return *from == RollupHorizon::kNone ? std::string("are no longer kept")
                                             : "are kept from " + minuteText(*from) + " on";
    };
    std::string text = std::to_string(coverage.missingMinutes)
        + " minutes at the edges of the range are not counted: their rollup rows were removed by retention";
    if (coverage.minuteRowsFrom)
        text += "; per-minute rows " + since(coverage.minuteRowsFrom);
    if (coverage.hourRowsFrom)
        text += "; per-hour rows " + since(coverage.hourRowsFrom);
    status.notices.push_back(text);
}

} // namespace spanlight
