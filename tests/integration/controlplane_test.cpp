// The control-plane contract (docs/control-plane.md): the real ControlPlaneClient
// against a receiver written from the document with libsodium, on 127.0.0.1.
#include "controlplaneclient.h"
#include "controlplanereceiver.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QMutex>
#include <QTcpServer>
#include <QUuid>
#include <gtest/gtest.h>
#include <sodium.h>
#include <thread>

using namespace spanlight;
using spanlight::test::ContractReceiver;

namespace {

const std::string kSecret = "contract-test-secret-5f0e2a91c4d7";

/// Retries wait through this instead of sleeping: the waits are recorded and checked.
struct RecordedWaits
{
    std::vector<int> waits;
    ControlPlaneClient::Sleeper sleeper()
    {
        return [this](int ms) { waits.push_back(ms); };
    }
};

ControlPlaneRequest pauseRequest(const QString& tenant = QStringLiteral("acme"))
{
    ControlPlaneRequest request;
    request.action = QStringLiteral("tenant.pause");
    request.tenant = tenant;
    request.reason = QStringLiteral("runaway spend");
    request.actor = QStringLiteral("alice");
    request.requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return request;
}

class ControlPlaneContract : public ::testing::Test
{
protected:
    ControlPlaneOptions options(const std::string& secret = kSecret) const
    {
        ControlPlaneOptions o;
        o.baseUrl = QString::fromStdString(receiver.baseUrl());
        o.secret = QByteArray::fromStdString(secret);
        o.timeoutMs = 2000;
        return o;
    }
    ControlPlaneClient client(ControlPlaneOptions o, ControlPlaneClient::Clock clock = {})
    {
        return ControlPlaneClient(std::move(o), std::move(clock), waits.sleeper());
    }

    ContractReceiver receiver { kSecret };
    RecordedWaits waits;
};

} // namespace

TEST_F(ControlPlaneContract, ASignedActionIsVerifiedAndAppliedOnce)
{
    const ControlPlaneRequest request = pauseRequest();
    const ControlPlaneOutcome outcome = client(options()).deliver(request);
    EXPECT_TRUE(outcome.delivered) << outcome.error.toStdString();
    EXPECT_EQ(outcome.httpStatus, 200);
    EXPECT_EQ(outcome.attempts, 1);
    EXPECT_TRUE(outcome.error.isEmpty());
    EXPECT_EQ(outcome.responseBody, QByteArrayLiteral(R"({"status":"applied"})"));

    const auto seen = receiver.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].path, "/v1/actions");
    EXPECT_EQ(seen[0].contentType, "application/json");
    EXPECT_EQ(seen[0].idempotencyKey, request.requestId.toStdString());
    EXPECT_EQ(seen[0].verdict, "applied");
    const QJsonObject body = QJsonDocument::fromJson(QByteArray::fromStdString(seen[0].body)).object();
    EXPECT_EQ(body.size(), 6);
    EXPECT_EQ(body.value(QStringLiteral("action")).toString(), request.action);
    EXPECT_EQ(body.value(QStringLiteral("tenant")).toString(), request.tenant);
    EXPECT_EQ(body.value(QStringLiteral("params")).toObject(), QJsonObject());
    EXPECT_EQ(body.value(QStringLiteral("reason")).toString(), request.reason);
    EXPECT_EQ(body.value(QStringLiteral("actor")).toString(), request.actor);
    EXPECT_EQ(body.value(QStringLiteral("request_id")).toString(), request.requestId);

    const auto applied = receiver.applied();
    ASSERT_EQ(applied.size(), 1u);
    EXPECT_EQ(applied[0].action, "tenant.pause");
    EXPECT_EQ(applied[0].tenant, "acme");
}

TEST_F(ControlPlaneContract, ParamsReachTheReceiver)
{
    ControlPlaneRequest request = pauseRequest();
    request.action = QStringLiteral("tenant.purge_caches");
    request.params.insert(QStringLiteral("scope"), QStringLiteral("embeddings"));
    EXPECT_TRUE(client(options()).deliver(request).delivered);
    ASSERT_EQ(receiver.applied().size(), 1u);
    EXPECT_EQ(receiver.applied()[0].scope, "embeddings");
}

TEST_F(ControlPlaneContract, AWrongSecretIsRejectedAndNotRetried)
{
    // Capture every Qt message during the delivery: the secret must appear in none.
    static QMutex mutex;
    static QStringList messages;
    const QtMessageHandler previous
        = qInstallMessageHandler([](QtMsgType, const QMessageLogContext&, const QString& m) {
              QMutexLocker lock(&mutex);
              messages << m;
          });
    const std::string wrongSecret = "tampered-secret-canary-7a1c93e0";
    const ControlPlaneOutcome outcome = client(options(wrongSecret)).deliver(pauseRequest());
    qInstallMessageHandler(previous);

    EXPECT_FALSE(outcome.delivered);
    EXPECT_EQ(outcome.httpStatus, 401);
    EXPECT_EQ(outcome.attempts, 1) << "a refused signature does not get better by retrying";
    EXPECT_TRUE(outcome.error.contains(QStringLiteral("HTTP 401"))) << outcome.error.toStdString();
    EXPECT_TRUE(outcome.error.contains(QStringLiteral("bad signature"))) << "the receiver's reason is quoted";
    EXPECT_TRUE(waits.waits.empty());
    ASSERT_EQ(receiver.seen().size(), 1u);
    EXPECT_EQ(receiver.seen()[0].verdict, "bad signature");
    EXPECT_TRUE(receiver.applied().empty());
    EXPECT_FALSE(outcome.error.contains(QString::fromStdString(wrongSecret)));
    QMutexLocker lock(&mutex);
    for (const QString& message : std::as_const(messages))
        EXPECT_FALSE(message.contains(QString::fromStdString(wrongSecret))) << message.toStdString();
}

TEST_F(ControlPlaneContract, TheReplayWindowIsThreeHundredSecondsEitherWay)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const ControlPlaneOutcome stale = client(options(), [now] { return now - 330; }).deliver(pauseRequest());
    EXPECT_FALSE(stale.delivered);
    EXPECT_EQ(stale.httpStatus, 401);
    EXPECT_EQ(stale.attempts, 1);
    const ControlPlaneOutcome future = client(options(), [now] { return now + 330; }).deliver(pauseRequest());
    EXPECT_EQ(future.httpStatus, 401);
    // Inside the window a skewed clock still works, so the check above is the window, not any skew.
    const ControlPlaneOutcome skewed = client(options(), [now] { return now - 240; }).deliver(pauseRequest());
    EXPECT_TRUE(skewed.delivered) << skewed.error.toStdString();

    const auto seen = receiver.seen();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].verdict, "stale timestamp");
    EXPECT_EQ(seen[1].verdict, "stale timestamp");
    EXPECT_EQ(seen[2].verdict, "applied");
    EXPECT_EQ(receiver.applied().size(), 1u);
}

TEST_F(ControlPlaneContract, ServiceUnavailableIsRetriedWithTheSameKeyAndBodyAndAppliedOnce)
{
    receiver.script({ { 503 }, { 503 } });
    // A clock that moves a second per call shows that every attempt is signed afresh.
    qint64 tick = QDateTime::currentSecsSinceEpoch();
    const ControlPlaneRequest request = pauseRequest();
    const ControlPlaneOutcome outcome = client(options(), [&tick] { return tick++; }).deliver(request);
    EXPECT_TRUE(outcome.delivered) << outcome.error.toStdString();
    EXPECT_EQ(outcome.attempts, 3);
    EXPECT_EQ(outcome.httpStatus, 200);

    const auto seen = receiver.seen();
    ASSERT_EQ(seen.size(), 3u);
    for (const auto& s : seen) {
        EXPECT_EQ(s.idempotencyKey, request.requestId.toStdString());
        EXPECT_EQ(s.body, seen[0].body);
    }
    EXPECT_NE(seen[0].timestamp, seen[1].timestamp);
    EXPECT_NE(seen[1].signature, seen[2].signature);
    EXPECT_EQ(seen[2].verdict, "applied");
    EXPECT_EQ(receiver.applied().size(), 1u);
    // Exponential with jitter from 200 ms: [100, 200] then [200, 400].
    ASSERT_EQ(waits.waits.size(), 2u);
    EXPECT_GE(waits.waits[0], 100);
    EXPECT_LE(waits.waits[0], 200);
    EXPECT_GE(waits.waits[1], 200);
    EXPECT_LE(waits.waits[1], 400);
}

TEST_F(ControlPlaneContract, RetryAfterIsHonouredAndCapped)
{
    receiver.script({ { 429, 3 }, { 503, 60 } });
    const ControlPlaneOutcome outcome = client(options()).deliver(pauseRequest());
    EXPECT_TRUE(outcome.delivered) << outcome.error.toStdString();
    EXPECT_EQ(outcome.attempts, 3);
    EXPECT_EQ(waits.waits, (std::vector<int> { 3000, 5000 })) << "3 s as asked, 60 s capped at maxBackoffMs";
}

TEST_F(ControlPlaneContract, RetriesStopAtMaxAttempts)
{
    receiver.script({ { 502 }, { 503 }, { 504 }, { 500 } });
    const ControlPlaneOutcome outcome = client(options()).deliver(pauseRequest());
    EXPECT_FALSE(outcome.delivered);
    EXPECT_EQ(outcome.attempts, 4);
    EXPECT_EQ(outcome.httpStatus, 500);
    EXPECT_TRUE(outcome.error.contains(QStringLiteral("gave up after 4 attempts"))) << outcome.error.toStdString();
    EXPECT_EQ(receiver.seen().size(), 4u);
    EXPECT_TRUE(receiver.applied().empty());
}

TEST_F(ControlPlaneContract, AHeldAnswerTimesOutAndIsRetried)
{
    receiver.script({ { 0, -1, true } }); // verified and applied, but the answer never leaves
    ControlPlaneOptions o = options();
    o.timeoutMs = 300;
    const ControlPlaneRequest request = pauseRequest();
    const ControlPlaneOutcome outcome = client(o).deliver(request);
    EXPECT_TRUE(outcome.delivered) << outcome.error.toStdString();
    EXPECT_EQ(outcome.attempts, 2);
    EXPECT_EQ(outcome.httpStatus, 200);
    const auto seen = receiver.seen();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].status, 0) << "held";
    EXPECT_EQ(seen[1].verdict, "replayed") << "the retry got the first result";
    EXPECT_EQ(seen[1].idempotencyKey, request.requestId.toStdString());
    EXPECT_EQ(receiver.applied().size(), 1u) << "applied once although delivered twice";
}

TEST_F(ControlPlaneContract, ATimeoutOnEveryAttemptIsRecordedAsSuch)
{
    receiver.script({ { 503, -1, true }, { 503, -1, true } });
    ControlPlaneOptions o = options();
    o.timeoutMs = 200;
    o.maxAttempts = 2;
    const ControlPlaneOutcome outcome = client(o).deliver(pauseRequest());
    EXPECT_FALSE(outcome.delivered);
    EXPECT_EQ(outcome.attempts, 2);
    EXPECT_EQ(outcome.httpStatus, 0);
    EXPECT_TRUE(outcome.error.contains(QStringLiteral("within 200 ms"))) << outcome.error.toStdString();
    EXPECT_EQ(receiver.seen().size(), 2u);
}

TEST_F(ControlPlaneContract, AnOversizedAnswerIsCutAt64KiB)
{
    receiver.script({ { 200, -1, false, 1024 * 1024 } });
    const ControlPlaneOutcome outcome = client(options()).deliver(pauseRequest());
    EXPECT_TRUE(outcome.delivered) << "the status decides: " << outcome.error.toStdString();
    EXPECT_EQ(outcome.attempts, 1);
    EXPECT_EQ(outcome.responseBody.size(), 64 * 1024);
}

TEST_F(ControlPlaneContract, BadRequestIsNotRetried)
{
    ControlPlaneRequest request = pauseRequest();
    request.action = QStringLiteral("tenant.explode");
    const ControlPlaneOutcome outcome = client(options()).deliver(request);
    EXPECT_FALSE(outcome.delivered);
    EXPECT_EQ(outcome.httpStatus, 400);
    EXPECT_EQ(outcome.attempts, 1);
    EXPECT_TRUE(outcome.responseBody.contains("unknown action")) << outcome.responseBody.toStdString();
    EXPECT_TRUE(waits.waits.empty());
    EXPECT_TRUE(receiver.applied().empty());
}

TEST_F(ControlPlaneContract, AnUnreachableReceiverIsAClearFailure)
{
    QTcpServer closed;
    ASSERT_TRUE(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close(); // nothing listens there any more
    ControlPlaneOptions o = options();
    o.baseUrl = QStringLiteral("http://127.0.0.1:%1/").arg(port);
    o.maxAttempts = 3;
    const ControlPlaneOutcome outcome = client(o).deliver(pauseRequest());
    EXPECT_FALSE(outcome.delivered);
    EXPECT_EQ(outcome.httpStatus, 0);
    EXPECT_EQ(outcome.attempts, 3) << "a refused connection may be a restarting receiver";
    EXPECT_TRUE(outcome.error.contains(
        QStringLiteral("cannot reach the control plane at http://127.0.0.1:%1/v1/actions").arg(port)))
        << outcome.error.toStdString();
    EXPECT_TRUE(outcome.error.contains(QStringLiteral("refused"), Qt::CaseInsensitive)) << outcome.error.toStdString();
    EXPECT_EQ(waits.waits.size(), 2u);
}

TEST_F(ControlPlaneContract, DeliverWorksFromPlainStdThreads)
{
    const ControlPlaneClient shared = client(options());
    ControlPlaneOutcome outcomes[2];
    std::thread first([&] { outcomes[0] = shared.deliver(pauseRequest(QStringLiteral("acme"))); });
    std::thread second([&] { outcomes[1] = shared.deliver(pauseRequest(QStringLiteral("globex"))); });
    first.join();
    second.join();
    EXPECT_TRUE(outcomes[0].delivered) << outcomes[0].error.toStdString();
    EXPECT_TRUE(outcomes[1].delivered) << outcomes[1].error.toStdString();
    EXPECT_EQ(receiver.applied().size(), 2u);
}

TEST_F(ControlPlaneContract, MisconfigurationAndBadInputAreRefusedBeforeSending)
{
    const auto refused = [&](ControlPlaneOptions o, ControlPlaneRequest r, const char* expected) {
        const ControlPlaneOutcome outcome = client(std::move(o)).deliver(r);
        EXPECT_FALSE(outcome.delivered);
        EXPECT_EQ(outcome.attempts, 0);
        EXPECT_TRUE(outcome.error.contains(QLatin1String(expected))) << outcome.error.toStdString();
    };
    ControlPlaneOptions o = options();
    o.baseUrl.clear();
    refused(o, pauseRequest(), "no control plane is configured");
    o.baseUrl = QStringLiteral("ftp://127.0.0.1/");
    refused(o, pauseRequest(), "is not an http:// or https:// URL");
    o = options();
    o.secret.clear();
    refused(o, pauseRequest(), "secret is empty");
    ControlPlaneRequest noId = pauseRequest();
    noId.requestId.clear();
    refused(options(), noId, "request id");
    ControlPlaneRequest noTenant = pauseRequest();
    noTenant.tenant.clear();
    refused(options(), noTenant, "needs an action and a tenant");
    EXPECT_TRUE(receiver.seen().empty());
}

TEST(ControlPlaneDocument, TheWorkedExampleIsRealAndMatchesTheClient)
{
    ASSERT_GE(sodium_init(), 0);
    ControlPlaneRequest request;
    request.action = QStringLiteral("tenant.pause");
    request.tenant = QStringLiteral("acme");
    request.reason = QStringLiteral("runaway spend, INC-4211");
    request.actor = QStringLiteral("alice");
    request.requestId = QStringLiteral("0b9f6a52-3c1e-4d7a-9f28-6e4b1c0d5a73");
    const QByteArray secret = QByteArrayLiteral("7d2f0c9e4b1a8f3e6c5d2b9a0e7f4c1d");
    const QByteArray body = ControlPlaneClient::body(request);
    const QByteArray signature = ControlPlaneClient::signature(secret, 1767225600, body);

    // Independently: libsodium over the documented base string.
    const QByteArray base = QByteArrayLiteral("1767225600.") + body;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(base.data()), base.size());
    crypto_auth_hmacsha256_final(&state, mac);
    EXPECT_EQ(signature, QByteArrayLiteral("v1=") + QByteArray(reinterpret_cast<const char*>(mac), sizeof mac).toHex());

    QFile doc(QStringLiteral(SPANLIGHT_TEST_DATA "/../../docs/control-plane.md"));
    ASSERT_TRUE(doc.open(QIODevice::ReadOnly)) << doc.fileName().toStdString();
    const QByteArray text = doc.readAll();
    EXPECT_TRUE(text.contains(body)) << "the documented body is what the client sends: " << body.toStdString();
    EXPECT_TRUE(text.contains(signature)) << "the documented signature is correct: " << signature.toStdString();
    EXPECT_TRUE(text.contains(QByteArray(QByteArray::number(body.size()) + "-byte body")));
}
