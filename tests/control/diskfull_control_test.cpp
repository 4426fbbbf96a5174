// Telemetry's disk is full (max_page_count stands in for the file system):
// ingest answers 503, yet actions and the audit log in control.db keep working
// (DESIGN.md "Two databases").

#include "controlfixture.h"

#include "actionservice.h"
#include "httptestclient.h"
#include "telemetrywriter.h"
#include "testcollector.h"
#include "testpayloads.h"

using namespace spanlight;
using namespace spanlight::test;

namespace {

class ControlOnFullDisk : public ControlFixture
{
};

TEST_F(ControlOnFullDisk, ActionsAndAuditKeepWorkingWhileIngestIs503)
{
    TestCollector collector;
    ASSERT_TRUE(collector.ok()) << collector.error();
    openRuntime(true, &collector.writer());
    addUser(QStringLiteral("boss"), Role::Admin);

    HttpTestClient http("127.0.0.1", collector.httpPort());
    PayloadFactory factory;
    ASSERT_EQ(http.post("/v1/traces", factory.traces(100).SerializeAsString(), "application/x-protobuf").status, 200);
    const int64_t pages = queryOnWriter(collector.writer(), "PRAGMA page_count");
    queryOnWriter(collector.writer(), "PRAGMA max_page_count=" + std::to_string(pages + 4));
    int status = 200;
    for (int sent = 0; sent < 200 && status == 200; ++sent)
        status = http.post("/v1/traces", factory.traces(200).SerializeAsString(), "application/x-protobuf").status;
    ASSERT_EQ(status, 503);

    const Session boss = signIn(QStringLiteral("boss"));
    ActionRequest pause;
    pause.action = Action::PauseTenant;
    pause.target = pause.confirmation = QStringLiteral("acme");
    pause.reason = QStringLiteral("incident while the telemetry disk is full");
    const ActionResult paused = runtime->actions().perform(boss, pause);
    EXPECT_EQ(paused.status, ActionResult::Status::Done) << paused.message.toStdString();
    EXPECT_TRUE(gate->paused("acme"));

    ActionRequest key = pause;
    key.action = Action::CreateIngestKey;
    const ActionResult created = runtime->actions().perform(boss, key);
    EXPECT_EQ(created.status, ActionResult::Status::Done) << created.message.toStdString();
    EXPECT_TRUE(created.secret.startsWith(QStringLiteral("spl_")));
    // Telemetry is still full: the actions above did not touch it.
    EXPECT_EQ(http.post("/v1/traces", factory.traces(200).SerializeAsString(), "application/x-protobuf").status, 503);
    const auto entries = audit();
    ASSERT_GE(entries.size(), 4u);
    EXPECT_EQ(entries.back().action, QStringLiteral("key.create"));
    EXPECT_EQ(entries.back().outcome, QStringLiteral("success"));
    EXPECT_TRUE(runtime->store().verifyAudit().ok);
    runtime.reset();
}

} // namespace
