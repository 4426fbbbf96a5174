#include "grpcreceiver.h"

#include "google/rpc/status.pb.h"
#include "httproute.h"
#include "ingestpipeline.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

#include <chrono>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <sstream>

namespace spanlight {

namespace otlp = opentelemetry::proto::collector;

namespace {

/// UNAVAILABLE carries RetryInfo twice: inside google.rpc.Status details (what
/// most exporters read) and as the raw trailer Python's exporter reads.
grpc::Status errorStatus(const IngestReply& reply, grpc::CallbackServerContext* context, int retryAfterSeconds)
{
    const auto code = static_cast<grpc::StatusCode>(grpcCodeFor(reply.status));
    if (code != grpc::StatusCode::UNAVAILABLE)
        return grpc::Status(code, reply.message);
    google::rpc::RetryInfo retry;
    retry.mutable_retry_delay()->set_seconds(retryAfterSeconds);
    google::rpc::Status details;
    details.set_code(static_cast<int>(code));
    details.set_message(reply.message);
    details.add_details()->PackFrom(retry);
    context->AddTrailingMetadata("google.rpc.retryinfo-bin", retry.SerializeAsString());
    return grpc::Status(code, reply.message, details.SerializeAsString());
}

std::string_view metadataValue(const grpc::CallbackServerContext* context, const char* lowerName)
{
    const auto& metadata = context->client_metadata();
    const auto it = metadata.find(lowerName);
    return it == metadata.end() ? std::string_view() : std::string_view(it->second.data(), it->second.size());
}

/// One Export handler, shared by the three services.
template <typename Request, typename Response, typename Convert, typename SetRejected>
grpc::ServerUnaryReactor* handleExport(IngestPipeline& pipeline, Signal signal, grpc::CallbackServerContext* context,
    const Request* request, Response* response, Convert convert, SetRejected setRejected)
{
    ++pipeline.stats().grpcRequests;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    // Checked before conversion: a refused request costs no decoding work.
    const IngestAuthDecision auth
        = pipeline.authenticate(metadataValue(context, "authorization"), metadataValue(context, "x-spanlight-key"));
    if (!auth.allowed) {
        reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, auth.reason));
        return reactor;
    }
    const int retryAfter = pipeline.limits().retryAfterSeconds;
    pipeline.ingestConverted(
        signal, convert(*request, pipeline.limits(), pipeline.genAiSettings()),
        [reactor, response, context, retryAfter, setRejected](const IngestReply& reply) {
            if (reply.status != IngestStatus::Ok) {
                reactor->Finish(errorStatus(reply, context, retryAfter));
                return;
            }
            if (reply.rejected > 0)
                setRejected(response, reply.rejected, reply.partialMessage);
            reactor->Finish(grpc::Status::OK);
        },
        auth.tenant);
    return reactor;
}

class TraceService final : public otlp::trace::v1::TraceService::CallbackService
{
public:
    explicit TraceService(IngestPipeline& p)
        : m_pipeline(p)
    {
    }
    grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
        const otlp::trace::v1::ExportTraceServiceRequest* request,
        otlp::trace::v1::ExportTraceServiceResponse* response) override
    {
        return handleExport(
            m_pipeline, Signal::Traces, context, request, response,
            [](const auto& r, const IngestLimits& l, const GenAiSettings& g) { return convertTraces(r, l, g); },
            [](otlp::trace::v1::ExportTraceServiceResponse* r, int64_t n, const std::string& m) {
                r->mutable_partial_success()->set_rejected_spans(n);
                r->mutable_partial_success()->set_error_message(m);
            });
    }

private:
    IngestPipeline& m_pipeline;
};

class LogsService final : public otlp::logs::v1::LogsService::CallbackService
{
public:
    explicit LogsService(IngestPipeline& p)
        : m_pipeline(p)
    {
    }
    grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
        const otlp::logs::v1::ExportLogsServiceRequest* request,
        otlp::logs::v1::ExportLogsServiceResponse* response) override
    {
        return handleExport(
            m_pipeline, Signal::Logs, context, request, response,
            [](const auto& r, const IngestLimits& l, const GenAiSettings& g) { return convertLogs(r, l, g); },
            [](otlp::logs::v1::ExportLogsServiceResponse* r, int64_t n, const std::string& m) {
                r->mutable_partial_success()->set_rejected_log_records(n);
                r->mutable_partial_success()->set_error_message(m);
            });
    }

private:
    IngestPipeline& m_pipeline;
};

class MetricsService final : public otlp::metrics::v1::MetricsService::CallbackService
{
public:
    explicit MetricsService(IngestPipeline& p)
        : m_pipeline(p)
    {
    }
    grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
        const otlp::metrics::v1::ExportMetricsServiceRequest* request,
        otlp::metrics::v1::ExportMetricsServiceResponse* response) override
    {
        return handleExport(
            m_pipeline, Signal::Metrics, context, request, response,
            [](const auto& r, const IngestLimits& l, const GenAiSettings& g) { return convertMetrics(r, l, g); },
            [](otlp::metrics::v1::ExportMetricsServiceResponse* r, int64_t n, const std::string& m) {
                r->mutable_partial_success()->set_rejected_data_points(n);
                r->mutable_partial_success()->set_error_message(m);
            });
    }

private:
    IngestPipeline& m_pipeline;
};

bool readFile(const std::string& path, std::string* out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::ostringstream text;
    text << in.rdbuf();
    *out = text.str();
    return true;
}

} // namespace

struct GrpcReceiver::Impl
{
    Impl(IngestPipeline& p, const IngestLimits& l)
        : pipeline(p)
        , limits(l)
    {
    }
    IngestPipeline& pipeline;
    const IngestLimits& limits;
    TraceService traces { pipeline };
    LogsService logs { pipeline };
    MetricsService metrics { pipeline };
    std::unique_ptr<grpc::Server> server;
};

GrpcReceiver::GrpcReceiver(IngestPipeline& pipeline, const IngestLimits& limits)
    : m_impl(std::make_unique<Impl>(pipeline, limits))
{
}

GrpcReceiver::~GrpcReceiver()
{
    shutdown(0);
}

bool GrpcReceiver::start(const std::string& address, uint16_t port, const TlsFiles& tls, std::string* error)
{
    std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
    if (tls.enabled()) {
        grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
        if (!readFile(tls.privateKey, &pair.private_key) || !readFile(tls.certificate, &pair.cert_chain)) {
            *error = "cannot read the gRPC TLS certificate/key (" + tls.certificate + ", " + tls.privateKey + ")";
            return false;
        }
        grpc::SslServerCredentialsOptions options;
        options.pem_key_cert_pairs.push_back(pair);
        credentials = grpc::SslServerCredentials(options);
    }
    grpc::ServerBuilder builder;
    // grpc enables SO_REUSEPORT by default: a second instance would silently
    // share the port instead of failing (DESIGN.md build notes).
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<size_t>(m_impl->limits.maxBodyBytes, INT32_MAX)));
    const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
    int selected = 0;
    builder.AddListeningPort(host + ":" + std::to_string(port), credentials, &selected);
    builder.RegisterService(&m_impl->traces);
    builder.RegisterService(&m_impl->logs);
    builder.RegisterService(&m_impl->metrics);
    m_impl->server = builder.BuildAndStart();
    if (!m_impl->server || selected == 0) {
        m_impl->server.reset();
        *error = "cannot listen for OTLP/gRPC on " + address + ":" + std::to_string(port)
            + " (is the port in use or the address not local?)";
        return false;
    }
    m_port = static_cast<uint16_t>(selected);
    return true;
}

void GrpcReceiver::shutdown(int deadlineMs)
{
    if (!m_impl->server)
        return;
    m_impl->server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(deadlineMs));
    m_impl->server->Wait();
    m_impl->server.reset();
}

} // namespace spanlight
