#include "commitgate.h"
#include "google/rpc/status.pb.h"
#include "httptestclient.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <QCoreApplication>
#include <fstream>
#include <future>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>

using namespace spanlight;
using namespace spanlight::test;

namespace {

const std::string kProto = "application/x-protobuf";
const std::string kJson = "application/json";

std::string fixture(const std::string& name)
{
    std::ifstream in(std::string(SPANLIGHT_TEST_DATA) + "/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct HttpIngest : ::testing::Test
{
    void SetUp() override { ASSERT_TRUE(collector.ok()) << collector.error(); }
    HttpTestClient client() { return HttpTestClient("127.0.0.1", collector.httpPort()); }
    TestCollector collector;
    PayloadFactory factory;
};

} // namespace

TEST_F(HttpIngest, ProtobufExportIsStoredBeforeTheAnswer)
{
    auto http = client();
    const auto request = factory.traces(64);
    const HttpReply reply = http.post("/v1/traces", request.SerializeAsString(), kProto);
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
    EXPECT_EQ(reply.header("content-type"), kProto);
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
    EXPECT_TRUE(response.ParseFromString(reply.body));
    EXPECT_FALSE(response.has_partial_success());
    // The answer came after the commit: a second connection sees every span now.
    const auto expected = spanKeys(request);
    EXPECT_EQ(DbProbe(collector.dbPath()).spanKeys(), std::set<std::string>(expected.begin(), expected.end()));
}

TEST_F(HttpIngest, JsonSuccessBodyIsAnEmptyObject)
{
    auto http = client();
    const HttpReply reply = http.post("/v1/traces", "{\"resourceSpans\":[]}", "application/json; charset=utf-8");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "{}");
    EXPECT_EQ(reply.header("content-type"), kJson);
}

TEST_F(HttpIngest, GzipDeflateAndChunkedBodiesOnOneKeepAliveConnection)
{
    auto http = client();
    const auto a = factory.traces(10), b = factory.traces(10), c = factory.traces(10), d = factory.traces(10);
    HttpReply r = http.post("/v1/traces", gzip(a.SerializeAsString()), kProto, { { "Content-Encoding", "gzip" } });
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.keepAlive);
    r = http.post("/v1/traces", zlibCompress(b.SerializeAsString()), kProto, { { "Content-Encoding", "deflate" } });
    EXPECT_EQ(r.status, 200) << r.body;
    r = http.post("/v1/traces", c.SerializeAsString(), kProto, {}, /*chunked=*/true);
    EXPECT_EQ(r.status, 200) << r.body;
    r = http.post("/v1/traces", gzip(d.SerializeAsString()), kProto, { { "Content-Encoding", "gzip" } }, true);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 40);
    EXPECT_EQ(collector.collector().stats().openConnections.load(), 1) << "all four on the same connection";
}

TEST_F(HttpIngest, InvalidIdsAreCountedInPartialSuccess)
{
    auto http = client();
    const HttpReply reply = http.post("/v1/traces", fixture("traces_quirks.json"), kJson);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_NE(reply.body.find("\"rejectedSpans\":\"3\""), std::string::npos) << reply.body;
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 2);
}

TEST_F(HttpIngest, LogsAndMetricsOverHttp)
{
    auto http = client();
    EXPECT_EQ(http.post("/v1/logs", factory.logs(9).SerializeAsString(), kProto).status, 200);
    EXPECT_EQ(http.post("/v1/metrics", factory.metricsOfEveryType().SerializeAsString(), kProto).status, 200);
    EXPECT_EQ(http.post("/v1/logs", fixture("logs_basic.json"), kJson).status, 200);
    EXPECT_EQ(http.post("/v1/metrics", fixture("metrics_every_type.json"), kJson).status, 200);
    DbProbe db(collector.dbPath());
    EXPECT_EQ(db.count("logs"), 11);
    EXPECT_EQ(db.count("metric_points"), 10);
    EXPECT_EQ(db.text("SELECT lower(hex(trace_id)) FROM logs WHERE body_text = 'Example log record'"),
        "5b8efff798038103d269b633813fc60c");
}

TEST_F(HttpIngest, RetriedBatchIsStoredOnce)
{
    auto http = client();
    const std::string body = factory.traces(30).SerializeAsString();
    EXPECT_EQ(http.post("/v1/traces", body, kProto).status, 200);
    EXPECT_EQ(http.post("/v1/traces", body, kProto).status, 200) << "a retry is still a success for the exporter";
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 30);
    EXPECT_EQ(collector.writer().stats().duplicatesDropped, 30);
}

TEST_F(HttpIngest, EveryErrorPathHasItsStatusAndAStatusBody)
{
    auto http = client();
    HttpReply r = http.post("/", "{}", kJson);
    EXPECT_EQ(r.status, 404);
    google::rpc::Status status;
    r = http.post("/v1/traces", "not protobuf at all \xff\xff", kProto);
    EXPECT_EQ(r.status, 400);
    ASSERT_TRUE(status.ParseFromString(r.body)) << "error body in the request's encoding";
    EXPECT_EQ(status.code(), 3);
    r = http.post("/v1/traces", "{", kJson);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("\"code\":3"), std::string::npos) << r.body;
    r = http.post("/v1/traces", "{}", "text/plain");
    EXPECT_EQ(r.status, 415);
    r = http.post("/v1/traces", "junk", kProto, { { "Content-Encoding", "gzip" } });
    EXPECT_EQ(r.status, 400);
    r = http.post("/v1/traces", "{}", kJson, { { "Content-Encoding", "zstd" } });
    EXPECT_EQ(r.status, 415);
    r = http.get("/v1/traces");
    EXPECT_EQ(r.status, 405);
    r = http.raw("GARBAGE / HTTP/9\r\n\r\n");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 0);
}

TEST_F(HttpIngest, HealthAnswersGet)
{
    auto http = client();
    const HttpReply r = http.get("/health");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"status\":\"ok\""), std::string::npos) << r.body;
}

TEST_F(HttpIngest, ErrorsKnownFromTheHeaderKeepTheConnection)
{
    auto http = client();
    PayloadFactory more;
    EXPECT_EQ(http.post("/v1/trace", more.traces(50).SerializeAsString(), kProto).status, 404);
    EXPECT_EQ(http.post("/v1/traces", "{}", "text/plain").status, 415);
    const HttpReply ok = http.post("/v1/traces", more.traces(5).SerializeAsString(), kProto);
    EXPECT_EQ(ok.status, 200) << "the body of the refused requests was read, the connection stays usable";
    EXPECT_EQ(collector.collector().stats().openConnections.load(), 1);
}

TEST_F(HttpIngest, BadRequestsHarmNothingStored)
{
    auto http = client();
    ASSERT_EQ(http.post("/v1/traces", factory.traces(12).SerializeAsString(), kProto).status, 200);
    for (const std::string& bad : { std::string("\x0a\xff\xff\xff\x0f"), std::string(1000, '\xff') })
        EXPECT_EQ(http.post("/v1/traces", bad, kProto).status, 400);
    DbProbe db(collector.dbPath());
    EXPECT_EQ(db.count("spans"), 12);
    EXPECT_EQ(db.integrityCheck(), "ok");
}

TEST(HttpDrain, QueuedExportIsAnsweredThenTheListenerCloses)
{
    TestCollector collector;
    ASSERT_TRUE(collector.ok()) << collector.error();
    CommitGate gate(collector.writer());
    PayloadFactory factory;
    const std::string body = factory.traces(16).SerializeAsString();
    const uint16_t port = collector.httpPort();
    auto reply = std::async(std::launch::async, [&] {
        HttpTestClient http("127.0.0.1", port);
        return http.post("/v1/traces", body, kProto);
    });
    gate.waitUntilHeld();
    auto drained = std::async(std::launch::async, [&] { collector.collector().drain(); });
    // The drain has begun once a new request is refused (503, or no listener).
    while (HttpTestClient("127.0.0.1", port).get("/health").status == 200)
        std::this_thread::yield();
    EXPECT_EQ(reply.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
        << "the exporter is not answered before the commit";
    gate.release();
    const HttpReply r = reply.get();
    drained.get();
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.keepAlive) << "a draining server closes connections";
    EXPECT_EQ(HttpTestClient("127.0.0.1", port).get("/health").status, 0) << "no longer accepting";
    collector.stop();
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 16);
}
