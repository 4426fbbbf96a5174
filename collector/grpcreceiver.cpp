#include "grpcreceiver.h"

#include "bytereservation.h"
#include "google/rpc/status.pb.h"
#include "httproute.h"
#include "ingestpipeline.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace spanlight {

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

/// The three Export methods by their full gRPC names.
std::optional<Signal> exportSignal(const std::string& method)
{
    if (method == "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
        return Signal::Traces;
    if (method == "/opentelemetry.proto.collector.logs.v1.LogsService/Export")
        return Signal::Logs;
    if (method == "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export")
        return Signal::Metrics;
    return std::nullopt;
}

/// Which calls may have their message read at once. grpc buffers a whole
/// message once it is asked to read one, before its size is known, so only as
/// many calls are read at once as messages of the size limit fit the receive
/// budget. A call whose message has not arrived within the body timeout (a
/// client trickling or stalling) is cancelled when a newer call needs its
/// slot, so stalled clients never starve a well-behaved exporter.
class ReadingSlots
{
public:
    explicit ReadingSlots(CollectorStats& stats)
        : m_stats(stats)
    {
    }
    bool tryTake(grpc::GenericCallbackServerContext* context, const IngestLimits& limits)
    {
        const auto slots = std::max<size_t>(1, limits.maxReceivingBytes / limits.maxBodyBytes);
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(m_mutex);
        size_t active = 0;
        Entry* stalled = nullptr;
        for (Entry& entry : m_entries) {
            if (entry.cancelled)
                continue;
            ++active;
            if (!stalled && now - entry.started > std::chrono::milliseconds(limits.bodyTimeoutMs))
                stalled = &entry;
        }
        if (active >= slots) {
            if (!stalled)
                return false;
            stalled->cancelled = true; // its OnReadDone(false) gives the slot back
            stalled->context->TryCancel();
            m_stats.reject(RejectReason::Timeout);
        }
        m_entries.push_back({ context, now, false });
        m_stats.grpcReading = static_cast<int64_t>(m_entries.size());
        return true;
    }
    void release(grpc::GenericCallbackServerContext* context)
    {
        std::lock_guard lock(m_mutex);
        std::erase_if(m_entries, [context](const Entry& entry) { return entry.context == context; });
        m_stats.grpcReading = static_cast<int64_t>(m_entries.size());
    }

private:
    struct Entry
    {
        grpc::GenericCallbackServerContext* context;
        std::chrono::steady_clock::time_point started;
        bool cancelled;
    };
    CollectorStats& m_stats;
    std::mutex m_mutex;
    std::vector<Entry> m_entries;
};

/// One Export call. The services are served generically, as raw bytes, so a
/// request is claimed from the receive budget and refused before grpc parses
/// it into objects (typed handlers only see it parsed), and it is decoded by
/// the same code, under the same decode budget, as an OTLP/HTTP protobuf body.
class ExportReactor final : public grpc::ServerGenericBidiReactor
{
public:
    ExportReactor(IngestPipeline& pipeline, ReadingSlots& slots, grpc::GenericCallbackServerContext* context)
        : m_pipeline(pipeline)
        , m_slots(slots)
        , m_context(context)
    {
        if (!slots.tryTake(context, pipeline.limits())) {
            pipeline.stats().reject(RejectReason::QueueFull);
            finishWith({ IngestStatus::Overloaded, "the collector is receiving too many exports at once; retry later",
                0, {} });
            return;
        }
        m_reading = true;
        StartRead(&m_request);
    }

    void OnReadDone(bool ok) override
    {
        if (!ok) {
            releaseSlot();
            Finish(m_context->IsCancelled()
                    ? grpc::Status(grpc::StatusCode::CANCELLED, "no request message within the body timeout")
                    : grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the call carried no request message"));
            return;
        }
        const std::optional<Signal> signal = exportSignal(m_context->method());
        IngestAuthDecision auth;
        ByteReservation receiving;
        bool claimed = false;
        if (signal) {
            ++m_pipeline.stats().grpcRequests;
            // Checked before decoding: a refused request costs no decoding work.
            auth = m_pipeline.authenticate(
                metadataValue(m_context, "authorization"), metadataValue(m_context, "x-spanlight-key"));
            if (auth.allowed)
                claimed = m_pipeline.reserveReceiving(static_cast<int64_t>(m_request.Length()), &receiving);
        }
        // The message is read and its bytes are in the receive budget (or the
        // call is refused): the slot goes before any answer, so the client's
        // next call never finds it still taken.
        releaseSlot();
        if (!signal) {
            m_pipeline.stats().reject(RejectReason::NotFound);
            Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method " + m_context->method()));
            return;
        }
        if (!auth.allowed) {
            Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, auth.reason));
            return;
        }
        if (!claimed) {
            finishWith(
                { IngestStatus::Overloaded, "the collector is receiving too much data at once; retry later", 0, {} });
            return;
        }
        std::string body = flatten();
        m_pipeline.ingestBody(
            *signal, Encoding::Protobuf, body,
            [this, signal = *signal](const IngestReply& reply) {
                if (reply.status != IngestStatus::Ok) {
                    finishWith(reply);
                    return;
                }
                const std::string bytes
                    = exportResponseBody(signal, Encoding::Protobuf, reply.rejected, reply.partialMessage);
                grpc::Slice slice(bytes);
                m_response = grpc::ByteBuffer(&slice, 1);
                StartWriteAndFinish(&m_response, grpc::WriteOptions(), grpc::Status::OK);
            },
            auth.tenant, &receiving); // given back once decoded; the writer queue has its own budget
    }

    void OnDone() override
    {
        releaseSlot(); // a call cancelled before its message arrived
        delete this;
    }

private:
    /// The request as one contiguous protobuf body; grpc's slices are freed.
    std::string flatten()
    {
        std::vector<grpc::Slice> slices;
        std::string body;
        if (m_request.Dump(&slices).ok()) {
            body.reserve(m_request.Length());
            for (const grpc::Slice& slice : slices)
                body.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
        }
        m_request.Clear();
        return body;
    }

    void releaseSlot()
    {
        if (std::exchange(m_reading, false))
            m_slots.release(m_context);
    }

    void finishWith(const IngestReply& reply)
    {
        Finish(errorStatus(reply, m_context, m_pipeline.limits().retryAfterSeconds));
    }

    IngestPipeline& m_pipeline;
    ReadingSlots& m_slots;
    grpc::GenericCallbackServerContext* m_context;
    grpc::ByteBuffer m_request;
    grpc::ByteBuffer m_response;
    bool m_reading = false; ///< holds one of the reading slots
};

class ExportService final : public grpc::CallbackGenericService
{
public:
    explicit ExportService(IngestPipeline& pipeline)
        : m_pipeline(pipeline)
        , m_slots(pipeline.stats())
    {
    }
    grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override
    {
        return new ExportReactor(m_pipeline, m_slots, context);
    }

private:
    IngestPipeline& m_pipeline;
    ReadingSlots m_slots;
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
    ExportService exports { pipeline };
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
    // Without BDP probing the flow-control window stays small, so a call that
    // is refused (or not read yet) can only push a window's worth into memory.
    builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<size_t>(m_impl->limits.maxBodyBytes, INT32_MAX)));
    const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
    int selected = 0;
    builder.AddListeningPort(host + ":" + std::to_string(port), credentials, &selected);
    builder.RegisterCallbackGenericService(&m_impl->exports);
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
