// The real main window, offscreen, over a real collector: what an engineer
// sees after pointing an exporter at Spanlight.

#include "collectorruntime.h"
#include "httptestclient.h"
#include "ingestsnapshot.h"
#include "mainwindow.h"
#include "servicecountsmodel.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"
#include "testpayloads.h"

#include <future>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

struct ConsoleWindow : ::testing::Test
{
    void SetUp() override
    {
        AppConfig config;
        config.dataDir = dir.path();
        config.receivers.httpPort = 0;
        config.receivers.grpcPort = 0;
        runtime = std::make_unique<CollectorRuntime>(config);
        QString error;
        ASSERT_TRUE(runtime->start(&error)) << error.toStdString();
        window = std::make_unique<MainWindow>([this] { return takeSnapshot(*runtime); });
        window->resize(1366, 768);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    }
    void TearDown() override
    {
        window.reset();
        runtime.reset();
    }
    QTemporaryDir dir;
    std::unique_ptr<CollectorRuntime> runtime;
    std::unique_ptr<MainWindow> window;
};

} // namespace

TEST_F(ConsoleWindow, CountsWhatExportersSendPerService)
{
    QAbstractItemModelTester tester(
        window->ingestPage()->serviceModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    PayloadFactory factory;
    HttpTestClient http("127.0.0.1", runtime->collector().httpPort());
    ASSERT_EQ(http.post("/v1/traces", factory.traces(120, 6, "chat-api").SerializeAsString(), "application/x-protobuf")
                  .status,
        200);
    ASSERT_EQ(
        http.post("/v1/traces", factory.traces(45, 5, "support-bot").SerializeAsString(), "application/x-protobuf")
            .status,
        200);
    ASSERT_EQ(
        http.post("/v1/logs", factory.logs(12, "chat-api").SerializeAsString(), "application/x-protobuf").status, 200);
    ASSERT_EQ(http.post("/v1/traces", "{", "application/json").status, 400);
    window->ingestPage()->refresh();

    IngestStatusPage* page = window->ingestPage();
    EXPECT_EQ(page->counterText(QStringLiteral("Spans stored")), QLocale().toString(165));
    EXPECT_EQ(page->counterText(QStringLiteral("Log records")), QLocale().toString(12));
    EXPECT_EQ(page->counterText(QStringLiteral("Requests (HTTP)")), QLocale().toString(4));
    EXPECT_EQ(page->counterText(QStringLiteral("Bad request")), QLocale().toString(1));

    ServiceCountsModel* model = page->serviceModel();
    ASSERT_EQ(model->rowCount(), 2);
    std::map<QString, qlonglong> spans;
    for (int r = 0; r < model->rowCount(); ++r)
        spans[model->index(r, ServiceCountsModel::Service).data().toString()]
            = model->index(r, ServiceCountsModel::Spans).data(ServiceCountsModel::RawValueRole).toLongLong();
    EXPECT_EQ(spans[QStringLiteral("chat-api")], 120);
    EXPECT_EQ(spans[QStringLiteral("support-bot")], 45);

    // Rows keep their place as counts grow; a new service appends.
    ASSERT_EQ(http.post("/v1/traces", factory.traces(10, 5, "batch-jobs").SerializeAsString(), "application/x-protobuf")
                  .status,
        200);
    page->refresh();
    EXPECT_EQ(model->rowCount(), 3);
    EXPECT_EQ(model->index(2, ServiceCountsModel::Service).data().toString(), QStringLiteral("batch-jobs"));

    const QString shots = QStringLiteral(SPANLIGHT_SCREENSHOT_DIR);
    QDir().mkpath(shots);
    const QImage image = window->grab().toImage();
    EXPECT_EQ(image.size(), window->size() * window->devicePixelRatio());
    EXPECT_TRUE(image.save(shots + QStringLiteral("/ingest-status.png")));
}

TEST_F(ConsoleWindow, AFullDiskIsShownAndClearsWhenSpaceReturns)
{
    TelemetryWriter& writer = runtime->writer();
    const auto setMaxPages = [&writer](const std::string& value) {
        std::promise<void> done;
        writer.post([&](SqliteConnection& c) {
            c.exec(value == "current" ? "PRAGMA max_page_count=1" : "PRAGMA max_page_count=" + value);
            done.set_value();
        });
        done.get_future().wait();
    };
    PayloadFactory factory;
    HttpTestClient http("127.0.0.1", runtime->collector().httpPort());
    setMaxPages("current"); // SQLite keeps the limit at least at the current size: nothing more fits
    EXPECT_EQ(http.post("/v1/traces", factory.traces(300).SerializeAsString(), "application/x-protobuf").status, 503);
    window->ingestPage()->refresh();
    EXPECT_TRUE(window->ingestPage()->storageWarning().contains(QStringLiteral("Storage unavailable")));
    const QString shots = QStringLiteral(SPANLIGHT_SCREENSHOT_DIR);
    QDir().mkpath(shots);
    EXPECT_TRUE(window->grab().toImage().save(shots + QStringLiteral("/ingest-storage-full.png")));

    setMaxPages("1073741823");
    EXPECT_EQ(http.post("/v1/traces", factory.traces(300).SerializeAsString(), "application/x-protobuf").status, 200);
    window->ingestPage()->refresh();
    EXPECT_TRUE(window->ingestPage()->storageWarning().isEmpty());
}

int main(int argc, char** argv)
{
    // Offscreen unless told otherwise (e.g. QT_QPA_PLATFORM=xcb under Xvfb).
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
