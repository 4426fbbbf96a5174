// The Traces page over a generated database plus one deep agent trace:
// filtering against SQL, keyset paging, the waterfall's layout, F8, search
// inside the trace, the span detail and its lazy "show all", stale results.

#include "consolefixture.h"
#include "deeptrace.h"
#include "spandetailpanel.h"
#include "spanformat.h"
#include "spantablemodel.h"
#include "tracedetail.h"
#include "tracesview.h"
#include "waterfallwidget.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTest>
#include <QTreeView>
#include <QWheelEvent>
#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int64_t kMinuteNs = 60'000'000'000;

bench::DeepTraceOptions deepOptions()
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
        s_fixture = new ConsoleFixture(20000, 2);
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
    /// capped page asks for the next one right after its insert).
    bool waitIdle() const
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000) {
            const bool idle = !view->model()->fetching();
            QTest::qWait(5);
            if (idle && !view->model()->fetching())
                return true;
        }
        return false;
    }
    /// Applies \a filter and pages through every match; returns the rowids in table order.
    std::vector<int64_t> loadAll(const QString& filter, bool* paused = nullptr)
    {
        view->filterEdit()->setText(filter);
        view->applyFilter();
        EXPECT_TRUE(view->filterError().isEmpty()) << view->filterError().toStdString();
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
    std::vector<int64_t> sqlIds(const std::string& where) const
    {
        const TimeRange range = context().range();
        const std::string sql = "SELECT id FROM spans WHERE start_ns >= " + std::to_string(range.fromMinute * kMinuteNs)
            + " AND start_ns < " + std::to_string(range.toMinute * kMinuteNs) + where + " ORDER BY id DESC";
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

} // namespace

TEST_F(TracesPage, FilterErrorsShowInlineAndKeepTheRows)
{
    const int rows = view->model()->rowCount();
    ASSERT_GT(rows, 0);
    view->filterEdit()->setText(QStringLiteral("service:api colour:red"));
    view->applyFilter();
    EXPECT_TRUE(view->filterError().contains(QStringLiteral("unknown field"))) << view->filterError().toStdString();
    EXPECT_TRUE(view->filterError().contains(QStringLiteral("<u"))
        && view->filterError().contains(QStringLiteral("colour</u>")))
        << "the bad term is marked: " << view->filterError().toStdString();
    EXPECT_EQ(view->model()->rowCount(), rows);
    view->filterEdit()->setText(QStringLiteral("status:error"));
    view->applyFilter();
    EXPECT_TRUE(view->filterError().isEmpty());
}

TEST_F(TracesPage, TheTableShowsExactlyTheMatchingSpans)
{
    const TimeRange range = context().range();
    const std::string service = firstValue("SELECT d.value FROM spans s JOIN dict d ON d.id = s.service_id"
                                           " WHERE s.status_code = 2 AND s.duration_ns > 50000000 AND s.start_ns >= "
        + std::to_string(range.fromMinute * kMinuteNs) + " ORDER BY s.id DESC LIMIT 1");
    ASSERT_FALSE(service.empty());
    const std::vector<int64_t> shown
        = loadAll(QStringLiteral("service:%1 status:error duration>50ms").arg(QString::fromStdString(service)));
    const std::vector<int64_t> expected = sqlIds(" AND status_code = 2 AND duration_ns > 50000000 AND service_id = "
                                                 "(SELECT id FROM dict WHERE kind = 3 AND value = '"
        + service + "')");
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(shown, expected);
    for (int r = 0; r < view->model()->rowCount(); ++r)
        ASSERT_EQ(view->model()->index(r, SpanTableModel::Service).data().toString().toStdString(), service);

    // A bare word matches part of the span name; a negated term excludes.
    EXPECT_EQ(loadAll(QStringLiteral("-status:error duration<=2ms chat")),
        sqlIds(" AND status_code <> 2 AND duration_ns <= 2000000 AND name_id IN (SELECT id FROM dict WHERE kind = 4"
               " AND instr(lower(value), 'chat') > 0)"));
}

TEST_F(TracesPage, PagingLoadsEveryMatchingSpanOnce)
{
    view->setPaging(37, 400); // small pages, and a scan budget far below the range
    bool paused = false;
    const std::vector<int64_t> shown = loadAll(QStringLiteral("status:error"), &paused);
    EXPECT_TRUE(paused) << "a rare filter stops to ask before scanning the whole range";
    const std::set<int64_t> unique(shown.begin(), shown.end());
    EXPECT_EQ(unique.size(), shown.size()) << "a span appeared on two pages";
    EXPECT_EQ(shown, sqlIds(" AND status_code = 2"));
    EXPECT_TRUE(view->statusText().contains(QStringLiteral("all matching spans"))) << view->statusText().toStdString();

    // Unfiltered, page after page as the view scrolls: the same spans as SQL, newest first.
    view->setPaging(250, 100000);
    EXPECT_EQ(loadAll(QString()), sqlIds(""));
    // Sorting reorders loaded rows only.
    view->table()->sortByColumn(SpanTableModel::Duration, Qt::DescendingOrder);
    const QAbstractItemModel* sorted = view->sortModel();
    for (int r = 1; r < std::min(sorted->rowCount(), 500); ++r)
        ASSERT_GE(sorted->index(r - 1, SpanTableModel::Duration).data(SpanTableModel::RawValueRole).toLongLong(),
            sorted->index(r, SpanTableModel::Duration).data(SpanTableModel::RawValueRole).toLongLong());
}

TEST_F(TracesPage, ShowTraceLaysOutEverySpanAtItsDepth)
{
    ASSERT_TRUE(openDeepTrace());
    const std::vector<bench::PlannedDeepSpan> plan = bench::planDeepTrace(deepOptions());
    std::map<SpanId, int> depthOf;
    for (const auto& p : plan)
        depthOf[p.id] = p.depth;
    const WaterfallLayout& layout = waterfall()->layout();
    ASSERT_EQ(layout.rowCount(), static_cast<int>(plan.size()));
    EXPECT_GE(layout.maxDepth() + 1, 20);
    std::set<SpanId> seen;
    for (int r = 0; r < layout.rowCount(); ++r) {
        const OutlineSpan& s = waterfall()->trace()->spans[static_cast<size_t>(layout.row(r).span)];
        ASSERT_TRUE(seen.insert(s.spanId).second);
        ASSERT_EQ(layout.row(r).depth, depthOf.at(s.spanId)) << "row " << r;
        ASSERT_LT(layout.row(r).parentRow, r);
    }
    EXPECT_TRUE(view->detail()->title().contains(QLocale().toString(4000) + QStringLiteral(" spans")))
        << view->detail()->title().toStdString();

    // Collapsing the root hides everything; Right expands it again.
    waterfall()->setFocus();
    waterfall()->setCurrentRow(0);
    QTest::keyClick(waterfall(), Qt::Key_Left);
    EXPECT_EQ(layout.visibleRows().size(), 1u);
    QTest::keyClick(waterfall(), Qt::Key_Right);
    EXPECT_EQ(static_cast<int>(layout.visibleRows().size()), layout.rowCount());

    // Ctrl+wheel zooms time around the pointer; Ctrl+0 goes back to the whole trace.
    QWidget* viewport = waterfall()->viewport();
    const QPointF at(viewport->width() * 0.8, viewport->height() / 2.0);
    QWheelEvent wheel(
        at, viewport->mapToGlobal(at), {}, QPoint(0, 480), Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(viewport, &wheel);
    EXPECT_NEAR(waterfall()->zoom(), std::pow(1.25, 4), 1e-9);
    EXPECT_GT(waterfall()->horizontalScrollBar()->value(), 0) << "the instant under the pointer stays there";
    QTest::keyClick(waterfall(), Qt::Key_0, Qt::ControlModifier);
    EXPECT_EQ(waterfall()->zoom(), 1.0);
}

TEST_F(TracesPage, F8JumpsBetweenErrorSpans)
{
    ASSERT_TRUE(openDeepTrace());
    const WaterfallLayout& layout = waterfall()->layout();
    ASSERT_GE(layout.errorRows().size(), 2u);
    waterfall()->setCurrentRow(0);
    QTest::keyClick(waterfall(), Qt::Key_F8);
    EXPECT_EQ(waterfall()->currentRow(), layout.errorRows()[0]);
    EXPECT_EQ(currentSpan().statusCode, 2);
    QTest::keyClick(waterfall(), Qt::Key_F8);
    EXPECT_EQ(waterfall()->currentRow(), layout.errorRows()[1]);
    QTest::keyClick(waterfall(), Qt::Key_F8, Qt::ShiftModifier);
    EXPECT_EQ(waterfall()->currentRow(), layout.errorRows()[0]);
    // From the first error backwards wraps to the last.
    QTest::keyClick(waterfall(), Qt::Key_F8, Qt::ShiftModifier);
    EXPECT_EQ(waterfall()->currentRow(), layout.errorRows().back());
    // A collapsed ancestor opens so the error is visible.
    waterfall()->collapseAll();
    waterfall()->setCurrentRow(0);
    QTest::keyClick(waterfall(), Qt::Key_F8);
    EXPECT_GE(layout.visibleIndex(waterfall()->currentRow()), 0);

    // The detail panel shows the failed span's status.
    QSignalSpy loaded(view->detail()->panel(), &SpanDetailPanel::loaded);
    ASSERT_TRUE(loaded.wait(10000));
    EXPECT_TRUE(view->detail()
                    ->panel()
                    ->value(QStringLiteral("Span"), QStringLiteral("Status"))
                    .startsWith(QStringLiteral("error")));
}

TEST_F(TracesPage, SearchInsideTheTraceFindsASpanByName)
{
    ASSERT_TRUE(openDeepTrace());
    view->activateWindow();
    QTest::keyClick(view.get(), Qt::Key_F, Qt::ControlModifier);
    QLineEdit* search = view->detail()->searchEdit();
    EXPECT_TRUE(search->hasFocus()) << "Ctrl+F in a trace focuses the search inside it";
    QTest::keyClicks(search, QStringLiteral("agent.step 17"));
    EXPECT_EQ(waterfall()->matchCount(), 1);
    QTest::keyClick(search, Qt::Key_Return);
    EXPECT_EQ(currentName(), "agent.step 17");
    EXPECT_EQ(waterfall()->layout().row(waterfall()->currentRow()).depth, 17);
    search->setText(QStringLiteral("VECTOR-DB"));
    EXPECT_GT(waterfall()->matchCount(), 100) << "service names match too, any case";
    QTest::keyClick(waterfall(), Qt::Key_F3);
    const int first = waterfall()->currentRow();
    QTest::keyClick(waterfall(), Qt::Key_F3);
    EXPECT_GT(waterfall()->currentRow(), first);
    EXPECT_EQ(waterfall()->trace()->strings.at(currentSpan().service), "vector-db");
}

TEST_F(TracesPage, SpanDetailShowsGenAiFieldsAndLoadsLongValuesLazily)
{
    ASSERT_TRUE(openDeepTrace());
    const std::vector<bench::PlannedDeepSpan> plan = bench::planDeepTrace(deepOptions());
    const auto llm = std::find_if(plan.begin(), plan.end(), [](const auto& p) { return p.llm; });
    ASSERT_NE(llm, plan.end());
    SpanDetailPanel* panel = view->detail()->panel();
    QAbstractItemModelTester tester(panel->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy loaded(panel, &SpanDetailPanel::loaded);
    ASSERT_TRUE(waterfall()->selectSpan(llm->id));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return panel->value(QStringLiteral("Span"), QStringLiteral("Span ID")) == hexId(llm->id); }, 10000));
    EXPECT_EQ(panel->value(QStringLiteral("GenAI"), QStringLiteral("Provider")), QStringLiteral("openai"));
    EXPECT_EQ(panel->value(QStringLiteral("GenAI"), QStringLiteral("Request model")), QStringLiteral("gpt-4o"));
    EXPECT_TRUE(panel->value(QStringLiteral("GenAI"), QStringLiteral("Input tokens"))
                    .startsWith(QLocale().toString(800 + llm->depth * 40)));
    EXPECT_TRUE(panel->value(QStringLiteral("GenAI"), QStringLiteral("Cost")).startsWith(QLatin1Char('$')));
    bool priceRow = false;
    const QStandardItemModel* tree = panel->model();
    for (int i = 0; i < tree->rowCount(); ++i)
        for (int c = 0; c < tree->item(i)->rowCount(); ++c)
            priceRow = priceRow || tree->item(i)->child(c)->text() == QStringLiteral("Price row");
    EXPECT_TRUE(priceRow) << "the matched price row is shown with its definition";
    EXPECT_TRUE(
        panel->value(QStringLiteral("GenAI"), QStringLiteral("Price row")).contains(QStringLiteral("\"input\"")));

    const QString cut = panel->value(QStringLiteral("Message content"), QStringLiteral("gen_ai.input.messages"));
    EXPECT_TRUE(cut.endsWith(QString::fromUtf8(kTruncationMark))) << cut.size();
    EXPECT_LT(cut.toUtf8().size(), 1100);
    EXPECT_TRUE(panel->hasTruncatedValues());
    loaded.clear();
    panel->showAll();
    ASSERT_TRUE(loaded.wait(10000));
    const QString full = panel->value(QStringLiteral("Message content"), QStringLiteral("gen_ai.input.messages"));
    EXPECT_GT(full.size(), 5000);
    EXPECT_FALSE(full.endsWith(QString::fromUtf8(kTruncationMark)));
    EXPECT_FALSE(panel->hasTruncatedValues());
}

TEST_F(TracesPage, EnterOnASpanOpensItsTrace)
{
    ASSERT_GT(view->model()->rowCount(), 0);
    view->activateWindow();
    view->table()->setFocus();
    view->table()->setCurrentIndex(view->sortModel()->index(3, 0));
    const SpanSummary expected = view->model()->span(3);
    QSignalSpy painted(waterfall(), &WaterfallWidget::tracePainted);
    QTest::keyClick(view->table(), Qt::Key_Return);
    ASSERT_TRUE(view->showingTrace());
    ASSERT_TRUE(painted.wait(10000));
    EXPECT_EQ(view->detail()->traceId(), expected.traceId);
    EXPECT_EQ(currentSpan().spanId, expected.spanId) << "the span that was clicked is selected";
    QTest::keyClick(waterfall(), Qt::Key_Escape);
    EXPECT_FALSE(view->showingTrace());
    QTest::keyClick(view.get(), Qt::Key_F, Qt::ControlModifier);
    EXPECT_TRUE(view->filterEdit()->hasFocus());
}

TEST_F(TracesPage, LiveModePutsNewSpansOnTop)
{
    context().setPreset(ConsoleContext::RangePreset::Hour1);
    context().setLive(true);
    ASSERT_TRUE(waitIdle());
    const int before = view->model()->rowCount();
    ASSERT_GT(before, 0);
    const int64_t newest = view->model()->newestRowId();
    view->table()->setCurrentIndex(view->sortModel()->index(5, 0));
    const int64_t selected = view->model()->span(5).rowId;

    // 30 spans of a new trace arrive while the page is open.
    bench::DeepTraceOptions fresh;
    fresh.traceId = { 0x5c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
    fresh.spans = 30;
    fresh.spineDepth = 3;
    fresh.logs = 0;
    fresh.startNs = (QDateTime::currentSecsSinceEpoch() / 60 - 1) * kMinuteNs;
    ASSERT_TRUE(bench::ensureDeepTrace(s_fixture->databasePath(), fresh).ok);
    emit context().dataChanged(); // what the coalesced "new data" poll says
    ASSERT_TRUE(QTest::qWaitFor([&] { return view->model()->rowCount() == before + 30; }, 10000))
        << view->model()->rowCount() << " rows";
    for (int r = 0; r < 30; ++r) {
        ASSERT_EQ(view->model()->span(r).traceId, fresh.traceId);
        ASSERT_GT(view->model()->span(r).rowId, newest);
    }
    EXPECT_EQ(view->model()->span(30).rowId, newest);
    const QModelIndex current = view->sortModel()->mapToSource(view->table()->currentIndex());
    EXPECT_EQ(view->model()->span(current.row()).rowId, selected) << "the selection stays on its span";
}

TEST_F(TracesPage, StaleResultsAreDropped)
{
    ASSERT_GT(view->model()->rowCount(), 0);
    // The newest rows belong to the deep trace (written last): take another one.
    TraceId small = bench::kDeepTraceId;
    for (int r = 0; r < view->model()->rowCount() && small == bench::kDeepTraceId; ++r)
        small = view->model()->span(r).traceId;
    ASSERT_NE(small, bench::kDeepTraceId);
    // A later request wins even when the earlier, bigger one would finish last.
    QSignalSpy painted(waterfall(), &WaterfallWidget::tracePainted);
    view->showTrace(bench::kDeepTraceId);
    view->showTrace(small);
    ASSERT_TRUE(painted.wait(10000));
    QTest::qWait(300);
    EXPECT_EQ(view->detail()->traceId(), small);
    EXPECT_LT(waterfall()->layout().rowCount(), 4000);
    EXPECT_EQ(painted.count(), 1);

    // Two searches in a row: only the second one's spans are shown.
    view->filterEdit()->setText(QStringLiteral("status:ok"));
    view->applyFilter();
    view->filterEdit()->setText(QStringLiteral("status:error"));
    view->applyFilter();
    ASSERT_TRUE(waitIdle());
    ASSERT_GT(view->model()->rowCount(), 0);
    for (int r = 0; r < view->model()->rowCount(); ++r)
        ASSERT_TRUE(view->model()->index(r, 0).data(SpanTableModel::IsErrorRole).toBool());
    // A page of an older generation is ignored by the model itself.
    const int rows = view->model()->rowCount();
    view->model()->appendPage(view->model()->generation() - 1, { SpanSummary {} }, 0, SpanTableModel::PageEnd::Filled);
    QTest::qWait(20);
    EXPECT_EQ(view->model()->rowCount(), rows);
}

TEST_F(TracesPage, Screenshots)
{
    context().setPreset(ConsoleContext::RangePreset::Hours24);
    view->filterEdit()->setText(QStringLiteral("status:error duration>500ms"));
    view->applyFilter();
    ASSERT_TRUE(waitIdle());
    ASSERT_GT(view->model()->rowCount(), 5);
    view->table()->setCurrentIndex(view->sortModel()->index(2, 0));
    EXPECT_TRUE(saveScreenshot(view.get(), QStringLiteral("traces")));

    ASSERT_TRUE(openDeepTrace());
    const std::vector<bench::PlannedDeepSpan> plan = bench::planDeepTrace(deepOptions());
    const auto llm = std::find_if(plan.begin(), plan.end(), [](const auto& p) { return p.llm && p.depth > 8; });
    ASSERT_NE(llm, plan.end());
    view->detail()->searchEdit()->setText(QStringLiteral("agent.step"));
    waterfall()->selectSpan(llm->id);
    SpanDetailPanel* panel = view->detail()->panel();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return panel->value(QStringLiteral("Span"), QStringLiteral("Span ID")) == hexId(llm->id); }, 10000));
    EXPECT_TRUE(saveScreenshot(view.get(), QStringLiteral("trace-detail")));
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
