// The real main window, offscreen, over a real collector: what an engineer
// sees after pointing an exporter at Spanlight.

#include "collectorruntime.h"
#include "consolecontext.h"
#include "consolestatusbar.h"
#include "demofleet.h"
#include "filterbar.h"
#include "httptestclient.h"
#include "ingestsnapshot.h"
#include "mainwindow.h"
#include "overviewview.h"
#include "servicecountsmodel.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"
#include "testpayloads.h"

#include <future>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
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
        QSettings().clear(); // every test starts as a first run (settings are in this process's own config dir)
        openWindow();
    }
    void openWindow(bool firstRun = true)
    {
        const IngestStatusPage::SnapshotSource snapshots = [this] { return takeSnapshot(*runtime); };
        context = std::make_unique<ConsoleContext>(&runtime->queries(), snapshots);
        window = std::make_unique<MainWindow>(context.get(), snapshots);
        if (firstRun)
            window->resize(1366, 768);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    }
    void closeWindow()
    {
        window->close(); // saves geometry, as quitting does
        window.reset();
        context.reset();
    }
    void TearDown() override
    {
        window.reset();
        context.reset();
        runtime.reset();
        QSettings().clear();
        applyTheme(Theme::Light);
    }
    QTemporaryDir dir;
    std::unique_ptr<CollectorRuntime> runtime;
    std::unique_ptr<ConsoleContext> context;
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
    window->showPage(MainWindow::Page::Ingest);
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
    window->showPage(MainWindow::Page::Ingest); // the warning is on the ingest page
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

TEST_F(ConsoleWindow, ShortcutsSwitchPagesAndFocusTheFilters)
{
    ASSERT_EQ(window->currentPage(), MainWindow::Page::Overview);
    QTest::keyClick(window.get(), Qt::Key_2, Qt::ControlModifier);
    EXPECT_EQ(window->currentPage(), MainWindow::Page::Heatmap);
    EXPECT_TRUE(window->page(MainWindow::Page::Heatmap)->isVisible());
    QTest::keyClick(window.get(), Qt::Key_6, Qt::ControlModifier);
    EXPECT_EQ(window->currentPage(), MainWindow::Page::Ingest);
    EXPECT_TRUE(window->ingestPage()->isVisible());
    QTest::keyClick(window.get(), Qt::Key_1, Qt::ControlModifier);
    EXPECT_TRUE(window->overviewPage()->isVisible());

    QTest::keyClick(window.get(), Qt::Key_L, Qt::ControlModifier);
    EXPECT_TRUE(window->filterBar()->tenantPicker()->hasFocus());

    // F5: the overview asks again.
    QSignalSpy applied(window->overviewPage(), &OverviewView::resultApplied);
    QTest::keyClick(window.get(), Qt::Key_F5);
    EXPECT_TRUE(applied.wait(5000));
}

TEST_F(ConsoleWindow, StatusBarShowsEndpointsRateSizeAndRetentionHorizon)
{
    ConsoleStatusBar* bar = window->consoleStatusBar();
    EXPECT_TRUE(bar->fieldText(QStringLiteral("endpoints")).contains(runtime->httpEndpoint()));
    EXPECT_TRUE(bar->fieldText(QStringLiteral("endpoints")).contains(runtime->grpcEndpoint()));
    EXPECT_TRUE(bar->bannerText().isEmpty());

    PayloadFactory factory;
    HttpTestClient http("127.0.0.1", runtime->collector().httpPort());
    ASSERT_EQ(
        http.post("/v1/traces", factory.traces(200, 4).SerializeAsString(), "application/x-protobuf").status, 200);
    ASSERT_EQ(http.post("/v1/traces", "{", "application/json").status, 400);
    bar->refreshCounters();
    EXPECT_EQ(bar->fieldText(QStringLiteral("rejected")), QStringLiteral("1 rejected"));
    EXPECT_EQ(bar->fieldText(QStringLiteral("queue")), QStringLiteral("queue 0"));
    EXPECT_TRUE(bar->fieldText(QStringLiteral("rate")).endsWith(QStringLiteral("spans/s")));

    QSignalSpy storage(bar, &ConsoleStatusBar::storageRefreshed);
    bar->refreshStorage();
    ASSERT_TRUE(storage.wait(5000));
    EXPECT_TRUE(bar->fieldText(QStringLiteral("size")).startsWith(QStringLiteral("database ")));
    EXPECT_TRUE(bar->fieldText(QStringLiteral("horizon")).startsWith(QStringLiteral("raw spans since ")))
        << bar->fieldText(QStringLiteral("horizon")).toStdString();

    bar->setBanner(QStringLiteral("DEMO DATA"), QStringLiteral("a simulated fleet"));
    EXPECT_EQ(bar->bannerText(), QStringLiteral("DEMO DATA"));
    // Nothing in the shell makes the window wider than a 1366-pixel screen can hold (with room to spare).
    EXPECT_LE(window->minimumSizeHint().width(), 1200) << window->minimumSizeHint().width();
}

TEST_F(ConsoleWindow, RemembersPageRangeThemeAndGeometry)
{
    window->showPage(MainWindow::Page::Spend);
    context->setPreset(ConsoleContext::RangePreset::Hours6);
    window->setTheme(Theme::Dark);
    EXPECT_TRUE(isDark(QApplication::palette()));
    window->resize(1200, 700);
    closeWindow();
    applyTheme(Theme::Light); // what the next start would see before reading settings

    openWindow(false);
    EXPECT_EQ(window->currentPage(), MainWindow::Page::Spend);
    EXPECT_EQ(context->preset(), ConsoleContext::RangePreset::Hours6);
    EXPECT_EQ(window->filterBar()->rangePicker()->currentText(), QStringLiteral("6 h"));
    EXPECT_EQ(window->theme(), Theme::Dark);
    EXPECT_TRUE(isDark(QApplication::palette()));
    EXPECT_EQ(window->size(), QSize(1200, 700));
}

TEST_F(ConsoleWindow, TheDemoFleetBringsTheConsoleToLife)
{
    // What spanlight --demo runs: the simulated fleet sending real OTLP to our own port.
    DemoFleet demo({ "http://127.0.0.1:" + std::to_string(runtime->collector().httpPort()), 1000, 8 });
    std::string error;
    ASSERT_TRUE(demo.start(&error)) << error;
    OverviewView* overview = window->overviewPage();
    ASSERT_TRUE(QTest::qWaitFor([&] { return overview->figures().spans > 0; }, 20000))
        << "the live overview never moved";
    EXPECT_GE(overview->figures().activeTenants, 1);
    const DemoTotals totals = demo.stop(); // what --demo does before the drain
    EXPECT_TRUE(totals.problem.empty()) << totals.problem;
    EXPECT_GT(totals.spansAcknowledged, 0);
    EXPECT_EQ(totals.spansAcknowledged, totals.spansSent);
    EXPECT_EQ(runtime->writer().stats().spansStored, totals.spansAcknowledged); // acknowledged means stored
    EXPECT_FALSE(demo.running());
}
