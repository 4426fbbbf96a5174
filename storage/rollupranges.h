#pragma once

#include "querytypes.h"
#include "rollupaccumulator.h"

#include <limits>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Rows of one grain whose slots lie in [fromSlot, toSlot).
struct RollupPiece
{
    Grain grain = Grain::Minute;
    int64_t fromSlot = 0;
    int64_t toSlot = 0;

    bool operator==(const RollupPiece&) const = default;
};

/// Splits a minute-aligned [from, to) exactly into day rows for whole UTC days,
/// hour rows for the whole hours around them and minute rows for the edges: at
/// most five pieces, so a query's cost grows with the number of periods, not
/// with the number of minutes or spans. Hours in \a unfoldedHours (sorted;
/// their hour and day rows are incomplete, rollupfold.h) are read from minute
/// rows, and the days holding them from hour rows, as are the days in
/// \a unfoldedDays (sorted; their day rows are incomplete).
std::vector<RollupPiece> decomposeRange(const TimeRange& range, const std::vector<int64_t>& unfoldedHours = {},
    const std::vector<int64_t>& unfoldedDays = {});

/// The oldest slot still held per grain of one rollup table, where retention
/// has pruned finer rows (docs/queries.md "Retention").
struct RollupHorizon
{
    static constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
    std::optional<int64_t> minuteFrom; ///< minute rows older than this are gone (kNone: all gone)
    std::optional<int64_t> hourFrom; ///< hour rows older than this are gone
    std::vector<int64_t> unfoldedHours; ///< sorted: read from minute rows
    std::vector<int64_t> unfoldedDays; ///< sorted: read from hour rows
};

/// Reads the horizon of \a table (rollup_latency, rollup_spend, rollup_prompt ...)
/// and the unfolded hours and days.
RollupHorizon readRollupHorizon(sqlite3* db, const char* table, QueryStatus& status);

/// decomposeRange() without the pieces whose rows retention removed; what is
/// left out is added to \a coverage.
std::vector<RollupPiece> plannedPieces(const TimeRange& range, const RollupHorizon& horizon, RollupCoverage* coverage);

/// Adds a notice to \a status when \a coverage is not complete.
void noteCoverage(const RollupCoverage& coverage, QueryStatus& status);

} // namespace spanlight
