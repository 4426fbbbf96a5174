#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace opentelemetry::proto::collector::trace::v1 {
class ExportTraceServiceRequest;
}
namespace opentelemetry::proto::collector::logs::v1 {
class ExportLogsServiceRequest;
}

namespace spanlight::loadgen {

/// How one export attempt ended.
struct SendResult
{
    enum class Protocol { Http, Grpc };

    bool ok = false; ///< the receiver acknowledged the batch (HTTP 2xx / gRPC OK)
    Protocol protocol = Protocol::Http;
    /// HTTP status, or the grpc::StatusCode value. 0 with Protocol::Http means no answer at all
    /// (connect failure, reset, timeout); see transportError.
    int status = 0;
    bool transportError = false;
    std::string transportKind; ///< short reason for a transport error: "connection refused", "timeout", ...
    /// The receiver asked us to come back later (429/502/503/504, UNAVAILABLE) or the connection broke:
    /// sending the same batch again is the right reaction.
    bool retryable = false;
    std::int64_t latencyNs = 0; ///< from sending the request to having the whole answer (connecting excluded)
    std::optional<std::chrono::milliseconds> retryAfter; ///< Retry-After header or gRPC RetryInfo
    std::int64_t rejectedItems = 0; ///< partial success: items dropped although the batch was accepted
    std::string error; ///< human-readable reason when !ok (or the partial-success message)

    /// Short label for counting outcomes: "http 429", "grpc UNAVAILABLE", "connection refused".
    std::string label() const;
};

/// HTTP header or gRPC metadata added to every request (e.g. an `authorization` ingest key).
using Header = std::pair<std::string, std::string>;

/**
 * One connection to an OTLP receiver. Blocking; not thread-safe: each worker thread owns its own sender.
 * A sender reconnects by itself after the receiver closed or dropped the connection.
 */
class Sender
{
public:
    using Result = SendResult;
    enum class Signal { Traces, Logs };

    virtual ~Sender() = default;
    virtual Result send(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request);
    virtual Result send(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request);
    /// Sends an already serialized Export{Trace,Logs}ServiceRequest; pre-generated benchmark batches go this way.
    virtual Result sendSerialized(Signal signal, const std::string& body) = 0;
    /// Where this sender sends to, for messages ("http://127.0.0.1:4318", "grpc://127.0.0.1:4317").
    virtual std::string describe() const = 0;
};

/// Connection settings shared by both transports.
struct SenderOptions
{
    bool gzip = false;
    std::chrono::milliseconds timeout { 30000 };
    std::vector<Header> headers;
};

/**
 * Creates a sender from an endpoint the way users write them: "http://host:4318" (OTLP/HTTP, the signal
 * path "/v1/traces" or "/v1/logs" is appended to any base path) or "grpc://host:4317" / "host:4317" with
 * @p grpc set. Returns nullptr and fills @p error for an endpoint it cannot use (e.g. https://).
 * Connecting happens lazily on the first send.
 */
std::unique_ptr<Sender> makeSender(
    const std::string& endpoint, bool grpc, const SenderOptions& options, std::string* error = nullptr);

} // namespace spanlight::loadgen
