// The Traces page's list: filtering against SQL, keyset paging in the
// table's newest-start-first order, stale results, screenshots. The trace
// detail and live updates have their own files; the fixture is tracespage.h.

#include "spandetailpanel.h"
#include "spanformat.h"
#include "tracespage.h"

#include <QApplication>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <set>

using namespace spanlight;
using namespace spanlight::test;

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
