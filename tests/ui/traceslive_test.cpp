// Live updates of the Traces page: new spans go in at their places (newest
// start first) with beginInsertRows, never a reset; a hidden page asks no
// query and catches up when shown; a flood restarts the list without a reset.
// The merge itself (SpanListModel) is checked first on hand-made spans.

#include "spanlistmodel.h"
#include "tracespage.h"

#include <QCoreApplication>
#include <QItemSelectionModel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <algorithm>
#include <set>

using namespace spanlight;
using namespace spanlight::test;

namespace {

SpanSummary spanAt(int64_t rowId, int64_t startNs)
{
    SpanSummary s;
    s.rowId = rowId;
    s.startNs = startNs;
    s.name = "op " + std::to_string(rowId);
    return s;
}

void expectNewestStartFirst(const SpanListModel& model)
{
    for (int r = 1; r < model.rowCount(); ++r)
        ASSERT_TRUE(startsLater(model.span(r - 1), model.span(r)))
            << "row " << r << " starts at " << model.span(r).startNs << ", above it " << model.span(r - 1).startNs;
}

int asksOn(const QSignalSpy& asked, const char* prefix)
{
    int n = 0;
    for (const QList<QVariant>& call : asked)
        n += call.at(0).toByteArray().startsWith(prefix);
    return n;
}

/// A trace of \a spans spans whose root starts at \a startNs, written through the real writer.
bench::DeepTraceOptions freshTrace(uint8_t tag, int spans, int64_t startNs)
{
    bench::DeepTraceOptions fresh;
    fresh.traceId = { 0x5c, tag, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
    fresh.spans = spans;
    fresh.spineDepth = 3;
    fresh.logs = 0;
    fresh.seed = 100 + tag;
    fresh.startNs = startNs;
    return fresh;
}

constexpr int64_t kMs = 1'000'000;

} // namespace

TEST(SpanListOrder, PagesAndLiveBatchesGoInAtTheirPlaces)
{
    SpanTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QTableView view;
    view.setModel(&proxy);
    model.reset(1);

    // A page in arrival order (rowid descending); span 97 is a long one that
    // started well before the spans stored around it.
    std::vector<SpanSummary> page;
    for (int64_t id = 100; id > 80; --id)
        page.push_back(spanAt(id, id * kMs));
    page[3].startNs = 70 * kMs;
    QSignalSpy loaded(&model, &SpanTableModel::rowsLoaded);
    model.appendPage(1, page, 0, SpanTableModel::PageEnd::Filled);
    ASSERT_TRUE(loaded.wait(5000));
    ASSERT_EQ(model.rowCount(), 20);
    expectNewestStartFirst(model);
    EXPECT_EQ(model.span(19).rowId, 97) << "the long span sorts by its start, not by when it was stored";

    view.setCurrentIndex(proxy.index(7, 0));
    const int64_t current = model.span(7).rowId;
    const auto currentRowId = [&] { return model.span(proxy.mapToSource(view.currentIndex()).row()).rowId; };
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelAboutToBeReset);

    // Three new spans for three places: three inserts, nothing else.
    model.insertNewer(1, { spanAt(201, 200 * kMs), spanAt(202, 95 * kMs + 1), spanAt(203, 71 * kMs + 1) });
    EXPECT_EQ(inserted.count(), 3);
    EXPECT_EQ(layouts.count(), 0);
    EXPECT_EQ(model.rowCount(), 23);
    expectNewestStartFirst(model);
    EXPECT_EQ(model.span(0).rowId, 201);
    EXPECT_EQ(currentRowId(), current) << "the current row stays on its span";

    // Spread over more places than kMaxInsertRuns: one insert and one reorder.
    std::vector<SpanSummary> scattered;
    for (int64_t i = 0; i < 20; ++i)
        scattered.push_back(spanAt(300 + i, (81 + i) * kMs + 500));
    inserted.clear();
    model.insertNewer(1, scattered);
    EXPECT_EQ(inserted.count(), 1);
    EXPECT_EQ(layouts.count(), 1);
    EXPECT_EQ(model.rowCount(), 43);
    expectNewestStartFirst(model);
    EXPECT_EQ(currentRowId(), current) << "the reorder moves the current row with its span";
    EXPECT_EQ(model.newestRowId(), 319);
    EXPECT_EQ(model.rowOf(97, 70 * kMs), 42);
    EXPECT_EQ(model.rowOf(97, 71 * kMs), -1);

    // Tail -f keeps the newest stored rows, wherever they sort, and pages on below them.
    view.setCurrentIndex({});
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.keepNewestStored(1, 10);
    ASSERT_EQ(model.rowCount(), 10);
    EXPECT_GE(removed.count(), 1);
    expectNewestStartFirst(model);
    for (int r = 0; r < model.rowCount(); ++r)
        EXPECT_GE(model.span(r).rowId, 310);
    EXPECT_FALSE(model.exhausted()) << "paging goes on below the rows kept";

    // A restart (a flood of new spans nobody is reading) replaces the rows without a reset.
    model.restartWith(1, { spanAt(500, 300 * kMs), spanAt(499, 301 * kMs) }, 498);
    EXPECT_EQ(resets.count(), 0);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.span(0).rowId, 499);
    EXPECT_EQ(model.newestRowId(), 500);
    EXPECT_FALSE(model.exhausted()) << "paging goes on below the new page";
}

TEST_F(TracesPage, LiveSpansGoInAtTheirPlacesNewestStartFirst)
{
    context().setPreset(ConsoleContext::RangePreset::Hour1);
    context().setLive(true);
    ASSERT_TRUE(waitIdle());
    SpanTableModel* model = view->model();
    const int before = model->rowCount();
    ASSERT_GT(before, 40);
    expectNewestStartFirst(*model);
    const int64_t newest = model->newestRowId();
    view->table()->setCurrentIndex(view->sortModel()->index(5, 0));
    const int64_t selected = model->span(5).rowId;
    // Scrolled down to the middle: what is on top of the view stays there.
    view->table()->scrollTo(view->sortModel()->index(before / 2 + 10, 0), QAbstractItemView::PositionAtTop);
    const int64_t topId = model->span(view->sortModel()->mapToSource(view->table()->indexAt(QPoint(1, 1))).row()).rowId;

    // A new trace whose root started together with a span in the middle of
    // the list: it belongs there, not on top.
    const SpanSummary middle = model->span(before / 2);
    const bench::DeepTraceOptions fresh = freshTrace(1, 30, middle.startNs);
    ASSERT_TRUE(bench::ensureDeepTrace(s_fixture->databasePath(), fresh).ok);
    QSignalSpy resets(model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
    emit context().dataChanged(); // what the coalesced "new data" poll says
    ASSERT_TRUE(QTest::qWaitFor([&] { return model->rowCount() == before + 30; }, 10000))
        << model->rowCount() << " rows";
    EXPECT_EQ(resets.count(), 0) << "live rows go in with beginInsertRows, never a reset";
    EXPECT_GE(inserted.count(), 1);
    expectNewestStartFirst(*model);
    int freshRows = 0, rootRow = -1;
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->span(r).traceId != fresh.traceId)
            continue;
        ++freshRows;
        EXPECT_GT(model->span(r).rowId, newest);
        if (model->span(r).startNs == middle.startNs)
            rootRow = r;
    }
    EXPECT_EQ(freshRows, 30);
    ASSERT_GT(rootRow, 0);
    EXPECT_EQ(model->rowOf(middle.rowId, middle.startNs), rootRow + 1) << "the root sits right above the span "
                                                                          "that started with it";
    const QModelIndex current = view->sortModel()->mapToSource(view->table()->currentIndex());
    EXPECT_EQ(model->span(current.row()).rowId, selected) << "the selection stays on its span";
    const QModelIndex top = view->sortModel()->mapToSource(view->table()->indexAt(QPoint(1, 1)));
    EXPECT_EQ(model->span(top.row()).rowId, topId) << "the rows in view stay in view";
}

TEST_F(TracesPage, AHiddenPageAsksNothingAndCatchesUpWhenShown)
{
    context().setPreset(ConsoleContext::RangePreset::Hour1);
    context().setLive(true);
    ASSERT_TRUE(waitIdle());
    SpanTableModel* model = view->model();
    const int before = model->rowCount();
    ASSERT_GT(before, 0);

    // A reader's current row: the rows stay as they are and new ones go in at their places.
    view->table()->setCurrentIndex(view->sortModel()->index(3, 0));
    view->hide(); // as a page the main window is not showing
    QSignalSpy asked(&context(), &ConsoleContext::asked);
    const int64_t start = (QDateTime::currentSecsSinceEpoch() / 60 - 3) * kMinuteNs;
    const bench::DeepTraceOptions fresh = freshTrace(2, 12, start);
    ASSERT_TRUE(bench::ensureDeepTrace(s_fixture->databasePath(), fresh).ok);
    emit context().dataChanged();
    emit context().dataChanged();
    QCoreApplication::processEvents();
    EXPECT_EQ(asksOn(asked, "traces."), 0) << "a hidden page asks no query on new data";
    EXPECT_EQ(model->rowCount(), before);

    QSignalSpy applied(view.get(), &TracesView::newerApplied);
    view->show();
    ASSERT_TRUE(applied.wait(10000)) << "shown again, the page catches up";
    EXPECT_EQ(asksOn(asked, "traces.newer"), 1);
    EXPECT_EQ(asksOn(asked, "traces.search"), 0) << "new spans only, not the whole search again";
    EXPECT_EQ(model->rowCount(), before + 12);
    expectNewestStartFirst(*model);

    // The range changes while hidden: nothing is asked until the page shows, then the search runs.
    view->hide();
    asked.clear();
    context().setPreset(ConsoleContext::RangePreset::Minutes15);
    context().setPreset(ConsoleContext::RangePreset::Hour1);
    QCoreApplication::processEvents();
    EXPECT_EQ(asksOn(asked, "traces."), 0);
    // A live range ends after the current minute, and each page asks with the
    // range of its moment: if the minute changes while the pages come, the
    // oldest minute (the last rows, newest first) drops out part way. So the
    // table holds at least what SQL finds in the range after, and at most what
    // it finds in the range before, in the same order.
    const TimeRange rangeBefore = context().range();
    view->show();
    EXPECT_EQ(asksOn(asked, "traces.search"), 1);
    const std::vector<int64_t> shown = pageThroughAll();
    const std::vector<int64_t> atLeast = sqlIds("", context().range()), atMost = sqlIds("", rangeBefore);
    const auto startsWith = [](const std::vector<int64_t>& ids, const std::vector<int64_t>& head) {
        return ids.size() >= head.size() && std::equal(head.begin(), head.end(), ids.begin());
    };
    EXPECT_TRUE(startsWith(shown, atLeast) && startsWith(atMost, shown))
        << shown.size() << " rows; SQL finds " << atLeast.size() << " to " << atMost.size();
    int freshRows = 0;
    for (int r = 0; r < model->rowCount(); ++r)
        freshRows += model->span(r).traceId == fresh.traceId;
    EXPECT_EQ(freshRows, 12) << "the spans caught up while hidden are found again";
    expectNewestStartFirst(*model);
}

TEST_F(TracesPage, AFloodOfNewSpansRestartsTheListWithoutAReset)
{
    context().setPreset(ConsoleContext::RangePreset::Hour1);
    context().setLive(true);
    const int64_t start = (QDateTime::currentSecsSinceEpoch() / 60 - 2) * kMinuteNs;
    const bench::DeepTraceOptions first = freshTrace(3, 5, start);
    ASSERT_TRUE(bench::ensureDeepTrace(s_fixture->databasePath(), first).ok);
    view->setPaging(10, 100000);
    view->filterEdit()->setText(QStringLiteral("trace:5c03 trace:5c04")); // this test's traces only
    view->applyFilter();
    ASSERT_TRUE(waitIdle());
    SpanTableModel* model = view->model();
    ASSERT_EQ(model->rowCount(), 5);
    view->table()->selectionModel()->clear(); // nobody is reading: tail -f

    // More new spans than a page: the newest page replaces the rows.
    const bench::DeepTraceOptions flood = freshTrace(4, 25, start + 1'000'000'000);
    ASSERT_TRUE(bench::ensureDeepTrace(s_fixture->databasePath(), flood).ok);
    QSignalSpy resets(model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy applied(view.get(), &TracesView::newerApplied);
    emit context().dataChanged();
    ASSERT_TRUE(applied.wait(10000));
    EXPECT_EQ(resets.count(), 0);
    EXPECT_EQ(model->newestRowId(), std::stoll(firstValue("SELECT max(id) FROM spans")));
    EXPECT_FALSE(view->statusText().contains(QStringLiteral("F5"))) << view->statusText().toStdString();

    // Paging goes on below the new page (this fixture's model tester pages to
    // the end): every span of both traces once, newest start first, no gap.
    ASSERT_TRUE(waitIdle());
    EXPECT_EQ(model->rowCount(), 30);
    std::set<int64_t> ids;
    for (int r = 0; r < model->rowCount(); ++r) {
        ids.insert(model->span(r).rowId);
        EXPECT_TRUE(model->span(r).traceId == first.traceId || model->span(r).traceId == flood.traceId);
    }
    EXPECT_EQ(ids.size(), 30u);
    expectNewestStartFirst(*model);
}
