#include "loadsummary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace spanlight::loadgen {

namespace {

double nsToMs(std::int64_t ns)
{
    return static_cast<double>(ns) / 1e6;
}

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string jsonString(const std::string& text)
{
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

} // namespace

LatencyStats latencyStats(std::vector<std::int64_t> latenciesNs)
{
    LatencyStats stats;
    if (latenciesNs.empty())
        return stats;
    std::sort(latenciesNs.begin(), latenciesNs.end());
    const auto count = latenciesNs.size();
    auto percentile = [&](double p) {
        const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(count)));
        return nsToMs(latenciesNs[std::clamp<std::size_t>(rank, 1, count) - 1]);
    };
    stats.count = static_cast<std::int64_t>(count);
    const double sumNs = std::accumulate(latenciesNs.begin(), latenciesNs.end(), 0.0,
        [](double sum, std::int64_t ns) { return sum + static_cast<double>(ns); });
    stats.meanMs = sumNs / static_cast<double>(count) / 1e6;
    stats.p50Ms = percentile(0.50);
    stats.p95Ms = percentile(0.95);
    stats.p99Ms = percentile(0.99);
    stats.maxMs = nsToMs(latenciesNs.back());
    return stats;
}

std::string formatText(const LoadSummary& s)
{
    std::string out;
    out += "endpoint:            " + s.endpoint + "\n";
    out += "spans sent:          " + std::to_string(s.spansSent) + "\n";
    out += "spans acknowledged:  " + std::to_string(s.spansAcknowledged) + "\n";
    if (s.spansRejected > 0)
        out += "spans rejected:      " + std::to_string(s.spansRejected) + " (partial success)\n";
    if (s.logRecordsSent > 0) {
        out += "log records sent:    " + std::to_string(s.logRecordsSent) + "\n";
        out += "log records acked:   " + std::to_string(s.logRecordsAcknowledged) + "\n";
    }
    out += "requests:            " + std::to_string(s.requests) + " (" + std::to_string(s.retries) + " retries)\n";
    out += "rejected by status:  ";
    if (s.rejectedByStatus.empty())
        out += "none";
    for (auto it = s.rejectedByStatus.begin(); it != s.rejectedByStatus.end(); ++it)
        out += (it == s.rejectedByStatus.begin() ? "" : ", ") + it->first + " x" + std::to_string(it->second);
    out += "\n";
    out += "elapsed:             " + fixed(s.elapsedSeconds, 2) + " s\n";
    out += "throughput:          " + fixed(s.spansPerSecond(), 0) + " spans/s acknowledged\n";
    const LatencyStats& l = s.ackLatency;
    out += "ack latency (ms):    p50 " + fixed(l.p50Ms, 2) + "  p95 " + fixed(l.p95Ms, 2) + "  p99 " + fixed(l.p99Ms, 2)
        + "  max " + fixed(l.maxMs, 2) + "  (" + std::to_string(l.count) + " requests)\n";
    if (!s.firstError.empty() && s.abortReason.find(s.firstError) == std::string::npos)
        out += "first error:         " + s.firstError + "\n";
    if (!s.abortReason.empty())
        out += "aborted:             " + s.abortReason + "\n";
    return out;
}

std::string formatJson(const LoadSummary& s)
{
    std::string rejected = "{";
    for (auto it = s.rejectedByStatus.begin(); it != s.rejectedByStatus.end(); ++it)
        rejected
            += (it == s.rejectedByStatus.begin() ? "" : ",") + jsonString(it->first) + ":" + std::to_string(it->second);
    rejected += "}";
    const LatencyStats& l = s.ackLatency;
    return "{\"endpoint\":" + jsonString(s.endpoint) + ",\"complete\":" + (s.complete() ? "true" : "false")
        + ",\"spans_sent\":" + std::to_string(s.spansSent) + ",\"spans_acknowledged\":"
        + std::to_string(s.spansAcknowledged) + ",\"spans_rejected\":" + std::to_string(s.spansRejected)
        + ",\"log_records_sent\":" + std::to_string(s.logRecordsSent) + ",\"log_records_acknowledged\":"
        + std::to_string(s.logRecordsAcknowledged) + ",\"requests\":" + std::to_string(s.requests)
        + ",\"retries\":" + std::to_string(s.retries) + ",\"rejected_by_status\":" + rejected
        + ",\"elapsed_s\":" + fixed(s.elapsedSeconds, 3) + ",\"spans_per_s\":" + fixed(s.spansPerSecond(), 1)
        + ",\"ack_latency_ms\":{\"count\":" + std::to_string(l.count) + ",\"mean\":" + fixed(l.meanMs, 3)
        + ",\"p50\":" + fixed(l.p50Ms, 3) + ",\"p95\":" + fixed(l.p95Ms, 3) + ",\"p99\":" + fixed(l.p99Ms, 3)
        + ",\"max\":" + fixed(l.maxMs, 3) + "},\"first_error\":" + jsonString(s.firstError)
        + ",\"abort_reason\":" + jsonString(s.abortReason) + "}";
}

} // namespace spanlight::loadgen
