#include "commitgate.h"
#include "httptestclient.h"
#include "rawconnection.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <QCoreApplication>
#include <future>
#include <gtest/gtest.h>
#include <thread>

using namespace spanlight;
using namespace spanlight::test;

namespace {

const std::string kProto = "application/x-protobuf";

} // namespace

TEST(Limits, BodyOverTheLimitIs413BeforeReadingIt)
{
    IngestLimits limits;
    limits.maxBodyBytes = 64 << 10;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    HttpTestClient http("127.0.0.1", collector.httpPort());
    PayloadFactory factory;
    const HttpReply r = http.post("/v1/traces", factory.traces(2000).SerializeAsString(), kProto);
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(collector.collector().stats().rejectedFor(RejectReason::TooLarge), 1);
}

TEST(Limits, GzipBombIs413WhileInflating)
{
    IngestLimits limits;
    limits.maxBodyBytes = 1 << 20;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    HttpTestClient http("127.0.0.1", collector.httpPort());
    const std::string bomb = gzip(std::string(200u << 20, '\0')); // 200 MiB of zeros in ~200 KiB
    ASSERT_LT(bomb.size(), limits.maxBodyBytes);
    const HttpReply r = http.post("/v1/traces", bomb, kProto, { { "Content-Encoding", "gzip" } });
    EXPECT_EQ(r.status, 413);
    EXPECT_NE(r.body.find("exceeds the limit"), std::string::npos);
}

TEST(Limits, HugeHeadersAre431)
{
    IngestLimits limits;
    limits.maxHeaderBytes = 2048;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    HttpTestClient http("127.0.0.1", collector.httpPort());
    const HttpReply r = http.post("/v1/traces", "{}", "application/json", { { "X-Filler", std::string(4096, 'a') } });
    EXPECT_EQ(r.status, 431);
}

TEST(Limits, NestingDeeperThanTheLimitIs400)
{
    IngestLimits limits;
    limits.maxAnyValueDepth = 3;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    HttpTestClient http("127.0.0.1", collector.httpPort());
    const std::string deep
        = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",
        "spanId":"eee19b7ec3c1b174","attributes":[{"key":"d","value":{"arrayValue":{"values":[{"arrayValue":
        {"values":[{"arrayValue":{"values":[{"stringValue":"x"}]}}]}}]}}}]}]}]}]})";
    const HttpReply r = http.post("/v1/traces", deep, "application/json");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("nested deeper"), std::string::npos) << r.body;
}

TEST(Limits, SlowHeadersAreCutOffAndAWellBehavedClientIsServed)
{
    IngestLimits limits;
    limits.headerTimeoutMs = 300;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    RawConnection slow(collector.httpPort());
    slow.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\n"); // ...and never finishes the header
    PayloadFactory factory;
    HttpTestClient http("127.0.0.1", collector.httpPort());
    EXPECT_EQ(http.post("/v1/traces", factory.traces(4).SerializeAsString(), kProto).status, 200);
    EXPECT_EQ(slow.readUntilClosed(), "") << "closed without an answer by the header timeout";
    // Beast's timer closes the socket before our handler counts the timeout.
    while (collector.collector().stats().rejectedFor(RejectReason::Timeout) == 0)
        std::this_thread::yield();
    // The well-behaved client's idle keep-alive connection may time out too.
    EXPECT_GE(collector.collector().stats().rejectedFor(RejectReason::Timeout), 1);
}

TEST(Limits, HundredsOfStalledClientsAreClosedAndNeverStarveAnExporter)
{
    IngestLimits limits;
    limits.headerTimeoutMs = 500;
    limits.bodyTimeoutMs = 500;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    constexpr int kSlow = 200;
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < kSlow; ++i) {
        slow.push_back(std::make_unique<RawConnection>(collector.httpPort()));
        // Half stall inside the header, half inside a body they announced.
        slow.back()->send(i % 2 ? std::string("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-")
                                : std::string("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                              "application/json\r\nContent-Length: 1000\r\n\r\n{\"resource"));
    }
    PayloadFactory factory;
    HttpTestClient exporter("127.0.0.1", collector.httpPort());
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(exporter.post("/v1/traces", factory.traces(64).SerializeAsString(), kProto).status, 200)
            << "request " << i << " while " << kSlow << " connections stall";
    for (auto& connection : slow)
        EXPECT_EQ(connection->readUntilClosed(), "") << "closed by the timeout, without an answer";
    while (collector.collector().stats().rejectedFor(RejectReason::Timeout) < kSlow)
        std::this_thread::yield();
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 20 * 64);
}

TEST(Limits, ConnectionCapAnswers503)
{
    IngestLimits limits;
    limits.maxConnections = 2;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    HttpTestClient first("127.0.0.1", collector.httpPort()), second("127.0.0.1", collector.httpPort());
    ASSERT_EQ(first.get("/health").status, 200);
    ASSERT_EQ(second.get("/health").status, 200);
    RawConnection third(collector.httpPort());
    const std::string answer = third.readUntilClosed();
    EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
    EXPECT_EQ(collector.collector().stats().rejectedFor(RejectReason::TooManyConnections), 1);
}

TEST(Limits, FullQueueIs429WithRetryAfterAndIngestRecovers)
{
    IngestLimits limits;
    limits.retryAfterSeconds = 3;
    WriterOptions writer;
    writer.maxQueuedItems = 16; // a and b fit (a is being written), c does not
    TestCollector collector(limits, writer);
    ASSERT_TRUE(collector.ok());
    CommitGate gate(collector.writer());
    PayloadFactory factory;
    const uint16_t port = collector.httpPort();
    const std::string a = factory.traces(8).SerializeAsString(), b = factory.traces(8).SerializeAsString();
    auto first = std::async(
        std::launch::async, [&] { return HttpTestClient("127.0.0.1", port).post("/v1/traces", a, kProto); });
    gate.waitUntilHeld(); // batch a is inside the held transaction
    auto second = std::async(
        std::launch::async, [&] { return HttpTestClient("127.0.0.1", port).post("/v1/traces", b, kProto); });
    // Batch b is queued once the writer reports it; wait on that condition.
    while (collector.writer().stats().queuedItems < 16)
        std::this_thread::yield();
    HttpTestClient http("127.0.0.1", port);
    const std::string c = factory.traces(8).SerializeAsString();
    const HttpReply full = http.post("/v1/traces", c, kProto);
    EXPECT_EQ(full.status, 429);
    EXPECT_EQ(full.header("retry-after"), "3");
    gate.release();
    EXPECT_EQ(first.get().status, 200);
    EXPECT_EQ(second.get().status, 200);
    EXPECT_EQ(http.post("/v1/traces", c, kProto).status, 200) << "recovers once the queue drains";
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 24);
}

TEST(Limits, DecodeBudgetExhaustedIs429)
{
    IngestLimits limits;
    limits.maxDecodingBytes = 1000;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok());
    // Another request is decoding 900 bytes at this moment.
    collector.collector().stats().decodingBytes = 900;
    PayloadFactory factory;
    HttpTestClient http("127.0.0.1", collector.httpPort());
    const std::string body = factory.traces(10).SerializeAsString();
    ASSERT_GT(body.size(), 100u);
    const HttpReply r = http.post("/v1/traces", body, kProto);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "1");
    collector.collector().stats().decodingBytes = 0;
    EXPECT_EQ(http.post("/v1/traces", body, kProto).status, 200);
}
