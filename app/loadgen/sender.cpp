#include "sender.h"

#include "grpcsender.h"
#include "httpsender.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <array>
#include <charconv>

namespace spanlight::loadgen {

namespace {

constexpr std::array<const char*, 17> kGrpcCodeNames
    = { "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
          "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
          "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED" };

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

bool validPort(std::string_view port)
{
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    return ec == std::errc() && end == port.data() + port.size() && value > 0 && value < 65536;
}

/// Splits "host:port" (host may be a bracketed IPv6 literal); the port falls back to @p defaultPort.
bool splitHostPort(std::string_view authority, std::string_view defaultPort, std::string& host, std::string& port)
{
    std::size_t colon = std::string_view::npos;
    if (startsWith(authority, "[")) {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos)
            return false;
        host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':')
                return false;
            colon = close + 1;
        }
    } else {
        colon = authority.rfind(':');
        host = std::string(authority.substr(0, colon));
    }
    port = colon == std::string_view::npos ? std::string(defaultPort) : std::string(authority.substr(colon + 1));
    return !host.empty() && validPort(port);
}

} // namespace

std::string SendResult::label() const
{
    if (transportError)
        return transportKind.empty() ? "no answer" : transportKind;
    if (protocol == Protocol::Grpc)
        return "grpc " + std::string(status >= 0 && status < 17 ? kGrpcCodeNames[status] : std::to_string(status));
    return "http " + std::to_string(status);
}

SendResult Sender::send(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request)
{
    return sendSerialized(Signal::Traces, request.SerializeAsString());
}

SendResult Sender::send(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request)
{
    return sendSerialized(Signal::Logs, request.SerializeAsString());
}

std::unique_ptr<Sender> makeSender(
    const std::string& endpoint, bool grpc, const SenderOptions& options, std::string* error)
{
    auto fail = [error](std::string message) -> std::unique_ptr<Sender> {
        if (error)
            *error = std::move(message);
        return nullptr;
    };
    std::string_view rest = endpoint;
    if (startsWith(rest, "https://") || startsWith(rest, "grpcs://"))
        return fail("TLS endpoints are not supported by the load generator: " + endpoint);
    if (startsWith(rest, "http://"))
        rest.remove_prefix(7);
    else if (startsWith(rest, "grpc://"))
        rest.remove_prefix(7);
    else if (rest.find("://") != std::string_view::npos)
        return fail("unsupported endpoint scheme: " + endpoint + " (use http://host:port or host:port)");

    const std::size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    std::string host;
    std::string port;
    if (!splitHostPort(authority, grpc ? "4317" : "4318", host, port))
        return fail("cannot parse host and port in endpoint: " + endpoint);
    if (grpc) {
        if (!path.empty() && path != "/")
            return fail("a gRPC endpoint has no path: " + endpoint);
        return std::make_unique<GrpcSender>(host, port, options);
    }
    return std::make_unique<HttpSender>(host, port, std::string(path), options);
}

} // namespace spanlight::loadgen
