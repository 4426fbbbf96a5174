#pragma once

#include "batchinserter.h"
#include "dedupwindow.h"
#include "promptjoin.h"
#include "rollupaccumulator.h"
#include "rollupfold.h"
#include "sidetables.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"

#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace spanlight {

/// What only the writer thread touches, and the body of one write transaction:
/// rows, then everything derived from them in the same transaction (rollups,
/// side tables, prompt joins), so a commit is all or nothing.
struct WriterState
{
    SqliteDialect dialect;
    SqliteConnection connection;
    std::unique_ptr<BatchInserter> inserter;
    std::unique_ptr<DedupWindow> dedup;
    std::unique_ptr<RollupAccumulator> rollups;
    std::unique_ptr<RollupFold> fold;
    std::unique_ptr<SideTables> side;
    std::unique_ptr<PromptJoin> join;
    Statement updateSpanPrompt;
    bool maintainRollups = true;
    int walFrames = 0; // reported by the WAL hook after each commit
    int64_t recordedMinuteCutoff = std::numeric_limits<int64_t>::min(); // written by refreshGrainBounds

    /// Prepares the derived-table statements; false with a message on failure.
    bool prepare(PromptIdentifier identify, size_t joinCapacity, size_t joinBytes, std::string* error);

    /// A span of this transaction and the index of the batch it came from.
    struct SpanRef
    {
        const SpanRecord* span;
        size_t batch;
    };
    /// Inserts the batches' rows inside an open transaction. \a spans are
    /// deduplicated and sorted by trace. Returns an SQLite result code.
    int insertRows(const std::vector<const IngestBatch*>& batches, const std::vector<SpanRef>& spans);
    void committed();
    void rolledBack();

    /// Loads the identities of the most recent spans into the dedup window, so a
    /// batch retried across a restart (stored, but the answer was lost in the
    /// crash) is still recognised.
    void preloadDedupWindow();
    /// Which grains the spans of each hour update from now on (rollupfold.h).
    /// With retention running, the minute-row cutoff the bounds use is
    /// recorded first (rollup_marks), so the spans it sends to hour and day
    /// rows only stay there when the cutoff later moves back (a longer
    /// minute_rollup_days, a clock set back) or retention is turned off, and
    /// queries know minute rows before it are incomplete. On failure the
    /// previous bounds stay, and false comes back with \a error.
    bool refreshGrainBounds(int64_t nowNs, const RetentionOptions& retention, std::string* error);
    /// One step of folding (RollupFold::step) in a transaction of its own.
    /// Returns whether more remains; false on failure with \a error.
    bool foldStep(int64_t nowNs, int64_t* hoursFolded, std::string* error);

private:
    int applyLateContent();
};

/// The writer's private state is exactly this; defined here so both of the
/// writer's source files see one definition.
struct TelemetryWriter::State : WriterState
{
};

} // namespace spanlight
