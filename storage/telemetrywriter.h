#pragma once

#include "promptjoin.h"
#include "records.h"
#include "retention.h"
#include "tenantpurge.h"

#include <QString>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace spanlight {

class SqliteConnection;

struct WriterOptions
{
    QString path; ///< telemetry.db
    bool synchronousFull = true; ///< PRAGMA synchronous=FULL: an answered span survives power loss
    size_t maxQueuedItems = 262144; ///< spans + log records + points waiting; beyond → QueueFull (429)
    size_t maxQueuedBytes
        = 224u << 20; ///< approximate decoded bytes waiting; beyond → QueueFull (limits/memory_cap_mb)
    size_t maxItemsPerCommit = 16384; ///< group commit size cap
    size_t dedupWindow = 500000; ///< recent (trace id, span id) pairs remembered against retries
    int walCheckpointPages = 1000; ///< WAL pages after which a commit is followed by a passive checkpoint
    int walRestartPages = 4096; ///< WAL pages after which the writer waits for readers and restarts the WAL
    RetentionOptions retention;
    bool maintainRollups = true; ///< off only to measure what rollups cost (ingest benchmark)
    /// How often ended hours are folded into hour and day rollup rows when
    /// retention rounds (which fold too) are off; 0: only by foldNow().
    int64_t foldIntervalSeconds = 60;
    /// Identifies prompts from content that arrives in log records; null: no join.
    PromptIdentifier promptIdentifier;
    size_t promptJoinCapacity = 200000; ///< spans and content entries remembered for the join
    size_t promptJoinBytes = 64u << 20; ///< content text held while waiting for its span
    /// Unix ns now, for retention rounds and for which hours' spans wait to be
    /// folded (rollupfold.h); empty: the system clock. Tests over data of a
    /// fixed date pin it there, so their results do not depend on the day they run.
    std::function<int64_t()> clockNs;
};

/// What happened to one submitted batch.
struct WriteOutcome
{
    bool committed = false;
    int64_t stored = 0;
    int64_t duplicates = 0; ///< spans already stored (a retried batch)
    std::string error; ///< why the transaction failed, when !committed
};

struct ServiceCounts
{
    int64_t spans = 0;
    int64_t logs = 0;
    int64_t points = 0;
};

struct WriterStats
{
    size_t queuedItems = 0;
    size_t queuedBytes = 0;
    int64_t spansStored = 0;
    int64_t logsStored = 0;
    int64_t pointsStored = 0;
    int64_t duplicatesDropped = 0;
    int64_t commits = 0;
    int64_t failedCommits = 0;
    int64_t lastCommitMicros = 0;
    int64_t maxCommitMicros = 0;
    int64_t walPages = 0; ///< pages in the WAL after the last commit
    int64_t walRestarts = 0;
    RetentionReport lastRetention; ///< the last round that deleted anything
    bool healthy = true;
    std::string lastError;
    std::map<std::string, ServiceCounts> perService;
};

/// The one thread that writes telemetry.db (DESIGN.md rule 4). Ingest batches
/// queue up (bounded) and are group-committed; each batch's completion runs only
/// after its transaction committed, so a receiver answers its exporter only once
/// the spans are durable (rule 1). Maintenance jobs queue as commands too.
class TelemetryWriter
{
public:
    enum class Admission { Accepted, QueueFull, Stopped };
    using Completion = std::function<void(const WriteOutcome&)>;
    using Job = std::function<void(SqliteConnection&)>;

    explicit TelemetryWriter(WriterOptions options);
    ~TelemetryWriter();
    TelemetryWriter(const TelemetryWriter&) = delete;
    TelemetryWriter& operator=(const TelemetryWriter&) = delete;

    /// Opens (and migrates) the database on the writer thread; false with a
    /// message when that failed.
    bool start(std::string* error);

    /// Queues a batch. The completion runs on the writer thread after the commit
    /// (or the failed attempt); keep it short (post the answer elsewhere).
    Admission submit(std::shared_ptr<const IngestBatch> batch, Completion completion);

    /// Queues a maintenance command that runs between commits.
    void post(Job job);

    /// Runs a whole retention round as if the time were \a nowNs (between
    /// commits, one small transaction per step) and reports what went.
    void retainNow(int64_t nowNs, std::function<void(const RetentionReport&)> done);

    /// Folds every unfolded hour that ended before \a nowNs into hour and day
    /// rollup rows now (retention rounds do this on their own) and reports how
    /// many hours were folded, or why folding failed.
    void foldNow(int64_t nowNs, std::function<void(int64_t hoursFolded, std::string error)> done);

    /// Deletes every stored telemetry row of \a tenant (docs/storage.md
    /// "Purging a tenant"): bounded steps between ingest commits, deleted
    /// content overwritten (secure_delete), the WAL truncated afterwards. The
    /// tenant's spans arriving meanwhile or later are stored normally. The
    /// future is ready once the purge finished or failed.
    std::future<TenantPurgeReport> purgeTenant(const std::string& tenant);

    /// Stores price rows (id, canonical JSON) that spans will refer to, once each.
    void recordPriceRows(std::vector<std::pair<int64_t, std::string>> rows);

    /// Finishes everything queued (answering each batch), then closes. Idempotent.
    void stop();

    WriterStats stats() const;
    const WriterOptions& options() const { return m_options; }

    /// For durability tests: runs on the writer thread just before each COMMIT.
    void setBeforeCommitHook(std::function<void()> hook);

private:
    struct Pending
    {
        std::shared_ptr<const IngestBatch> batch;
        Completion completion;
    };

    using PurgeDone = std::shared_ptr<std::promise<TenantPurgeReport>>;

    void run(std::promise<std::string>* opened);
    /// Queues a job unless the writer is stopping or stopped.
    bool enqueueJob(Job job);
    void purgeStep(const std::shared_ptr<TenantPurge>& purge, const PurgeDone& done);
    void finishPurge(const std::shared_ptr<TenantPurge>& purge, const PurgeDone& done, int attempt);
    void commitGroup(std::vector<Pending>& group);
    void checkpointIfNeeded();
    /// Folds, then (when \a retain) deletes, one bounded step; true while more remains.
    bool retentionStep(Retention& retention, RetentionReport& report, bool retain = true);
    /// Logs a finished round (and keeps it in the statistics when it deleted anything).
    void reportRetentionRound(const RetentionReport& round);
    bool writeTransaction(
        const std::vector<Pending>& group, const std::vector<size_t>& members, std::vector<WriteOutcome>& outcomes);

    WriterOptions m_options;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Pending> m_ingest;
    std::deque<Job> m_jobs;
    bool m_stopping = false;
    bool m_running = false;
    size_t m_queuedItems = 0;
    size_t m_queuedBytes = 0;

    mutable std::mutex m_statsMutex;
    WriterStats m_stats;
    std::function<void()> m_beforeCommit;

    struct State;
    std::unique_ptr<State> m_state; // owned by the writer thread while it runs
};

} // namespace spanlight
