#pragma once

// The Traces page over a generated database plus one deep agent trace, shared
// by the Traces test files (list and search, trace detail, live updates):
// one database for the whole TracesPage suite.

#include "consolefixture.h"
#include "deeptrace.h"
#include "spantablemodel.h"
#include "tracedetail.h"
#include "tracesview.h"
#include "waterfallwidget.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>
#include <memory>
#include <sqlite3.h>

namespace spanlight::test {

inline constexpr int64_t kMinuteNs = 60'000'000'000;

inline bench::DeepTraceOptions deepOptions()
{
    bench::DeepTraceOptions o;
    o.spans = 4000;
    o.spineDepth = 24;
    o.errorEvery = 97;
    // Ten minutes ago, inside the fixture's data and the console's last hour.
    o.startNs = (QDateTime::currentSecsSinceEpoch() / 60 - 10) * kMinuteNs;
    return o;
}

struct TracesPage : ::testing::Test
{
    static void SetUpTestSuite()
    {
        // The model testers load every span in the six-hour window with an
        // O(rows) check per page, and the window's share of the day follows
        // the generated daily cycle (peak 15:00 UTC): 8,000 spans keep the
        // busiest window near 2,200 plus the deep trace's 4,000.
        s_fixture = new ConsoleFixture(8000, 2);
        ASSERT_TRUE(s_fixture->ok()) << s_fixture->error();
        const bench::DeepTraceResult r = bench::ensureDeepTrace(s_fixture->databasePath(), deepOptions());
        ASSERT_TRUE(r.ok) << r.error;
        ASSERT_EQ(sqlite3_open_v2(s_fixture->databasePath().toUtf8().constData(), &s_db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
    }
    static void TearDownTestSuite()
    {
        sqlite3_close(s_db);
        delete s_fixture;
    }
    void SetUp() override
    {
        // A fixed window over the last six hours, so SQL and the view see the same range.
        const QDateTime now = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch() / 60 * 60 + 60);
        context().setFilters({});
        context().setCustomRange(now.addSecs(-6 * 3600), now);
        view = std::make_unique<TracesView>(&context());
        view->resize(1366, 768);
        view->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(view.get()));
        modelTester = std::make_unique<QAbstractItemModelTester>(
            view->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        sortTester = std::make_unique<QAbstractItemModelTester>(
            view->sortModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        ASSERT_TRUE(waitIdle());
    }
    void TearDown() override
    {
        modelTester.reset();
        sortTester.reset();
        view.reset();
        s_fixture->runner().waitIdle();
        QCoreApplication::processEvents();
    }
    static ConsoleContext& context() { return s_fixture->context(); }

    /// Until no page is being asked for and the batched insert went in (a
    /// capped page asks for the next one right after its insert). The model
    /// testers page through every match (they call fetchMore on each insert),
    /// so the time this takes follows the spans in range, and with them the
    /// generated daily cycle: it waits as long as pages keep arriving.
    bool waitIdle() const
    {
        QSignalSpy pages(view->model(), &SpanTableModel::rowsLoaded);
        QElapsedTimer sincePage;
        sincePage.start();
        qsizetype pagesSeen = 0;
        while (sincePage.elapsed() < 30000) {
            const bool idle = !view->model()->fetching();
            QTest::qWait(5);
            if (idle && !view->model()->fetching())
                return true;
            if (pages.count() != pagesSeen) {
                pagesSeen = pages.count();
                sincePage.restart();
            }
        }
        ADD_FAILURE() << "no page arrived for 30 s; " << view->model()->rowCount() << " rows, "
                      << view->statusText().toStdString();
        return false;
    }
    /// Applies \a filter and pages through every match; returns the rowids in table order.
    std::vector<int64_t> loadAll(const QString& filter, bool* paused = nullptr)
    {
        view->filterEdit()->setText(filter);
        view->applyFilter();
        EXPECT_TRUE(view->filterError().isEmpty()) << view->filterError().toStdString();
        return pageThroughAll(paused);
    }
    /// Pages through every match of the current search; returns the rowids in table order.
    std::vector<int64_t> pageThroughAll(bool* paused = nullptr)
    {
        for (int guard = 0; guard < 10000 && waitIdle() && !view->model()->exhausted(); ++guard) {
            if (view->model()->paused()) {
                if (paused)
                    *paused = true;
                view->model()->continueScan();
            } else {
                view->model()->fetchMore({});
            }
        }
        std::vector<int64_t> ids;
        for (int r = 0; r < view->model()->rowCount(); ++r)
            ids.push_back(view->model()->span(r).rowId);
        return ids;
    }
    std::vector<int64_t> sqlIds(const std::string& where) const { return sqlIds(where, context().range()); }
    static std::vector<int64_t> sqlIds(const std::string& where, const TimeRange& range)
    {
        const std::string sql = "SELECT id FROM spans WHERE start_ns >= " + std::to_string(range.fromMinute * kMinuteNs)
            + " AND start_ns < " + std::to_string(range.toMinute * kMinuteNs) + where
            + " ORDER BY start_ns DESC, id DESC"; // the table's order: newest start first
        std::vector<int64_t> ids;
        sqlite3_stmt* s = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(s_db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(s_db);
        while (sqlite3_step(s) == SQLITE_ROW)
            ids.push_back(sqlite3_column_int64(s, 0));
        sqlite3_finalize(s);
        return ids;
    }
    static std::string firstValue(const std::string& sql)
    {
        sqlite3_stmt* s = nullptr;
        std::string out;
        if (sqlite3_prepare_v2(s_db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
            out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        return out;
    }
    /// Opens the deep trace and waits for its first paint.
    bool openDeepTrace()
    {
        QSignalSpy painted(view->detail()->waterfall(), &WaterfallWidget::tracePainted);
        view->showTrace(bench::kDeepTraceId);
        return painted.wait(30000);
    }
    WaterfallWidget* waterfall() const { return view->detail()->waterfall(); }
    const OutlineSpan& currentSpan() const
    {
        return waterfall()->trace()->spans.at(static_cast<size_t>(waterfall()->currentSpan()));
    }
    std::string currentName() const { return waterfall()->trace()->strings.at(currentSpan().name); }

    static inline ConsoleFixture* s_fixture = nullptr;
    static inline sqlite3* s_db = nullptr;
    std::unique_ptr<TracesView> view;
    std::unique_ptr<QAbstractItemModelTester> modelTester, sortTester;
};

} // namespace spanlight::test
