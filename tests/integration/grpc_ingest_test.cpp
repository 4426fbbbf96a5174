#include "commitgate.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <QCoreApplication>
#include <future>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;
namespace svc = opentelemetry::proto::collector;

namespace {

struct GrpcIngest : ::testing::Test
{
    void SetUp() override
    {
        ASSERT_TRUE(collector.ok()) << collector.error();
        channel = grpc::CreateChannel(
            "127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials());
    }
    std::unique_ptr<grpc::ClientContext> context()
    {
        auto c = std::make_unique<grpc::ClientContext>();
        c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        return c;
    }
    TestCollector collector;
    PayloadFactory factory;
    std::shared_ptr<grpc::Channel> channel;
};

} // namespace

TEST_F(GrpcIngest, AllThreeServicesStore)
{
    auto traces = svc::trace::v1::TraceService::NewStub(channel);
    auto logs = svc::logs::v1::LogsService::NewStub(channel);
    auto metrics = svc::metrics::v1::MetricsService::NewStub(channel);
    svc::trace::v1::ExportTraceServiceResponse tr;
    svc::logs::v1::ExportLogsServiceResponse lr;
    svc::metrics::v1::ExportMetricsServiceResponse mr;
    const auto request = factory.traces(25);
    grpc::Status s = traces->Export(context().get(), request, &tr);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_FALSE(tr.has_partial_success());
    s = logs->Export(context().get(), factory.logs(6), &lr);
    ASSERT_TRUE(s.ok()) << s.error_message();
    s = metrics->Export(context().get(), factory.metricsOfEveryType(), &mr);
    ASSERT_TRUE(s.ok()) << s.error_message();
    DbProbe db(collector.dbPath());
    const auto keys = spanKeys(request);
    EXPECT_EQ(db.spanKeys(), std::set<std::string>(keys.begin(), keys.end()));
    EXPECT_EQ(db.count("logs"), 6);
    EXPECT_EQ(db.count("metric_points"), 5);
    EXPECT_EQ(collector.collector().stats().grpcRequests.load(), 3);
}

TEST_F(GrpcIngest, GzipCompressedRequests)
{
    grpc::ChannelArguments args;
    args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
    auto gz = grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials(), args);
    auto stub = svc::trace::v1::TraceService::NewStub(gz);
    svc::trace::v1::ExportTraceServiceResponse response;
    ASSERT_TRUE(stub->Export(context().get(), factory.traces(40), &response).ok());
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 40);
}

TEST_F(GrpcIngest, InvalidIdsArePartialSuccessBadDataIsInvalidArgument)
{
    auto stub = svc::trace::v1::TraceService::NewStub(channel);
    auto request = factory.traces(5);
    request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_span_id("short");
    svc::trace::v1::ExportTraceServiceResponse response;
    ASSERT_TRUE(stub->Export(context().get(), request, &response).ok());
    EXPECT_EQ(response.partial_success().rejected_spans(), 1);
    EXPECT_FALSE(response.partial_success().error_message().empty());

    auto deep = factory.traces(1);
    auto* v = deep.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
    v->set_key("deep");
    auto* value = v->mutable_value();
    for (int i = 0; i < 40; ++i)
        value = value->mutable_array_value()->add_values();
    const grpc::Status s = stub->Export(context().get(), deep, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 4);
}

TEST(GrpcLimits, OversizedMessageIsResourceExhausted)
{
    IngestLimits limits;
    limits.maxBodyBytes = 32 << 10;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    auto stub = svc::trace::v1::TraceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials()));
    PayloadFactory factory;
    grpc::ClientContext context;
    svc::trace::v1::ExportTraceServiceResponse response;
    const grpc::Status s = stub->Export(&context, factory.traces(2000), &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST(GrpcLimits, CompressedMessageOverTheLimitAfterInflatingIsResourceExhausted)
{
    IngestLimits limits;
    limits.maxBodyBytes = 64 << 10;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    grpc::ChannelArguments args;
    args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
    auto stub = svc::trace::v1::TraceService::NewStub(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials(), args));
    // Highly compressible: small on the wire, far over the limit once inflated.
    PayloadFactory factory;
    auto request = factory.traces(1);
    auto* kv = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
    kv->set_key("padding");
    kv->mutable_value()->set_string_value(std::string(1 << 20, 'x'));
    ASSERT_LT(gzip(request.SerializeAsString()).size(), limits.maxBodyBytes);
    grpc::ClientContext context;
    svc::trace::v1::ExportTraceServiceResponse response;
    const grpc::Status s = stub->Export(&context, request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 0);
}

TEST(GrpcLimits, OverloadIsUnavailableWithRetryInfoInBothPlaces)
{
    IngestLimits limits;
    limits.retryAfterSeconds = 2;
    WriterOptions writer;
    writer.maxQueuedItems = 8;
    TestCollector collector(limits, writer);
    ASSERT_TRUE(collector.ok());
    CommitGate gate(collector.writer());
    auto channel
        = grpc::CreateChannel("127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials());
    auto stub = svc::trace::v1::TraceService::NewStub(channel);
    PayloadFactory factory;
    const auto a = factory.traces(4), b = factory.traces(4), c = factory.traces(4);
    auto first = std::async(std::launch::async, [&] {
        grpc::ClientContext ctx;
        svc::trace::v1::ExportTraceServiceResponse r;
        return stub->Export(&ctx, a, &r).error_code();
    });
    gate.waitUntilHeld();
    auto second = std::async(std::launch::async, [&] {
        grpc::ClientContext ctx;
        svc::trace::v1::ExportTraceServiceResponse r;
        return stub->Export(&ctx, b, &r).error_code();
    });
    while (collector.writer().stats().queuedItems < 8)
        std::this_thread::yield();
    grpc::ClientContext ctx;
    svc::trace::v1::ExportTraceServiceResponse r;
    const grpc::Status s = stub->Export(&ctx, c, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    google::rpc::Status details;
    ASSERT_TRUE(details.ParseFromString(s.error_details()));
    ASSERT_EQ(details.details_size(), 1);
    google::rpc::RetryInfo retry;
    ASSERT_TRUE(details.details(0).UnpackTo(&retry));
    EXPECT_EQ(retry.retry_delay().seconds(), 2);
    const auto trailers = ctx.GetServerTrailingMetadata();
    auto it = trailers.find("google.rpc.retryinfo-bin");
    ASSERT_NE(it, trailers.end());
    google::rpc::RetryInfo raw;
    ASSERT_TRUE(raw.ParseFromString(std::string(it->second.data(), it->second.size())));
    EXPECT_EQ(raw.retry_delay().seconds(), 2);
    gate.release();
    EXPECT_EQ(first.get(), grpc::StatusCode::OK);
    EXPECT_EQ(second.get(), grpc::StatusCode::OK);
}

TEST(GrpcPorts, ASecondListenerOnTheSamePortFails)
{
    TestCollector first;
    ASSERT_TRUE(first.ok());
    QTemporaryDir dir;
    WriterOptions options;
    options.path = dir.path() + QStringLiteral("/t.db");
    TelemetryWriter writer(options);
    std::string error;
    ASSERT_TRUE(writer.start(&error));
    Collector second(writer, {});
    ReceiverOptions ports;
    ports.httpPort = 0;
    ports.grpcPort = first.grpcPort();
    EXPECT_FALSE(second.start(ports, &error)) << "SO_REUSEPORT must be off";
    EXPECT_NE(error.find("OTLP/gRPC"), std::string::npos) << error;
}

namespace {

grpc::Status rawCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method, const std::string& body)
{
    grpc::GenericStub stub(channel);
    grpc::Slice slice(body);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
        [&done](grpc::Status status) { done.set_value(std::move(status)); });
    return done.get_future().get();
}

} // namespace

TEST_F(GrpcIngest, GarbageIsInvalidArgumentAndUnknownMethodsAreUnimplemented)
{
    // The services read raw bytes (so the receive budget applies before
    // parsing): undecodable bytes are the client's fault, not INTERNAL.
    const grpc::Status garbage
        = rawCall(channel, "/opentelemetry.proto.collector.trace.v1.TraceService/Export", "\xff\xff\xff\xff");
    EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << garbage.error_message();
    const grpc::Status unknown = rawCall(channel, "/opentelemetry.proto.collector.trace.v1.TraceService/Query", "");
    EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNIMPLEMENTED) << unknown.error_message();
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 0);
    EXPECT_EQ(collector.collector().stats().receivingBytes.load(), 0);
}
