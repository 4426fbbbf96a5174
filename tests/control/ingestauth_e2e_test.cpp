// Ingest auth end to end: a real control.db, the KeyDirectory over it, and
// the real collector's HTTP and gRPC receivers on 127.0.0.1 (port 0) writing
// a real telemetry.db. Time moves through an injected clock, never by sleeping.
#include "controlstore.h"
#include "google/rpc/status.pb.h"
#include "httptestclient.h"
#include "ingestkey.h"
#include "ingestkeyops.h"
#include "keydirectory.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <atomic>
#include <cstdio>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <mutex>
#include <unistd.h>

using namespace spanlight;
using namespace spanlight::test;
namespace svc = opentelemetry::proto::collector;

namespace {

constexpr int64_t kHour = 3600 * 1000;
const std::string kProto = "application/x-protobuf";

/// Everything Qt logs while it lives, for the "no secret in the logs" check.
class QtLogCapture
{
public:
    QtLogCapture()
    {
        s_instance = this;
        m_previous = qInstallMessageHandler([](QtMsgType type, const QMessageLogContext& context, const QString& text) {
            {
                std::lock_guard lock(s_instance->m_mutex);
                s_instance->m_text += text.toStdString() + "\n";
            }
            if (s_instance->m_previous)
                s_instance->m_previous(type, context, text);
        });
    }
    ~QtLogCapture()
    {
        qInstallMessageHandler(m_previous);
        s_instance = nullptr;
    }
    std::string text()
    {
        std::lock_guard lock(m_mutex);
        return m_text;
    }

private:
    static inline QtLogCapture* s_instance = nullptr;
    QtMessageHandler m_previous = nullptr;
    std::mutex m_mutex;
    std::string m_text;
};

/// Redirects the process's stderr into a file while it lives (what a
/// headless collector's journal would hold).
class StderrCapture
{
public:
    explicit StderrCapture(const QString& path)
        : m_path(path)
    {
        std::fflush(stderr);
        m_saved = dup(STDERR_FILENO);
        std::FILE* file = std::fopen(path.toLocal8Bit().constData(), "w");
        dup2(fileno(file), STDERR_FILENO);
        std::fclose(file);
    }
    ~StderrCapture() { restore(); }
    std::string restore()
    {
        if (m_saved >= 0) {
            std::fflush(stderr);
            dup2(m_saved, STDERR_FILENO);
            close(m_saved);
            m_saved = -1;
        }
        QFile f(m_path);
        f.open(QIODevice::ReadOnly);
        return f.readAll().toStdString();
    }

private:
    QString m_path;
    int m_saved = -1;
};

/// The bytes of a database and its WAL, whichever exist.
QByteArray databaseBytes(const QString& path)
{
    QByteArray bytes;
    for (const QString& file : QStringList { path, path + QStringLiteral("-wal"), path + QStringLiteral("-journal") }) {
        QFile f(file);
        if (f.open(QIODevice::ReadOnly))
            bytes += f.readAll();
    }
    return bytes;
}

ReceiverOptions withDirectory(std::shared_ptr<const IngestAuthenticator> directory)
{
    ReceiverOptions options;
    options.ingestAuth = std::move(directory);
    return options;
}

int64_t spansOfTenant(const TestCollector& collector, const std::string& tenant)
{
    return DbProbe(collector.dbPath())
        .scalar("SELECT COUNT(*) FROM spans s JOIN dict d ON d.id = s.tenant_id WHERE d.value = '" + tenant + "'");
}

struct IngestAuthEndToEnd : ::testing::Test
{
    IngestAuthEndToEnd()
    {
        std::string error;
        opened = store.open({ controlPath(), QByteArray(32, 'k') }, &error);
        openError = error;
    }
    void SetUp() override
    {
        ASSERT_TRUE(opened) << openError;
        ASSERT_TRUE(collector.ok()) << collector.error();
    }
    QString controlPath() const { return dir.path() + QStringLiteral("/control.db"); }
    std::string newKey(const QString& tenant)
    {
        QString error;
        auto issued = createIngestKey(store, tenant, QStringLiteral("alice"), now.load(), &error);
        EXPECT_TRUE(issued) << error.toStdString();
        reload();
        return issued ? issued->key.toStdString() : std::string();
    }
    std::string rotatedKey(const QString& tenant, int64_t graceMs)
    {
        QString error;
        auto issued = rotateIngestKey(store, tenant, QStringLiteral("alice"), graceMs, now.load(), &error);
        EXPECT_TRUE(issued) << error.toStdString();
        reload();
        return issued ? issued->key.toStdString() : std::string();
    }
    void reload()
    {
        std::string error;
        EXPECT_TRUE(directory->reload(&error)) << error;
    }
    HttpReply postTraces(const std::string& key, int spans = 4)
    {
        HttpTestClient http("127.0.0.1", collector.httpPort());
        std::map<std::string, std::string> headers;
        if (!key.empty())
            headers["Authorization"] = "Bearer " + key;
        return http.post("/v1/traces", factory.traces(spans).SerializeAsString(), kProto, headers);
    }
    grpc::Status exportTraces(const std::string& key, int spans = 4)
    {
        auto stub = svc::trace::v1::TraceService::NewStub(grpc::CreateChannel(
            "127.0.0.1:" + std::to_string(collector.grpcPort()), grpc::InsecureChannelCredentials()));
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        if (!key.empty())
            context.AddMetadata("authorization", "Bearer " + key);
        svc::trace::v1::ExportTraceServiceResponse response;
        return stub->Export(&context, factory.traces(spans), &response);
    }
    static std::string messageOf(const HttpReply& reply)
    {
        google::rpc::Status status;
        return status.ParseFromString(reply.body) ? status.message() : "(not a google.rpc.Status: " + reply.body + ")";
    }
    int64_t unauthenticated() { return collector.collector().stats().rejectedFor(RejectReason::Unauthenticated); }

    QTemporaryDir dir;
    ControlStore store;
    bool opened = false;
    std::string openError;
    std::atomic<int64_t> now { 1'800'000'000'000 };
    std::shared_ptr<KeyDirectory> directory = std::make_shared<KeyDirectory>(store, [this] { return now.load(); });
    TestCollector collector { {}, {}, withDirectory(directory) };
    PayloadFactory factory;
};

} // namespace

TEST_F(IngestAuthEndToEnd, NoKeyUnknownKeyAndBadChecksumAre401WithTheirReasons)
{
    const std::string key = newKey(QStringLiteral("globex"));
    HttpReply r = postTraces({});
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(messageOf(r).find("an ingest key is required"), std::string::npos) << messageOf(r);

    r = postTraces(generateIngestKey());
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(messageOf(r).find("unknown ingest key"), std::string::npos) << messageOf(r);

    std::string typo = key;
    typo[10] = typo[10] == 'Q' ? 'R' : 'Q';
    const int64_t lookups = directory->counters().lookups;
    r = postTraces(typo);
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(messageOf(r).find("checksum does not match"), std::string::npos) << messageOf(r);
    EXPECT_EQ(directory->counters().lookups, lookups) << "a mistyped key is refused without a lookup";

    const grpc::Status s = exportTraces(typo);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(s.error_message().find("checksum does not match"), std::string::npos) << s.error_message();
    EXPECT_EQ(unauthenticated(), 4);
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 0);
}

TEST_F(IngestAuthEndToEnd, AValidKeyStoresUnderItsTenantWhateverTheAttributesSay)
{
    const std::string key = newKey(QStringLiteral("globex"));
    const HttpReply r = postTraces(key, 6); // the payload's resource claims tenant.id = acme
    ASSERT_EQ(r.status, 200) << r.body;
    const grpc::Status s = exportTraces(key, 5);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(spansOfTenant(collector, "globex"), 11);
    EXPECT_EQ(spansOfTenant(collector, "acme"), 0);
}

TEST_F(IngestAuthEndToEnd, ARevokedKeyIsRefusedOverHttpAndGrpc)
{
    const std::string key = newKey(QStringLiteral("globex"));
    ASSERT_EQ(postTraces(key).status, 200);
    QString error;
    ASSERT_TRUE(revokeIngestKey(store, store.keys(QStringLiteral("globex")).at(0).id, now, &error))
        << error.toStdString();
    reload();
    const HttpReply r = postTraces(key);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.header("www-authenticate").rfind("Bearer", 0), 0u);
    EXPECT_NE(messageOf(r).find("was revoked"), std::string::npos) << messageOf(r);
    const grpc::Status s = exportTraces(key);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(s.error_message().find("was revoked"), std::string::npos) << s.error_message();
    EXPECT_EQ(DbProbe(collector.dbPath()).count("spans"), 4);
}

TEST_F(IngestAuthEndToEnd, RotationBothKeysWorkDuringGraceThenTheOldOneIs401)
{
    const std::string old = newKey(QStringLiteral("globex"));
    ASSERT_EQ(postTraces(old).status, 200);
    now += kHour;
    const std::string fresh = rotatedKey(QStringLiteral("globex"), 24 * kHour);

    // During the grace period both keys ingest, over both protocols.
    EXPECT_EQ(postTraces(old).status, 200);
    EXPECT_EQ(postTraces(fresh).status, 200);
    EXPECT_TRUE(exportTraces(old).ok());
    EXPECT_TRUE(exportTraces(fresh).ok());
    // Two keys are active: a third is refused.
    QString error;
    EXPECT_FALSE(createIngestKey(store, QStringLiteral("globex"), QStringLiteral("alice"), now, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("already has 2 active"))) << error.toStdString();

    now += 24 * kHour - 1;
    EXPECT_EQ(postTraces(old).status, 200) << "the last millisecond of the grace period";
    now += 1;
    const HttpReply r = postTraces(old);
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(messageOf(r).find("expired at"), std::string::npos) << messageOf(r);
    EXPECT_EQ(exportTraces(old).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(postTraces(fresh).status, 200);
    EXPECT_TRUE(exportTraces(fresh).ok());

    // The old key no longer counts: a second key may be made again.
    EXPECT_TRUE(createIngestKey(store, QStringLiteral("globex"), QStringLiteral("alice"), now, &error))
        << error.toStdString();
    EXPECT_EQ(spansOfTenant(collector, "globex"), 4 * 8);
    EXPECT_EQ(unauthenticated(), 2);
}

TEST_F(IngestAuthEndToEnd, ACanaryKeyNeverAppearsInEitherDatabaseOrTheLogs)
{
    QtLogCapture qtLog;
    StderrCapture stderrLog(dir.path() + QStringLiteral("/stderr.txt"));
    const std::string canary = newKey(QStringLiteral("globex"));
    ASSERT_EQ(postTraces(canary).status, 200);
    ASSERT_TRUE(exportTraces(canary).ok());
    std::string typo = canary;
    typo[30] = typo[30] == 'Z' ? 'Y' : 'Z';
    EXPECT_EQ(postTraces(typo).status, 401);
    const std::string rotated = rotatedKey(QStringLiteral("globex"), 0);
    EXPECT_EQ(postTraces(canary).status, 401);
    EXPECT_EQ(exportTraces(canary).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    collector.stop();
    store.close();
    const std::string logged = stderrLog.restore() + qtLog.text();

    const QByteArray telemetry = databaseBytes(collector.dbPath());
    const QByteArray control = databaseBytes(controlPath());
    // The searches can find things: what must be there is there.
    ASSERT_TRUE(telemetry.contains("globex"));
    ASSERT_TRUE(control.contains("globex"));
    ASSERT_TRUE(control.contains(ingestKeyHash(canary))) << "the key's SHA-256 is what control.db holds";
    for (const std::string& secret : { canary, typo, rotated }) {
        const QByteArray body = QByteArray::fromStdString(secret.substr(4, 43)); // the random part
        EXPECT_FALSE(telemetry.contains(body));
        EXPECT_FALSE(control.contains(body));
        EXPECT_EQ(logged.find(body.toStdString()), std::string::npos);
    }
}
