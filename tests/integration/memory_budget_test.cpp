// The receive budget (limits/max_receiving_bytes): request bodies held at once
// are bounded, over-budget exports get 429 / UNAVAILABLE with a retry hint,
// a trickling upload holds only what it has sent, and the budget comes back.

#include "google/rpc/status.pb.h"
#include "httptestclient.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "rawconnection.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <thread>

using namespace spanlight;
using namespace spanlight::test;
namespace svc = opentelemetry::proto::collector;

namespace {

const std::string kProto = "application/x-protobuf";

std::string announcedUpload(size_t contentLength, const std::string& firstBytes)
{
    return "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: "
        + std::to_string(contentLength) + "\r\n\r\n" + firstBytes;
}

void waitForReceiving(Collector& collector, int64_t atLeast)
{
    while (collector.stats().receivingBytes.load() < atLeast)
        std::this_thread::yield();
}

void waitUntilBudgetIsFree(Collector& collector)
{
    while (collector.stats().receivingBytes.load() != 0)
        std::this_thread::yield();
}

/// A 64 KiB receive budget; stalled uploads stay for the whole test.
IngestLimits smallBudget(int retryAfterSeconds)
{
    IngestLimits limits;
    limits.maxReceivingBytes = 64 << 10;
    limits.retryAfterSeconds = retryAfterSeconds;
    limits.bodyTimeoutMs = 60000;
    return limits;
}

/// One upload alone may pass the budget (so a body up to the size limit always
/// gets through): this one has sent 80 KiB of its 1 MiB and holds them.
std::unique_ptr<RawConnection> uploadHoldingTheBudget(TestCollector& collector)
{
    auto hog = std::make_unique<RawConnection>(collector.httpPort());
    hog->send(announcedUpload(1 << 20, std::string(80 << 10, '\x0a')));
    waitForReceiving(collector.collector(), 80 << 10);
    return hog;
}

} // namespace

TEST(ReceiveBudget, ATricklingUploadHoldsOnlyWhatItSent)
{
    IngestLimits limits;
    limits.maxReceivingBytes = 256 << 10;
    limits.bodyTimeoutMs = 60000; // the stalled uploads stay for the whole test
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    // Forty clients announce 4 MiB bodies (640 MiB together, far over the
    // budget) and send 2 KiB each: they hold 80 KiB, not the budget.
    constexpr int kSlow = 40;
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < kSlow; ++i) {
        slow.push_back(std::make_unique<RawConnection>(collector.httpPort()));
        slow.back()->send(announcedUpload(4 << 20, std::string(2048, '\x0a')));
    }
    waitForReceiving(collector.collector(), kSlow * 2048);
    EXPECT_EQ(collector.collector().stats().receivingBytes.load(), kSlow * 2048);

    PayloadFactory factory;
    HttpTestClient exporter("127.0.0.1", collector.httpPort());
    size_t largest = 0;
    for (int i = 0; i < 5; ++i) {
        const std::string body = factory.traces(400).SerializeAsString();
        ASSERT_GT(body.size(), 32u << 10);
        largest = std::max(largest, body.size());
        ASSERT_EQ(exporter.post("/v1/traces", body, kProto).status, 200) << "export " << i;
    }
    EXPECT_EQ(collector.collector().stats().rejectedFor(RejectReason::QueueFull), 0);
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 5 * 400);
    // A decoded export gives its bytes back at once; the stalled ones still hold theirs.
    EXPECT_EQ(collector.collector().stats().receivingBytes.load(), kSlow * 2048);
    EXPECT_GE(collector.collector().stats().receivingBytesPeak.load(), kSlow * 2048 + static_cast<int64_t>(largest));
    slow.clear(); // the clients go away: their bytes come back
    waitUntilBudgetIsFree(collector.collector());
}

TEST(ReceiveBudget, OverTheBudgetIs429WithRetryAfterAndTheBudgetComesBack)
{
    TestCollector collector(smallBudget(4));
    ASSERT_TRUE(collector.ok());
    auto hog = uploadHoldingTheBudget(collector);

    PayloadFactory factory;
    const std::string body = factory.traces(20).SerializeAsString();
    HttpTestClient exporter("127.0.0.1", collector.httpPort());
    const HttpReply refused = exporter.post("/v1/traces", body, kProto);
    EXPECT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(refused.header("retry-after"), "4");
    EXPECT_GE(collector.collector().stats().rejectedFor(RejectReason::QueueFull), 1);
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 0) << "nothing of a refused export is stored";

    hog.reset();
    waitUntilBudgetIsFree(collector.collector());
    HttpTestClient again("127.0.0.1", collector.httpPort()); // the refusal closed the first connection
    EXPECT_EQ(again.post("/v1/traces", body, kProto).status, 200);
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 20);
}

TEST(ReceiveBudget, OneBudgetForBothReceiversAndGrpcOverflowIsUnavailableWithRetryInfo)
{
    TestCollector collector(smallBudget(2));
    ASSERT_TRUE(collector.ok());
    // An HTTP upload holds more than the budget (it came first, alone)...
    auto hog = uploadHoldingTheBudget(collector);

    // ...so a gRPC export is refused before grpc's bytes are parsed.
    auto stub = svc::trace::v1::TraceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials()));
    PayloadFactory factory;
    const auto request = factory.traces(50);
    grpc::ClientContext ctx;
    svc::trace::v1::ExportTraceServiceResponse response;
    const grpc::Status refused = stub->Export(&ctx, request, &response);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
    google::rpc::Status details;
    ASSERT_TRUE(details.ParseFromString(refused.error_details()));
    ASSERT_EQ(details.details_size(), 1);
    google::rpc::RetryInfo retry;
    ASSERT_TRUE(details.details(0).UnpackTo(&retry));
    EXPECT_EQ(retry.retry_delay().seconds(), 2);
    EXPECT_EQ(collector.collector().stats().decodingBytes.load(), 0) << "never decoded";

    hog.reset();
    waitUntilBudgetIsFree(collector.collector());
    grpc::ClientContext retryCtx;
    const grpc::Status accepted = stub->Export(&retryCtx, request, &response);
    EXPECT_TRUE(accepted.ok()) << accepted.error_message();
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 50);
    EXPECT_EQ(collector.collector().stats().receivingBytes.load(), 0) << "decoded: the bytes are given back";
}

TEST(ReceiveBudget, AStalledGrpcCallNeverStarvesAnExporter)
{
    IngestLimits limits;
    limits.maxBodyBytes = 1 << 20;
    limits.maxReceivingBytes = 1 << 20; // one gRPC message read at a time
    limits.bodyTimeoutMs = 300;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    auto channel
        = grpc::CreateChannel("127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials());

    // A client opens an Export call and never sends its message: it holds the only reading slot.
    grpc::CompletionQueue queue;
    grpc::GenericStub generic(channel);
    grpc::ClientContext stalledContext;
    auto stalled
        = generic.PrepareCall(&stalledContext, "/opentelemetry.proto.collector.trace.v1.TraceService/Export", &queue);
    stalled->StartCall(reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    ASSERT_TRUE(queue.Next(&tag, &ok));
    ASSERT_TRUE(ok);
    while (collector.collector().stats().grpcReading.load() == 0)
        std::this_thread::yield();

    // A well-behaved exporter retrying on UNAVAILABLE gets through once the
    // stalled call is past the body timeout and gives up its slot.
    auto stub = svc::trace::v1::TraceService::NewStub(channel);
    PayloadFactory factory;
    const auto request = factory.traces(10);
    grpc::Status status;
    int attempts = 0;
    do {
        grpc::ClientContext ctx;
        svc::trace::v1::ExportTraceServiceResponse response;
        status = stub->Export(&ctx, request, &response);
        ++attempts;
    } while (status.error_code() == grpc::StatusCode::UNAVAILABLE && attempts < 100000);
    EXPECT_TRUE(status.ok()) << status.error_message() << " after " << attempts << " attempts";
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 10);
    EXPECT_GE(collector.collector().stats().rejectedFor(RejectReason::Timeout), 1);

    grpc::Status stalledStatus;
    stalled->Finish(&stalledStatus, reinterpret_cast<void*>(2));
    ASSERT_TRUE(queue.Next(&tag, &ok));
    EXPECT_EQ(stalledStatus.error_code(), grpc::StatusCode::CANCELLED) << stalledStatus.error_message();
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) { }
}
