#pragma once

#include "schemadialect.h"

#include <string>
#include <utility>
#include <vector>

namespace spanlight {

/// Dictionary kinds: which dimension a dictionary-encoded string belongs to.
enum class DictKind : int {
    Tenant = 1,
    Environment = 2,
    Service = 3,
    SpanName = 4,
    ErrorType = 5,
    Provider = 6,
    Model = 7,
    Operation = 8,
    PromptFingerprint = 9,
    Scope = 10,
    EventName = 11,
    MetricName = 12,
    Unit = 13,
};

/// Every piece of telemetry.db SQL whose spelling depends on the database engine
/// (control.db's is in ControlDialect). Storage code
/// asks this class instead of writing engine-specific SQL itself, so that a
/// PostgreSQL dialect (headless collectors on a shared server) is one more
/// implementation rather than a hunt through the code base.
class SqlDialect : public SchemaDialect
{
public:
    virtual std::string insertSpan() const = 0;
    virtual std::string insertTraceIndex() const = 0;
    virtual std::string insertLog() const = 0;
    virtual std::string insertMetricPoint() const = 0;
    virtual std::string insertDictionaryEntry() const = 0;
    virtual std::string insertResource() const = 0;

    // Schema v2: GenAI rollups and the side tables the writer maintains per commit.
    virtual std::string upsertSpanMinute() const = 0;
    virtual std::string insertLogIndex() const = 0;
    virtual std::string insertTenant() const = 0;
    virtual std::string upsertPrompt() const = 0;
    virtual std::string insertPriceRow() const = 0;
    virtual std::string upsertLatencyRollup() const = 0;
    virtual std::string upsertLatencyTotal() const = 0;
    virtual std::string upsertPromptTotal() const = 0;
    virtual std::string upsertSpendRollup() const = 0;
    virtual std::string upsertPromptRollup() const = 0;
    virtual std::string upsertPromptErrorRollup() const = 0;
    virtual std::string updateSpanPrompt() const = 0;

    // Purging one tenant's telemetry (storage/tenantpurge.h): bounded steps of
    // the writer. Row tables are read in rowid windows [?1, ?2) and rollup
    // tables in (grain, slot) windows [(?1, ?2), (?3, ?4)), since none of them
    // has an index by tenant.
    enum class PurgeRows { Spans, Logs, Points };
    enum class PurgeRollup { Latency, Spend, Prompt, PromptError };
    /// PRAGMA secure_delete for the writer: while purging, deleted content and
    /// freed pages are overwritten; otherwise freed cell space is (at no
    /// extra I/O), so content moved while ingesting leaves no stale copy.
    virtual std::string writerSecureDelete(bool purging) const = 0;
    /// The tenant's dictionary ids by name (?1), current and retired.
    virtual std::string purgeFindTenant() const = 0;
    /// Retires tenant entry ?1: it keeps its id for the rows being purged, and
    /// the tenant's new rows get a fresh entry meanwhile.
    virtual std::string purgeRetireTenant() const = 0;
    /// MIN(id), MAX(id) of a row table.
    virtual std::string purgeIdRange(PurgeRows table) const = 0;
    /// id, tenant_id, trace_id, span_id, resource_id, prompt_fp_id, then every
    /// other dictionary id column of the rows in [?1, ?2).
    virtual std::string purgeRowWindow(PurgeRows table) const = 0;
    /// Overwrites in place (same sizes) the ids and text of tenant ?3's rows
    /// in [?1, ?2) before they are deleted: rebalancing the tree while
    /// deleting moves rows and can leave their old bytes in a page's free gap.
    virtual std::string purgeScrubRows(PurgeRows table) const = 0;
    /// Deletes the rows in [?1, ?2) of tenant ?3.
    virtual std::string purgeDeleteTenantRows(PurgeRows table) const = 0;
    virtual std::string purgeScrubLog() const = 0; ///< id ?1, as purgeScrubRows
    virtual std::string purgeScrubResource() const = 0; ///< id ?1
    virtual std::string purgeScrubPrompt() const = 0; ///< label and example of prompt ?1
    virtual std::string purgeScrubPromptExample() const = 0; ///< example of prompt ?1
    virtual std::string purgeDeleteLog() const = 0; ///< id ?1
    virtual std::string purgeTraceRuns() const = 0; ///< first_span, span_count of bucket ?1, trace key ?2
    virtual std::string purgeTraceRunAlive() const = 0; ///< any span in [?1, ?2) of trace ?3
    virtual std::string purgeDeleteTraceRun() const = 0; ///< bucket ?1, trace key ?2, first span ?3
    virtual std::string purgeLogsOfTrace() const = 0; ///< log ids of bucket ?1, trace key ?2
    virtual std::string purgeDeleteLogIndex() const = 0; ///< bucket ?1, trace key ?2, log id ?3
    /// (grain, slot) of the row ?3 rows on from (?1, ?2): the end of a bounded window.
    virtual std::string purgeRollupWindowEnd(PurgeRollup table) const = 0;
    /// grain, slot, tenant_id, prompt_fp_id, is_error, then the other
    /// dictionary id columns (0 where the table lacks one) of the window.
    virtual std::string purgeRollupWindow(PurgeRollup table) const = 0;
    /// Deletes the window's rows of tenant ?5.
    virtual std::string purgeDeleteRollupRows(PurgeRollup table) const = 0;
    /// The dimension rows a total row sums: (grain ?1, slot ?2, is_error ?3)
    /// for rollup_latency_total, (grain, slot, prompt) for rollup_prompt_total.
    virtual std::string purgeLatencyTotalSources() const = 0;
    virtual std::string purgePromptTotalSources() const = 0;
    virtual std::string purgeDeleteLatencyTotal() const = 0;
    virtual std::string purgeDeletePromptTotal() const = 0;
    virtual std::string purgeInsertLatencyTotal() const = 0;
    virtual std::string purgeInsertPromptTotal() const = 0;
    virtual std::string purgeDeletePrompt() const = 0; ///< prompt ?1
    virtual std::string purgeClearPromptExample() const = 0; ///< prompt ?1
    virtual std::string purgeDeleteResource() const = 0; ///< id ?1
    virtual std::string purgeDictEntry() const = 0; ///< kind, value of id ?1
    virtual std::string purgeDeleteDictEntry() const = 0; ///< id ?1
    virtual std::string purgeDeleteTenantRow() const = 0; ///< tenants row ?1
    /// Gives a bounded number of freed pages back to the file system (purges and retention).
    virtual std::string releaseFreePages() const = 0;
    /// The bytes of the database file that hold data (free pages not counted).
    virtual std::string usedBytes() const = 0;

    // Folding minute rollup rows into hour and day rows (docs/rollups.md
    // "Folding"): sqldialectfold.cpp.
    /// Marks hour ?1 unfolded, or counts up the generation of its mark.
    virtual std::string markHourUnfolded() const = 0;
    virtual std::string unfoldedHours() const = 0; ///< every unfolded hour, oldest first
    /// The oldest unfolded hour that ended at or before minute ?1, and its mark's generation.
    virtual std::string settledUnfoldedHours() const = 0;
    virtual std::string otherUnfoldedHourIn() const = 0; ///< any unfolded hour but ?1 in [?2, ?3)
    virtual std::string clearUnfoldedHour() const = 0; ///< hour ?1 if its generation is still ?2
    /// Marks day ?1 unfolded: its day rows lag behind its hour rows until it has ended.
    virtual std::string markDayUnfolded() const = 0;
    virtual std::string unfoldedDays() const = 0; ///< every unfolded day, oldest first
    /// The oldest unfolded day that ended at or before minute ?1 and has no unfolded hour.
    virtual std::string settledUnfoldedDay() const = 0;
    virtual std::string clearUnfoldedDay() const = 0; ///< day ?1
    /// Per rollup table: delete its rows of grain ?1 at slot ?2, then insert them
    /// again as the sums of the next finer grain's rows in [?2, ?3).
    virtual std::vector<std::pair<std::string, std::string>> foldStatements() const = 0;
    /// The minute before which retention has removed minute rows (0 when never).
    virtual std::string minuteRowsPrunedBefore() const = 0;
    virtual std::string noteMinuteRowsPrunedBefore() const = 0; ///< minute ?1; only moves forward
};

class SqliteDialect final : public SqlDialect
{
public:
    std::vector<std::string> connectionSetup(bool synchronousFull) const override;
    std::vector<std::vector<std::string>> migrations() const override;
    std::string readSchemaVersion() const override { return "PRAGMA user_version"; }
    std::string writeSchemaVersion(int version) const override;

    std::string insertSpan() const override;
    std::string insertTraceIndex() const override;
    std::string insertLog() const override;
    std::string insertMetricPoint() const override;
    std::string insertDictionaryEntry() const override;
    std::string insertResource() const override;
    std::string beginWrite() const override { return "BEGIN IMMEDIATE"; }

    std::string upsertSpanMinute() const override;
    std::string insertLogIndex() const override;
    std::string insertTenant() const override;
    std::string upsertPrompt() const override;
    std::string insertPriceRow() const override;
    std::string upsertLatencyRollup() const override;
    std::string upsertLatencyTotal() const override;
    std::string upsertPromptTotal() const override;
    std::string upsertSpendRollup() const override;
    std::string upsertPromptRollup() const override;
    std::string upsertPromptErrorRollup() const override;
    std::string updateSpanPrompt() const override;

    // Tenant purge: sqldialectpurge.cpp.
    std::string writerSecureDelete(bool purging) const override;
    std::string purgeFindTenant() const override;
    std::string purgeRetireTenant() const override;
    std::string purgeIdRange(PurgeRows table) const override;
    std::string purgeRowWindow(PurgeRows table) const override;
    std::string purgeScrubRows(PurgeRows table) const override;
    std::string purgeDeleteTenantRows(PurgeRows table) const override;
    std::string purgeScrubLog() const override;
    std::string purgeScrubResource() const override;
    std::string purgeScrubPrompt() const override;
    std::string purgeScrubPromptExample() const override;
    std::string purgeDeleteLog() const override;
    std::string purgeTraceRuns() const override;
    std::string purgeTraceRunAlive() const override;
    std::string purgeDeleteTraceRun() const override;
    std::string purgeLogsOfTrace() const override;
    std::string purgeDeleteLogIndex() const override;
    std::string purgeRollupWindowEnd(PurgeRollup table) const override;
    std::string purgeRollupWindow(PurgeRollup table) const override;
    std::string purgeDeleteRollupRows(PurgeRollup table) const override;
    std::string purgeLatencyTotalSources() const override;
    std::string purgePromptTotalSources() const override;
    std::string purgeDeleteLatencyTotal() const override;
    std::string purgeDeletePromptTotal() const override;
    std::string purgeInsertLatencyTotal() const override;
    std::string purgeInsertPromptTotal() const override;
    std::string purgeDeletePrompt() const override;
    std::string purgeClearPromptExample() const override;
    std::string purgeDeleteResource() const override;
    std::string purgeDictEntry() const override;
    std::string purgeDeleteDictEntry() const override;
    std::string purgeDeleteTenantRow() const override;
    std::string releaseFreePages() const override;
    std::string usedBytes() const override;

    std::string markHourUnfolded() const override;
    std::string unfoldedHours() const override;
    std::string settledUnfoldedHours() const override;
    std::string otherUnfoldedHourIn() const override;
    std::string clearUnfoldedHour() const override;
    std::string markDayUnfolded() const override;
    std::string unfoldedDays() const override;
    std::string settledUnfoldedDay() const override;
    std::string clearUnfoldedDay() const override;
    std::vector<std::pair<std::string, std::string>> foldStatements() const override;
    std::string minuteRowsPrunedBefore() const override;
    std::string noteMinuteRowsPrunedBefore() const override;
};

} // namespace spanlight
