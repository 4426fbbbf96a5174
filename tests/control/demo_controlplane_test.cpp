// The demo fleet implements the control plane: the real ControlPlaneClient pauses
// and resumes a tenant, and the tenant's spans stop and restart at a real collector.
#include "controlplaneclient.h"
#include "democontrolplane.h"
#include "demofleet.h"
#include "testcollector.h"

#include <QDateTime>
#include <QTest>
#include <QUuid>
#include <gtest/gtest.h>

using namespace spanlight;
using spanlight::test::DbProbe;
using spanlight::test::TestCollector;

namespace {

constexpr double kSpansPerSecond = 1500;
constexpr int kBatch = static_cast<int>(kSpansPerSecond / 5); // DemoFleet's export size
constexpr int kWaitMs = 30000;

ControlPlaneRequest action(const char* name, const std::string& tenant)
{
    ControlPlaneRequest request;
    request.action = QLatin1String(name);
    request.tenant = QString::fromStdString(tenant);
    request.reason = QStringLiteral("demo test");
    request.actor = QStringLiteral("tester");
    request.requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return request;
}

class DemoControlPlaneTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(collector.ok()) << collector.error();
        std::string error;
        ASSERT_TRUE(demo.start(&error)) << error;
        ASSERT_FALSE(demo.controlPlaneUrl().isEmpty());
        ASSERT_EQ(demo.controlPlaneSecret().size(), 64);
    }

    ControlPlaneOptions options() const
    {
        ControlPlaneOptions o;
        o.baseUrl = demo.controlPlaneUrl();
        o.secret = demo.controlPlaneSecret();
        return o;
    }
    ControlPlaneOutcome deliver(const ControlPlaneRequest& request)
    {
        return ControlPlaneClient(options()).deliver(request);
    }
    /// Committed spans of \a tenant (a second SQLite connection; acknowledged means committed).
    int64_t spansOf(const std::string& tenant)
    {
        return probe.scalar("SELECT count(*) FROM spans s JOIN dict d ON d.id = s.tenant_id AND d.kind = 1"
                            " WHERE d.value = '"
            + tenant + "'");
    }
    int64_t allSpans() { return probe.count("spans"); }

    TestCollector collector;
    DemoFleet demo { { "http://127.0.0.1:" + std::to_string(collector.httpPort()), kSpansPerSecond, 8 } };
    DbProbe probe { collector.dbPath() };
};

} // namespace

TEST_F(DemoControlPlaneTest, PausingATenantStopsItsSpansWhileOthersContinueAndResumingRestartsThem)
{
    const std::string paused = demo.tenantNames().front();
    const auto others = [&] { return allSpans() - spansOf(paused); };
    ASSERT_TRUE(QTest::qWaitFor([&] { return spansOf(paused) > 0 && others() > 0; }, kWaitMs))
        << "the fleet never sent both " << paused << " and other tenants";

    const ControlPlaneOutcome pause = deliver(action("tenant.pause", paused));
    ASSERT_TRUE(pause.delivered) << pause.error.toStdString();
    EXPECT_TRUE(pause.responseBody.contains("\"paused\"")) << pause.responseBody.toStdString();
    EXPECT_TRUE(demo.tenantPaused(paused));

    // One export may have left before the pause. Exports go one after another, each
    // acknowledged after its commit: more than one export's worth of other tenants'
    // spans since the pause means a later export, filtered, has been committed.
    const int64_t othersAtPause = others();
    ASSERT_TRUE(QTest::qWaitFor([&] { return others() > othersAtPause + kBatch; }, kWaitMs));
    const int64_t pausedCount = spansOf(paused);
    const int64_t othersAfter = others();
    ASSERT_TRUE(QTest::qWaitFor([&] { return others() > othersAfter + 4 * kBatch; }, kWaitMs))
        << "the other tenants stopped too";
    EXPECT_EQ(spansOf(paused), pausedCount) << paused << " kept sending while paused";

    const ControlPlaneOutcome resume = deliver(action("tenant.resume", paused));
    ASSERT_TRUE(resume.delivered) << resume.error.toStdString();
    EXPECT_FALSE(demo.tenantPaused(paused));
    EXPECT_TRUE(QTest::qWaitFor([&] { return spansOf(paused) > pausedCount; }, kWaitMs))
        << paused << " did not come back after resume";

    const DemoControlPlaneStats stats = demo.controlPlaneStats();
    EXPECT_EQ(stats.pauses, 1);
    EXPECT_EQ(stats.resumes, 1);
    EXPECT_EQ(stats.rejected, 0);

    // The fleet's totals leave out what it never sent, so acknowledged still means stored.
    const DemoTotals totals = demo.stop();
    EXPECT_TRUE(totals.problem.empty()) << totals.problem;
    EXPECT_GT(totals.spansWithheld, 0);
    EXPECT_EQ(totals.spansAcknowledged, totals.spansSent);
    EXPECT_EQ(collector.writer().stats().spansStored, totals.spansAcknowledged);
}

TEST_F(DemoControlPlaneTest, RotationsAndPurgesAreAcknowledgedCountedAndIdempotent)
{
    const std::string tenant = demo.tenantNames().back();
    const ControlPlaneRequest rotate = action("tenant.rotate_api_key", tenant);
    EXPECT_TRUE(deliver(rotate).delivered);
    const ControlPlaneOutcome again = deliver(rotate); // the same request id: a retry
    EXPECT_TRUE(again.delivered);
    ControlPlaneRequest purge = action("tenant.purge_caches", tenant);
    purge.params.insert(QStringLiteral("scope"), QStringLiteral("embeddings"));
    const ControlPlaneOutcome purged = deliver(purge);
    EXPECT_TRUE(purged.delivered) << purged.error.toStdString();
    EXPECT_TRUE(purged.responseBody.contains("embeddings"));

    const DemoControlPlaneStats stats = demo.controlPlaneStats();
    EXPECT_EQ(stats.keyRotations, 1) << "a repeated Idempotency-Key is not applied again";
    EXPECT_EQ(stats.replayed, 1);
    EXPECT_EQ(stats.cachePurges, 1);
}

TEST_F(DemoControlPlaneTest, TheDemoRefusesWhatTheContractRefuses)
{
    const std::string tenant = demo.tenantNames().front();
    ControlPlaneRequest badScope = action("tenant.purge_caches", tenant);
    badScope.params.insert(QStringLiteral("scope"), QStringLiteral("everything"));
    const ControlPlaneOutcome scope = deliver(badScope);
    EXPECT_EQ(scope.httpStatus, 400);
    EXPECT_EQ(scope.attempts, 1);

    const ControlPlaneOutcome unknown = deliver(action("tenant.pause", "no-such-tenant"));
    EXPECT_EQ(unknown.httpStatus, 404);
    EXPECT_TRUE(unknown.error.contains(QStringLiteral("unknown tenant"))) << unknown.error.toStdString();

    ControlPlaneOptions wrong = options();
    wrong.secret = QByteArrayLiteral("not-the-demo-secret-0123456789ab");
    const ControlPlaneOutcome forged = ControlPlaneClient(wrong).deliver(action("tenant.pause", tenant));
    EXPECT_EQ(forged.httpStatus, 401);
    const ControlPlaneOutcome stale = ControlPlaneClient(options(), [] {
        return QDateTime::currentSecsSinceEpoch() - 600;
    }).deliver(action("tenant.pause", tenant));
    EXPECT_EQ(stale.httpStatus, 401);
    EXPECT_TRUE(stale.error.contains(QStringLiteral("300 s window"))) << stale.error.toStdString();

    EXPECT_FALSE(demo.tenantPaused(tenant));
    const DemoControlPlaneStats stats = demo.controlPlaneStats();
    EXPECT_EQ(stats.rejected, 4);
    EXPECT_EQ(stats.pauses, 0);
    EXPECT_EQ(stats.cachePurges, 0);
}
