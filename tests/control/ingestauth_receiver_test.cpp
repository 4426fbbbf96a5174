// Ingest auth through the real receivers (HTTP and gRPC on 127.0.0.1, port 0)
// with a small authenticator written here, so the collector's part is tested
// without control.db: where keys are read from, what a refusal looks like,
// and that the key's tenant replaces what the attributes claim.
#include "google/rpc/status.pb.h"
#include "httptestclient.h"
#include "ingestauth.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <atomic>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <map>

using namespace spanlight;
using namespace spanlight::test;
namespace svc = opentelemetry::proto::collector;

namespace {

const std::string kProto = "application/x-protobuf";
const std::string kJson = "application/json";
const std::string kGlobexKey = "key-of-globex";

/// Knows one key; counts how often it was asked, so tests see whether a
/// request reached it at all.
class FixedKeys final : public IngestAuthenticator
{
public:
    IngestAuthDecision check(std::string_view presentedKey) const override
    {
        ++calls;
        if (presentedKey == kGlobexKey)
            return { true, "globex", {} };
        return { false, {}, "unknown ingest key (test authenticator)" };
    }
    mutable std::atomic<int> calls { 0 };
};

ReceiverOptions withAuth(std::shared_ptr<const IngestAuthenticator> auth)
{
    ReceiverOptions options;
    options.ingestAuth = std::move(auth);
    return options;
}

/// How many rows of \a table are stored under \a tenant.
int64_t rowsOfTenant(DbProbe& db, const std::string& table, const std::string& tenant)
{
    return db.scalar(
        "SELECT COUNT(*) FROM " + table + " t JOIN dict d ON d.id = t.tenant_id WHERE d.value = '" + tenant + "'");
}

struct HttpAuth : ::testing::Test
{
    void SetUp() override { ASSERT_TRUE(collector.ok()) << collector.error(); }
    HttpTestClient client() { return HttpTestClient("127.0.0.1", collector.httpPort()); }
    int64_t unauthenticated() { return collector.collector().stats().rejectedFor(RejectReason::Unauthenticated); }
    std::shared_ptr<FixedKeys> keys = std::make_shared<FixedKeys>();
    TestCollector collector { {}, {}, withAuth(keys) };
    PayloadFactory factory;
};

} // namespace

TEST(PresentedIngestKey, BearerFirstThenTheSpanlightHeader)
{
    EXPECT_EQ(presentedIngestKey("Bearer spl_abc", ""), "spl_abc");
    EXPECT_EQ(presentedIngestKey("  bearer   spl_abc  ", ""), "spl_abc") << "scheme is case-insensitive";
    EXPECT_EQ(presentedIngestKey("BEARER\tspl_abc", "spl_other"), "spl_abc");
    EXPECT_EQ(presentedIngestKey("", " spl_abc "), "spl_abc");
    EXPECT_EQ(presentedIngestKey("Basic dXNlcjpwYXNz", "spl_abc"), "spl_abc") << "another scheme is not a key";
    EXPECT_EQ(presentedIngestKey("Bearer ", "spl_abc"), "spl_abc");
    EXPECT_EQ(presentedIngestKey("Bearerspl_abc", ""), "");
    EXPECT_EQ(presentedIngestKey("", ""), "");
}

TEST(PresentedIngestKey, TheMissingKeyReasonExplainsWithoutEchoingCredentials)
{
    EXPECT_NE(missingIngestKeyReason("").find("Authorization: Bearer"), std::string::npos);
    const std::string basic = missingIngestKeyReason("Basic dXNlcjpwYXNz");
    EXPECT_NE(basic.find("'Basic'"), std::string::npos) << basic;
    EXPECT_EQ(basic.find("dXNlcjpwYXNz"), std::string::npos) << basic;
    const std::string bare = missingIngestKeyReason("spl_secretsecretsecret");
    EXPECT_NE(bare.find("without the 'Bearer ' scheme"), std::string::npos) << bare;
    EXPECT_EQ(bare.find("secretsecret"), std::string::npos) << bare;
    EXPECT_NE(missingIngestKeyReason("Bearer").find("carries no key"), std::string::npos);
}

TEST_F(HttpAuth, NoKeyIs401WithReasonAndBearerChallengeInTheRequestsEncoding)
{
    auto http = client();
    HttpReply r = http.post("/v1/traces", factory.traces(4).SerializeAsString(), kProto);
    ASSERT_EQ(r.status, 401) << r.error << r.body;
    EXPECT_EQ(r.header("www-authenticate").rfind("Bearer", 0), 0u) << r.header("www-authenticate");
    google::rpc::Status status;
    ASSERT_TRUE(status.ParseFromString(r.body));
    EXPECT_EQ(status.code(), 16); // UNAUTHENTICATED
    EXPECT_NE(status.message().find("an ingest key is required"), std::string::npos) << status.message();

    r = http.post("/v1/logs", "{\"resourceLogs\":[]}", kJson);
    ASSERT_EQ(r.status, 401);
    EXPECT_EQ(r.header("content-type"), kJson);
    EXPECT_NE(r.body.find("\"code\":16"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("an ingest key is required"), std::string::npos) << r.body;

    EXPECT_EQ(unauthenticated(), 2);
    EXPECT_EQ(keys->calls.load(), 0) << "a request without a key never reaches the authenticator";
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 0);
    EXPECT_EQ(http.get("/health").status, 200) << "health needs no key";
}

TEST_F(HttpAuth, RefusedKeyGetsTheAuthenticatorsReasonAndTheConnectionStaysUsable)
{
    auto http = client();
    HttpReply r = http.post(
        "/v1/traces", factory.traces(4).SerializeAsString(), kProto, { { "Authorization", "Bearer not-a-key" } });
    ASSERT_EQ(r.status, 401);
    google::rpc::Status status;
    ASSERT_TRUE(status.ParseFromString(r.body));
    EXPECT_EQ(status.message(), "unknown ingest key (test authenticator)");
    EXPECT_TRUE(r.keepAlive);
    r = http.post(
        "/v1/traces", factory.traces(4).SerializeAsString(), kProto, { { "Authorization", "Bearer " + kGlobexKey } });
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 4);
    EXPECT_EQ(unauthenticated(), 1);
}

TEST_F(HttpAuth, ARefusedBodyIsNeverDecoded)
{
    auto http = client();
    const HttpReply r = http.post("/v1/traces", "\xff\xff\xff not protobuf", kProto);
    EXPECT_EQ(r.status, 401) << "not 400: the body of an unauthenticated request is not looked at";
    EXPECT_EQ(collector.collector().stats().rejectedFor(RejectReason::BadRequest), 0);
    EXPECT_EQ(collector.collector().stats().httpRequests.load(), 0);
}

TEST_F(HttpAuth, TheKeyDecidesTheTenantOfSpansLogsAndPoints)
{
    auto http = client();
    const auto traces = factory.traces(8); // its resource says tenant.id = acme
    ASSERT_EQ(traces.resource_spans(0).resource().attributes(1).value().string_value(), "acme");
    EXPECT_EQ(
        http.post("/v1/traces", traces.SerializeAsString(), kProto, { { "Authorization", "Bearer " + kGlobexKey } })
            .status,
        200);
    EXPECT_EQ(http.post("/v1/logs", factory.logs(3).SerializeAsString(), kProto, { { "x-spanlight-key", kGlobexKey } })
                  .status,
        200);
    EXPECT_EQ(http.post("/v1/metrics", factory.metricsOfEveryType().SerializeAsString(), kProto,
                      { { "authorization", "bearer " + kGlobexKey } })
                  .status,
        200);
    DbProbe db(collector.dbPath());
    EXPECT_EQ(db.count("spans"), 8);
    EXPECT_EQ(rowsOfTenant(db, "spans", "globex"), 8);
    EXPECT_EQ(rowsOfTenant(db, "spans", "acme"), 0);
    EXPECT_EQ(rowsOfTenant(db, "logs", "globex"), 3);
    EXPECT_EQ(rowsOfTenant(db, "metric_points", "globex"), 5);
    EXPECT_EQ(unauthenticated(), 0);
}

TEST(HttpAuthOff, WithoutAnAuthenticatorEveryRequestIsStoredUnderItsAttributeTenant)
{
    TestCollector collector;
    ASSERT_TRUE(collector.ok()) << collector.error();
    PayloadFactory factory;
    HttpTestClient http("127.0.0.1", collector.httpPort());
    EXPECT_EQ(http.post("/v1/traces", factory.traces(4).SerializeAsString(), kProto).status, 200);
    EXPECT_EQ(http.post("/v1/traces", factory.traces(4).SerializeAsString(), kProto,
                      { { "Authorization", "Bearer whatever" } })
                  .status,
        200);
    DbProbe db(collector.dbPath());
    EXPECT_EQ(rowsOfTenant(db, "spans", "acme"), 8);
    EXPECT_EQ(collector.collector().stats().rejectedFor(RejectReason::Unauthenticated), 0);
}

namespace {

struct GrpcAuth : HttpAuth
{
    std::shared_ptr<grpc::Channel> channel()
    {
        return grpc::CreateChannel(
            "127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials());
    }
    static std::unique_ptr<grpc::ClientContext> context(const std::string& header = {}, const std::string& value = {})
    {
        auto c = std::make_unique<grpc::ClientContext>();
        c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        if (!header.empty())
            c->AddMetadata(header, value);
        return c;
    }
};

} // namespace

TEST_F(GrpcAuth, NoKeyOrABadKeyIsUnauthenticatedWithTheReason)
{
    auto stub = svc::trace::v1::TraceService::NewStub(channel());
    svc::trace::v1::ExportTraceServiceResponse response;
    grpc::Status s = stub->Export(context().get(), factory.traces(4), &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(s.error_message().find("an ingest key is required"), std::string::npos) << s.error_message();
    s = stub->Export(context("authorization", "Bearer nope").get(), factory.traces(4), &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(s.error_message(), "unknown ingest key (test authenticator)");
    EXPECT_EQ(unauthenticated(), 2);
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 0);
}

TEST_F(GrpcAuth, TheKeyFromEitherMetadataDecidesTheTenant)
{
    auto traces = svc::trace::v1::TraceService::NewStub(channel());
    auto logs = svc::logs::v1::LogsService::NewStub(channel());
    svc::trace::v1::ExportTraceServiceResponse tr;
    svc::logs::v1::ExportLogsServiceResponse lr;
    grpc::Status s = traces->Export(context("authorization", "Bearer " + kGlobexKey).get(), factory.traces(6), &tr);
    ASSERT_TRUE(s.ok()) << s.error_message();
    s = logs->Export(context("x-spanlight-key", kGlobexKey).get(), factory.logs(2), &lr);
    ASSERT_TRUE(s.ok()) << s.error_message();
    DbProbe db(collector.dbPath());
    EXPECT_EQ(rowsOfTenant(db, "spans", "globex"), 6);
    EXPECT_EQ(rowsOfTenant(db, "spans", "acme"), 0);
    EXPECT_EQ(rowsOfTenant(db, "logs", "globex"), 2);
}
