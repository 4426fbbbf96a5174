#pragma once

#include "loadsummary.h"
#include "trafficmodel.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace spanlight::loadgen {

class ReplayBatches;
class Sender;
struct SendResult;

/// What a load run does. Limits combine: the run ends at whichever comes first.
struct LoadConfig
{
    /// Creates one sender per worker; called on the worker's thread.
    std::function<std::unique_ptr<Sender>()> makeSender;
    std::string endpoint; ///< for the summary only
    TrafficOptions traffic; ///< the stream is set per worker
    double spansPerSecond = 0; ///< across all workers; 0 = as fast as the receiver acknowledges
    std::chrono::milliseconds duration { 0 }; ///< 0 = no time limit
    std::int64_t totalSpans = 0; ///< 0 = no count limit
    /// Spans per export request. At low rates it shrinks to one second's worth per worker, so that traffic
    /// arrives steadily (like an SDK's batch processor flushing on its timer) rather than in rare bursts.
    int batchSize = 512;
    int connections = 1; ///< worker threads, each with its own sender and connection
    double logRecordsPerSpan = 0; ///< GenAI event log records sent alongside (0 = no logs)
    /// > 0: each worker pre-generates this many batches and replays them with fresh ids and timestamps
    /// (see ReplayBatches), for benchmarks where generating spans would cost more than receiving them.
    /// Not combinable with logs: replayed spans have no log records that refer to them.
    int replayBatches = 0;
    /// A batch the receiver keeps refusing (429/503/UNAVAILABLE or no connection) is retried this long,
    /// then counted as lost.
    std::chrono::milliseconds retryTimeout { 60000 };
    /// Backoff when the receiver gives no Retry-After / RetryInfo.
    std::chrono::milliseconds defaultBackoff { 100 };
};

/// Running totals, readable while the run goes on.
struct LoadCounters
{
    double elapsedSeconds = 0;
    std::int64_t spansSent = 0;
    std::int64_t spansAcknowledged = 0;
    std::int64_t logRecordsSent = 0;
    std::int64_t logRecordsAcknowledged = 0;
    std::int64_t requests = 0;
    std::int64_t retries = 0;
    std::int64_t rejectedResponses = 0; ///< non-success answers and transport failures
    std::int64_t latencySumNs = 0; ///< of successful requests, for a running mean
    std::int64_t latencyCount = 0;
};

/**
 * Sends traffic from TrafficModel through N senders in parallel, paced to a target rate, retrying refused
 * batches so that "acknowledged" is exact. The command line and an in-process demo use it the same way:
 * start(), counters() while it runs, stop() to end early, wait() for the summary.
 *
 * A run aborts when the very first batch finds nothing listening or is refused for good (404, 401, ...):
 * that is a setup mistake. Once something was acknowledged, refused connections are retried (a restarting
 * receiver) and permanent refusals are counted.
 */
class LoadRunner
{
public:
    explicit LoadRunner(LoadConfig config);
    ~LoadRunner(); ///< stops and joins the workers

    LoadRunner(const LoadRunner&) = delete;
    LoadRunner& operator=(const LoadRunner&) = delete;

    /// Starts the worker threads and returns at once.
    void start();
    /// Asks the workers to finish: no new batches, no more retries. Thread-safe; returns at once.
    void stop();
    /// Waits up to @p timeout for all workers to finish; true when they have.
    bool waitFor(std::chrono::milliseconds timeout);
    /// Joins the workers (stop() first to end early) and returns the summary.
    LoadSummary wait();
    LoadCounters counters() const;
    /// The batch size actually used per request (see LoadConfig::batchSize).
    int effectiveBatchSize() const { return m_batchSize; }

private:
    /// What a worker thread owns; prepared before the clock starts, so pre-generation is not timed.
    struct Worker
    {
        std::unique_ptr<TrafficModel> model;
        std::unique_ptr<ReplayBatches> replay;
    };

    void workerMain(int index);
    void sendTraceBatch(Worker& worker, Sender& sender, int spans, std::vector<std::int64_t>& latencies);
    /// Makes @p attempt until it is acknowledged, refused for good, or the retry time is up.
    /// Returns the number of items acknowledged.
    std::int64_t deliver(Sender& sender, const std::function<SendResult()>& attempt, std::int64_t items, bool isLogs,
        std::vector<std::int64_t>& latencies);
    void recordFailure(const SendResult& result);
    void abort(const std::string& reason);
    int claimSpans(int wanted);
    /// Sleeps until @p deadline or stop(); false when stopped.
    bool sleepUntil(std::chrono::steady_clock::time_point deadline);
    bool stopped() const { return m_stopped.load(std::memory_order_relaxed); }

    LoadConfig m_config;
    int m_batchSize = 512;
    std::vector<Worker> m_workerState;
    std::vector<std::thread> m_workers;
    std::chrono::steady_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_deadline;
    std::chrono::steady_clock::time_point m_finished;

    std::atomic<bool> m_stopped { false };
    std::atomic<int> m_running { 0 };
    std::atomic<std::int64_t> m_spansLeft { 0 }; ///< for totalSpans
    std::atomic<std::int64_t> m_spansSent { 0 };
    std::atomic<std::int64_t> m_spansAcknowledged { 0 };
    std::atomic<std::int64_t> m_spansRejected { 0 };
    std::atomic<std::int64_t> m_logRecordsSent { 0 };
    std::atomic<std::int64_t> m_logRecordsAcknowledged { 0 };
    std::atomic<std::int64_t> m_requests { 0 };
    std::atomic<std::int64_t> m_retries { 0 };
    std::atomic<std::int64_t> m_rejectedResponses { 0 };
    std::atomic<std::int64_t> m_latencySumNs { 0 };
    std::atomic<std::int64_t> m_latencyCount { 0 };
    std::atomic<bool> m_anyAcknowledged { false };

    mutable std::mutex m_mutex; ///< guards everything below
    std::condition_variable m_wake; ///< stop() and the last worker finishing
    std::map<std::string, std::int64_t> m_rejectedByStatus;
    std::string m_firstError;
    std::string m_abortReason;
    std::vector<std::int64_t> m_latenciesNs; ///< merged from the workers as they finish
};

} // namespace spanlight::loadgen
