// Every page of the real window over a generated multi-tenant database, 24 h
// range, at 1366x768 in the light and the dark palette, saved as
// <build>/screenshots/<page>[-dark].png to look at. Each page must show data
// before it is grabbed.

#include "cellspansmodel.h"
#include "collectorruntime.h"
#include "consolecontext.h"
#include "consolefixture.h"
#include "failingpromptsmodel.h"
#include "failingpromptsview.h"
#include "heatmapview.h"
#include "httptestclient.h"
#include "ingestsnapshot.h"
#include "mainwindow.h"
#include "overviewview.h"
#include "servicecountsmodel.h"
#include "spantablemodel.h"
#include "spendtablemodel.h"
#include "spendview.h"
#include "testpayloads.h"
#include "tracesview.h"

#include <QApplication>
#include <QFileInfo>
#include <QSettings>
#include <QTest>
#include <algorithm>
#include <functional>
#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

struct Screenshots : ::testing::Test
{
    void SetUp() override
    {
        QSettings().clear();
        fixture = std::make_unique<ConsoleFixture>(20000, 2);
        ASSERT_TRUE(fixture->ok()) << fixture->error();
        // A real collector on the generated database, so the ingest page and the status bar
        // show real endpoints, counters and file sizes.
        AppConfig config;
        config.dataDir = QFileInfo(fixture->databasePath()).path();
        config.receivers.httpPort = 0;
        config.receivers.grpcPort = 0;
        runtime = std::make_unique<CollectorRuntime>(config);
        QString error;
        ASSERT_TRUE(runtime->start(&error)) << error.toStdString();
        PayloadFactory factory;
        HttpTestClient http("127.0.0.1", runtime->collector().httpPort());
        for (const char* service : { "chat-api", "support-bot", "search-rag" })
            ASSERT_EQ(
                http.post("/v1/traces", factory.traces(60, 4, service).SerializeAsString(), "application/x-protobuf")
                    .status,
                200);

        fixture->context().setPreset(ConsoleContext::RangePreset::Hours24);
        window = std::make_unique<MainWindow>(&fixture->context(), [this] { return takeSnapshot(*runtime); });
        window->resize(1366, 768);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    }
    void TearDown() override
    {
        window.reset();
        runtime.reset();
        fixture.reset();
        applyTheme(Theme::Light);
        QSettings().clear();
    }

    std::unique_ptr<ConsoleFixture> fixture;
    std::unique_ptr<CollectorRuntime> runtime;
    std::unique_ptr<MainWindow> window;
};

/// What "this page shows data" means, page by page.
std::function<bool()> hasData(MainWindow& w, MainWindow::Page page)
{
    switch (page) {
    case MainWindow::Page::Overview:
        return [&w] { return w.overviewPage()->figures().spans > 0; };
    case MainWindow::Page::Heatmap:
        return [&w] { return w.heatmapPage()->result().total > 0 && !w.heatmapPage()->showsEmptyState(); };
    case MainWindow::Page::Traces:
        return [&w] { return w.tracesPage()->model()->rowCount() > 0; };
    case MainWindow::Page::Spend:
        return [&w] { return w.spendPage()->tenantModel()->rowCount() > 0 && w.spendPage()->emptyText().isEmpty(); };
    case MainWindow::Page::FailingPrompts:
        return [&w] {
            return w.failingPromptsPage()->promptModel()->rowCount() > 0
                && w.failingPromptsPage()->emptyText().isEmpty();
        };
    case MainWindow::Page::Ingest:
        return [&w] { return w.ingestPage()->serviceModel()->rowCount() >= 3; };
    case MainWindow::Page::Tenants: // only with control.db: tests/ui/actionsui_screenshots_test.cpp
    case MainWindow::Page::Audit:
        break;
    }
    return [] { return false; };
}

} // namespace

TEST_F(Screenshots, EveryPageShowsDataInLightAndDark)
{
    for (const Theme theme : { Theme::Light, Theme::Dark }) {
        window->setTheme(theme);
        for (int i = 0; i < MainWindow::kPageCount; ++i) {
            const auto page = static_cast<MainWindow::Page>(i);
            const QString name
                = MainWindow::pageKey(page) + (theme == Theme::Dark ? QStringLiteral("-dark") : QString());
            window->showPage(page);
            ASSERT_TRUE(window->page(page)->isVisible()) << name.toStdString();
            EXPECT_TRUE(QTest::qWaitFor(hasData(*window, page), 20000)) << name.toStdString() << " shows no data";
            if (page == MainWindow::Page::Heatmap && theme == Theme::Light) {
                // The busiest cell clicked, so the picture shows the spans table filled too.
                const auto& cells = window->heatmapPage()->result().cells;
                ASSERT_FALSE(cells.empty());
                const auto busiest = std::max_element(
                    cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.count < b.count; });
                window->heatmapPage()->showCellSpans(busiest->column, busiest->row);
                EXPECT_TRUE(QTest::qWaitFor(
                    [&] { return window->heatmapPage()->cellSpansModel()->rowCount() == busiest->count; }, 10000));
            }
            // Let the page lay out and paint what it just received before grabbing it.
            QCoreApplication::sendPostedEvents();
            QCoreApplication::processEvents();
            EXPECT_TRUE(saveScreenshot(window.get(), name)) << name.toStdString();
        }
    }
    // The pictures exist where the closing note says they are.
    for (int i = 0; i < MainWindow::kPageCount; ++i)
        for (const QString& suffix : { QString(), QStringLiteral("-dark") })
            EXPECT_TRUE(QFileInfo::exists(QStringLiteral(SPANLIGHT_SCREENSHOT_DIR "/")
                + MainWindow::pageKey(static_cast<MainWindow::Page>(i)) + suffix + QStringLiteral(".png")));
}
