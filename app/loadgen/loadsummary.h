#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spanlight::loadgen {

/// Acknowledgement latency of the successful export requests, in milliseconds.
struct LatencyStats
{
    std::int64_t count = 0;
    double meanMs = 0;
    double p50Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
};

/// Exact percentiles (nearest rank) of @p latenciesNs; sorts its argument.
LatencyStats latencyStats(std::vector<std::int64_t> latenciesNs);

/// The outcome of a load run, as printed at its end.
struct LoadSummary
{
    std::string endpoint;
    std::int64_t spansSent = 0; ///< spans in batches handed to the receiver (a retried batch counts once)
    std::int64_t spansAcknowledged = 0; ///< spans the receiver accepted (minus partial-success rejections)
    std::int64_t spansRejected = 0; ///< spans the receiver answered with a partial-success rejection
    std::int64_t logRecordsSent = 0;
    std::int64_t logRecordsAcknowledged = 0;
    std::int64_t requests = 0; ///< export calls made, retries included
    std::int64_t retries = 0;
    /// Answers other than success, by label ("http 429", "grpc UNAVAILABLE", "connection refused"),
    /// counting every attempt, including those retried successfully later.
    std::map<std::string, std::int64_t> rejectedByStatus;
    double elapsedSeconds = 0;
    LatencyStats ackLatency;
    std::string firstError; ///< the first error the receiver gave, to tell a 401 from a 404
    std::string abortReason; ///< why the run stopped early, e.g. nothing listening at the endpoint

    double spansPerSecond() const { return elapsedSeconds > 0 ? spansAcknowledged / elapsedSeconds : 0; }
    /// Every span and log record sent was acknowledged and nothing aborted the run.
    bool complete() const
    {
        return abortReason.empty() && spansAcknowledged == spansSent && logRecordsAcknowledged == logRecordsSent;
    }
};

/// Human-readable multi-line summary.
std::string formatText(const LoadSummary& summary);
/// One JSON object on one line, for scripts and benchmarks.
std::string formatJson(const LoadSummary& summary);

} // namespace spanlight::loadgen
