#include "grpcsender.h"

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <future>

namespace spanlight::loadgen {

namespace tracesvc = opentelemetry::proto::collector::trace::v1;
namespace logssvc = opentelemetry::proto::collector::logs::v1;

namespace {

std::optional<std::chrono::milliseconds> retryDelay(const grpc::ClientContext& context, const grpc::Status& status)
{
    // The raw RetryInfo trailer (what Python reads) first, then the details of grpc-status-details-bin.
    google::rpc::RetryInfo info;
    bool found = false;
    const auto& trailers = context.GetServerTrailingMetadata();
    if (const auto it = trailers.find("google.rpc.retryinfo-bin"); it != trailers.end())
        found = info.ParseFromArray(it->second.data(), static_cast<int>(it->second.size()));
    if (!found && !status.error_details().empty()) {
        google::rpc::Status details;
        if (details.ParseFromString(status.error_details())) {
            for (const auto& any : details.details()) {
                if (any.Is<google::rpc::RetryInfo>() && any.UnpackTo(&info)) {
                    found = true;
                    break;
                }
            }
        }
    }
    if (!found)
        return std::nullopt;
    return std::chrono::milliseconds(info.retry_delay().seconds() * 1000 + info.retry_delay().nanos() / 1000000);
}

/// The codes the OTLP specification calls retryable; RESOURCE_EXHAUSTED only when the server says when.
bool retryableCode(grpc::StatusCode code, bool hasRetryInfo)
{
    switch (code) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
        return true;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
        return hasRetryInfo;
    default:
        return false;
    }
}

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

} // namespace

struct GrpcSender::Stubs
{
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<tracesvc::TraceService::Stub> traces;
    std::unique_ptr<logssvc::LogsService::Stub> logs;
    std::unique_ptr<grpc::GenericStub> generic;
};

GrpcSender::GrpcSender(std::string host, std::string port, SenderOptions options)
    : m_target((host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port)
    , m_options(std::move(options))
    , m_stubs(std::make_unique<Stubs>())
{
    grpc::ChannelArguments arguments;
    // Without a local pool, channels with equal arguments share one connection: --connections would lie.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // gRPC's default reconnect backoff grows to two minutes; a restarted collector should be found at once.
    arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    arguments.SetUserAgentPrefix("spanlight-loadgen/" SPANLIGHT_VERSION);
    m_stubs->channel = grpc::CreateCustomChannel(m_target, grpc::InsecureChannelCredentials(), arguments);
    m_stubs->traces = tracesvc::TraceService::NewStub(m_stubs->channel);
    m_stubs->logs = logssvc::LogsService::NewStub(m_stubs->channel);
    m_stubs->generic = std::make_unique<grpc::GenericStub>(m_stubs->channel);
}

GrpcSender::~GrpcSender() = default;

std::string GrpcSender::describe() const
{
    return "grpc://" + m_target;
}

namespace {

SendResult exportCall(const SenderOptions& options, const std::string& target,
    const std::function<grpc::Status(grpc::ClientContext&)>& call)
{
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options.timeout);
    if (options.gzip)
        context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    for (const auto& [name, value] : options.headers)
        context.AddMetadata(lowercase(name), value); // gRPC rejects upper-case metadata keys

    const auto started = std::chrono::steady_clock::now();
    const grpc::Status status = call(context);
    SendResult result;
    result.protocol = SendResult::Protocol::Grpc;
    result.latencyNs
        = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count();
    result.status = static_cast<int>(status.error_code());
    result.ok = status.ok();
    if (result.ok)
        return result;

    result.retryAfter = retryDelay(context, status);
    result.retryable = retryableCode(status.error_code(), result.retryAfter.has_value());
    result.error = result.label() + " from " + target + ": " + status.error_message();
    // UNAVAILABLE is both "overloaded, come back later" and "could not connect". Only the second is a
    // transport problem, and the message is the only place gRPC says which one it was.
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE && !result.retryAfter) {
        const std::string message = lowercase(status.error_message());
        if (message.find("connection refused") != std::string::npos) {
            result.transportError = true;
            result.transportKind = "connection refused";
        } else if (message.find("failed to connect") != std::string::npos
            || message.find("connection reset") != std::string::npos) {
            result.transportError = true;
            result.transportKind = "connection failed";
        }
    }
    return result;
}

} // namespace

SendResult GrpcSender::send(const tracesvc::ExportTraceServiceRequest& request)
{
    tracesvc::ExportTraceServiceResponse response;
    SendResult result = exportCall(m_options, describe(),
        [&](grpc::ClientContext& context) { return m_stubs->traces->Export(&context, request, &response); });
    if (result.ok) {
        result.rejectedItems = response.partial_success().rejected_spans();
        result.error = response.partial_success().error_message();
    }
    return result;
}

SendResult GrpcSender::send(const logssvc::ExportLogsServiceRequest& request)
{
    logssvc::ExportLogsServiceResponse response;
    SendResult result = exportCall(m_options, describe(),
        [&](grpc::ClientContext& context) { return m_stubs->logs->Export(&context, request, &response); });
    if (result.ok) {
        result.rejectedItems = response.partial_success().rejected_log_records();
        result.error = response.partial_success().error_message();
    }
    return result;
}

SendResult GrpcSender::sendSerialized(Signal signal, const std::string& body)
{
    const std::string method = signal == Signal::Traces ? "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
                                                        : "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
    grpc::Slice slice(body);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    SendResult result = exportCall(m_options, describe(), [&](grpc::ClientContext& context) {
        // The generic stub only has the callback API; waiting on it keeps this call blocking like the others.
        std::promise<grpc::Status> done;
        m_stubs->generic->UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
            [&done](grpc::Status status) { done.set_value(std::move(status)); });
        return done.get_future().get();
    });
    if (!result.ok)
        return result;
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (response.Dump(&slices).ok()) {
        for (const grpc::Slice& part : slices)
            bytes.append(reinterpret_cast<const char*>(part.begin()), part.size());
    }
    if (signal == Signal::Traces) {
        tracesvc::ExportTraceServiceResponse parsed;
        if (parsed.ParseFromString(bytes)) {
            result.rejectedItems = parsed.partial_success().rejected_spans();
            result.error = parsed.partial_success().error_message();
        }
    } else {
        logssvc::ExportLogsServiceResponse parsed;
        if (parsed.ParseFromString(bytes)) {
            result.rejectedItems = parsed.partial_success().rejected_log_records();
            result.error = parsed.partial_success().error_message();
        }
    }
    return result;
}

} // namespace spanlight::loadgen
