// The latency heatmap page over a generated multi-tenant GenAI database:
// what an on-call engineer does with it — click a cell, drag over the slow
// region, turn a finding into a filter — driven with QTest, offscreen.

#include "cellspansmodel.h"
#include "comparisonmodel.h"
#include "comparisonpanel.h"
#include "consolefixture.h"
#include "heatmapscale.h"
#include "heatmapview.h"
#include "heatmapwidget.h"
#include "spanlistmodel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDateTime>
#include <QHelpEvent>
#include <QLocale>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolTip>
#include <gtest/gtest.h>
#include <set>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int kTimeoutMs = 20000;

class HeatmapViewTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        // Dense enough that the busiest cell of a weekend day holds a few pages.
        s_fixture = new ConsoleFixture(40000, 2);
        ASSERT_TRUE(s_fixture->ok()) << s_fixture->error();
    }
    static void TearDownTestSuite()
    {
        delete s_fixture;
        s_fixture = nullptr;
    }

    void SetUp() override
    {
        ASSERT_TRUE(s_fixture && s_fixture->ok());
        QSettings().remove(QStringLiteral("heatmap")); // every test starts from the defaults
        context().setFilters({});
        context().setPreset(ConsoleContext::RangePreset::Hours24);
        view = std::make_unique<HeatmapView>(&context());
        view->resize(1366, 768);
        QSignalSpy applied(view.get(), &HeatmapView::resultApplied);
        view->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(view.get()));
        ASSERT_TRUE(applied.count() > 0 || applied.wait(kTimeoutMs));
        ASSERT_GT(view->result().total, 0);
    }
    void TearDown() override { view.reset(); }

    static ConsoleContext& context() { return s_fixture->context(); }

    /// Reads every page of the cell spans model.
    static void fetchAll(CellSpansModel* model)
    {
        for (int guard = 0; guard < 10000; ++guard) {
            if (model->loading()) {
                QSignalSpy page(model, &CellSpansModel::pageApplied);
                ASSERT_TRUE(!model->loading() || page.wait(kTimeoutMs));
                continue;
            }
            if (!model->canFetchMore({}))
                return;
            model->fetchMore({});
        }
        FAIL() << "paging never ended";
    }

    /// Drags over whole cells [c0, c1] × [r0, r1] with the mouse.
    void drag(int c0, int r0, int c1, int r1)
    {
        HeatmapWidget* map = view->heatmap();
        const QPoint from = map->cellRect(c0, r0).center().toPoint();
        const QPoint to = map->cellRect(c1, r1).center().toPoint();
        QTest::mousePress(map, Qt::LeftButton, {}, from);
        QTest::mouseMove(map, (from + to) / 2);
        QTest::mouseMove(map, to);
        QTest::mouseRelease(map, Qt::LeftButton, {}, to);
    }

    static ConsoleFixture* s_fixture;
    std::unique_ptr<HeatmapView> view;
};

ConsoleFixture* HeatmapViewTest::s_fixture = nullptr;

/// The row holding the \a q quantile of the map's spans.
int quantileRow(const HeatmapResult& result, double q)
{
    std::vector<int64_t> perRow(result.rows.size());
    for (const HeatmapCell& cell : result.cells)
        perRow[static_cast<size_t>(cell.row)] += cell.count;
    int64_t seen = 0;
    for (size_t r = 0; r < perRow.size(); ++r) {
        seen += perRow[r];
        if (static_cast<double>(seen) >= q * static_cast<double>(result.total))
            return static_cast<int>(r);
    }
    return static_cast<int>(perRow.size()) - 1;
}

/// A double-click as a user makes it: QTest's alone sends no press first,
/// and item views only report a double-click on the item that was pressed.
void doubleClick(QAbstractItemView* view, const QModelIndex& index)
{
    const QPoint pos = view->visualRect(index).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, pos);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, pos);
}

/// The first finding of \a key, or -1.
int firstFinding(const ComparisonModel* model, const QString& key)
{
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->finding(row).key == key)
            return row;
    return -1;
}

TEST_F(HeatmapViewTest, AClickOnACellListsExactlyThatCellsSpans)
{
    CellSpansModel* model = view->cellSpansModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const HeatmapResult& result = view->result();
    // The busiest cell, with the most errors among equals: paging, and error
    // rows in the table. (How busy depends on the weekday and the generated
    // daily cycle: a weekend day has about half a weekday's spans.)
    const HeatmapCell* chosen = nullptr;
    for (const HeatmapCell& cell : result.cells)
        if (!chosen || std::pair(cell.count, cell.errorCount) > std::pair(chosen->count, chosen->errorCount))
            chosen = &cell;
    ASSERT_NE(chosen, nullptr);
    ASSERT_GE(chosen->count, 8) << "no cell with a few pages of spans";
    const HeatmapCell cell = *chosen;
    model->setPageSize(static_cast<int>(cell.count / 4)); // several pages: the keyset paging is exercised
    const HeatmapRow bounds = result.rows[static_cast<size_t>(cell.row)];
    const int64_t from = result.columnStarts[static_cast<size_t>(cell.column)];
    const int64_t to = std::min<int64_t>(from + view->query().columnMinutes, view->query().range.toMinute);

    const QRectF rect = view->heatmap()->cellRect(cell.column, cell.row);
    ASSERT_FALSE(rect.isEmpty());
    // Hovering shows the cell's time range, latency range and count.
    QHelpEvent hover(QEvent::ToolTip, rect.center().toPoint(), view->heatmap()->mapToGlobal(rect.center().toPoint()));
    QApplication::sendEvent(view->heatmap(), &hover);
    EXPECT_TRUE(QToolTip::text().contains(QLocale().toString(qlonglong(cell.count)) + QStringLiteral(" spans")))
        << QToolTip::text().toStdString();
    EXPECT_TRUE(QToolTip::text().contains(formatLatency(static_cast<double>(bounds.upperNs))));
    QTest::mouseClick(view->heatmap(), Qt::LeftButton, {}, rect.center().toPoint());
    EXPECT_EQ(view->heatmap()->focusedCell(), qMakePair(cell.column, cell.row));
    fetchAll(model);

    ASSERT_EQ(model->rowCount(), cell.count);
    std::set<QByteArray> spans;
    int errors = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const int64_t duration
            = model->index(row, CellSpansModel::Duration).data(CellSpansModel::RawValueRole).toLongLong();
        const int64_t start = model->index(row, CellSpansModel::Time).data(CellSpansModel::RawValueRole).toLongLong();
        EXPECT_GT(duration, bounds.lowerNs);
        EXPECT_LE(duration, bounds.upperNs);
        EXPECT_GE(start, from * 60'000'000'000);
        EXPECT_LT(start, to * 60'000'000'000);
        const SpanSummary& s = model->span(row);
        spans.insert(QByteArray(reinterpret_cast<const char*>(s.spanId.data()), 8)
            + model->index(row, 0).data(CellSpansModel::TraceIdRole).toByteArray());
        errors += s.statusCode == 2;
    }
    EXPECT_EQ(static_cast<int64_t>(spans.size()), cell.count) << "a span listed twice";
    for (int row = 1; row < model->rowCount(); ++row)
        ASSERT_TRUE(startsLater(model->span(row - 1), model->span(row))) << "newest start first, row " << row;
    EXPECT_EQ(errors, cell.errorCount);

    // Double-click a span: its trace is asked for.
    TraceId requested {};
    QObject::connect(
        view.get(), &HeatmapView::traceRequested, view.get(), [&requested](TraceId id) { requested = id; });
    QTableView* table = view->spansTable();
    doubleClick(table, model->index(0, CellSpansModel::Name));
    EXPECT_EQ(requested, model->span(0).traceId);

    view->setErrorOverlay(true);
    EXPECT_TRUE(saveScreenshot(view.get(), QStringLiteral("heatmap")));
}

TEST_F(HeatmapViewTest, DraggingOverTheSlowRegionSurfacesTheSlowTenant)
{
    // The engineer's path: the slow model is already known (a filter), the
    // slow half of its calls is dragged, the tenant behind it stands out.
    const gendb::GenDbSummary& planted = s_fixture->summary();
    QueryFilters filters;
    filters.model = planted.slowModel;
    QSignalSpy applied(view.get(), &HeatmapView::resultApplied);
    context().setFilters(filters);
    ASSERT_TRUE(applied.wait(kTimeoutMs));
    const HeatmapResult& result = view->result();
    ASSERT_GT(result.total, 100);

    ComparisonModel* model = view->comparisonPanel()->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy compared(view->comparisonPanel(), &ComparisonPanel::resultApplied);
    const int lastColumn = static_cast<int>(result.columnStarts.size()) - 1;
    const int topRow = static_cast<int>(result.rows.size()) - 1;
    drag(0, quantileRow(result, 0.5), lastColumn, topRow);
    ASSERT_TRUE(view->heatmap()->selection());
    ASSERT_TRUE(compared.wait(kTimeoutMs));
    ASSERT_GT(model->rowCount(), 0);

    // Ranked by over-representation, each difference the gap between the shares.
    for (int row = 0; row < model->rowCount(); ++row) {
        const ValueComparison& c = model->finding(row).comparison;
        EXPECT_NEAR(c.difference, c.selectionShare - c.baselineShare, 1e-9);
        if (row > 0) {
            EXPECT_LE(c.difference, model->finding(row - 1).comparison.difference);
        }
    }
    const int tenantRow = firstFinding(model, QStringLiteral("tenant"));
    ASSERT_GE(tenantRow, 0);
    EXPECT_EQ(model->finding(tenantRow).value.toStdString(), planted.slowTenant);
    EXPECT_LT(tenantRow, 10) << "the slow tenant is among the top findings";
    EXPECT_GT(model->finding(tenantRow).comparison.selectionShare, model->finding(tenantRow).comparison.baselineShare);
    EXPECT_TRUE(model->isFilterable(tenantRow));

    view->setErrorOverlay(true);
    EXPECT_TRUE(saveScreenshot(view.get(), QStringLiteral("heatmap-selection")));
}

TEST_F(HeatmapViewTest, AFindingBecomesAGlobalFilterAndTheMapNarrows)
{
    const int64_t unfilteredTotal = view->result().total;
    const HeatmapResult& result = view->result();
    QSignalSpy compared(view->comparisonPanel(), &ComparisonPanel::resultApplied);
    drag(0, quantileRow(result, 0.75), static_cast<int>(result.columnStarts.size()) - 1,
        static_cast<int>(result.rows.size()) - 1);
    ASSERT_TRUE(compared.wait(kTimeoutMs));
    ComparisonModel* model = view->comparisonPanel()->model();

    // A span attribute is not a dimension: no filter, and the tooltip says why.
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->finding(row).origin != AttributeOrigin::Span)
            continue;
        EXPECT_FALSE(view->comparisonPanel()->applyFinding(row));
        EXPECT_TRUE(model->index(row, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Not a filter")));
        break;
    }
    EXPECT_TRUE(context().filters().tenant.empty());

    const int tenantRow = firstFinding(model, QStringLiteral("tenant"));
    ASSERT_GE(tenantRow, 0);
    const QString tenant = model->finding(tenantRow).value;
    QTableView* table = view->comparisonPanel()->view();
    table->scrollTo(model->index(tenantRow, 0));
    QSignalSpy applied(view.get(), &HeatmapView::resultApplied);
    doubleClick(table, model->index(tenantRow, 1));
    EXPECT_EQ(QString::fromStdString(context().filters().tenant), tenant);
    ASSERT_TRUE(applied.wait(kTimeoutMs));
    EXPECT_EQ(QString::fromStdString(view->query().filters.tenant), tenant);
    EXPECT_GT(view->result().total, 0);
    EXPECT_LT(view->result().total, unfilteredTotal);
    EXPECT_TRUE(view->summaryText().contains(tenant));
}

TEST_F(HeatmapViewTest, APromptFindingFiltersByItsFingerprint)
{
    // The comparison names prompts by label; the filter must hold the fingerprint.
    const int64_t unfilteredTotal = view->result().total;
    const HeatmapResult& result = view->result();
    QSignalSpy compared(view->comparisonPanel(), &ComparisonPanel::resultApplied);
    drag(0, quantileRow(result, 0.5), static_cast<int>(result.columnStarts.size()) - 1,
        static_cast<int>(result.rows.size()) - 1);
    ASSERT_TRUE(compared.wait(kTimeoutMs));
    ComparisonModel* model = view->comparisonPanel()->model();
    const int promptRow = firstFinding(model, QStringLiteral("prompt"));
    ASSERT_GE(promptRow, 0);
    QSignalSpy filtered(&context(), &ConsoleContext::selectionChanged);
    QSignalSpy applied(view.get(), &HeatmapView::resultApplied);
    ASSERT_TRUE(view->comparisonPanel()->applyFinding(promptRow));
    ASSERT_TRUE(filtered.wait(kTimeoutMs));
    EXPECT_TRUE(QRegularExpression(QStringLiteral("^[0-9a-f]{16}$"))
                    .match(QString::fromStdString(context().filters().prompt))
                    .hasMatch())
        << context().filters().prompt;
    ASSERT_TRUE(applied.wait(kTimeoutMs));
    EXPECT_TRUE(view->result().fromRawSpans);
    EXPECT_GT(view->result().total, 0);
    EXPECT_LT(view->result().total, unfilteredTotal);
}

TEST_F(HeatmapViewTest, OnlyTheNewestOfTwoQueriesIsApplied)
{
    // A fixed range: a live one moves on with the clock, and a minute that drops
    // out between the two answers would change the total.
    const QDateTime to = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch() / 60 * 60 + 60);
    QSignalSpy ranged(view.get(), &HeatmapView::resultApplied);
    context().setCustomRange(to.addSecs(-24 * 3600), to);
    ASSERT_TRUE(ranged.wait(kTimeoutMs));
    s_fixture->runner().waitIdle();
    QCoreApplication::processEvents();
    const int64_t unfilteredTotal = view->result().total;
    ASSERT_GT(unfilteredTotal, 0);
    QSignalSpy applied(view.get(), &HeatmapView::resultApplied);
    QueryFilters narrow;
    narrow.tenant = s_fixture->summary().slowTenant;
    context().setFilters(narrow); // asks once...
    context().setFilters({}); // ...and again before the first answer is applied
    ASSERT_TRUE(applied.wait(kTimeoutMs));
    s_fixture->runner().waitIdle(); // every answer has been handed over...
    QCoreApplication::processEvents(); // ...and delivered, or dropped
    EXPECT_EQ(applied.count(), 1);
    EXPECT_TRUE(view->query().filters.tenant.empty());
    EXPECT_EQ(view->result().total, unfilteredTotal);
}

TEST_F(HeatmapViewTest, ArrowKeysMoveTheFocusedCellAndEnterOpensIt)
{
    HeatmapWidget* map = view->heatmap();
    map->setFocus();
    QSignalSpy clicked(map, &HeatmapWidget::cellClicked);
    QTest::keyClick(map, Qt::Key_Right); // the first key lands on the busiest cell
    const auto start = map->focusedCell();
    ASSERT_GE(map->cellIndex(start.first, start.second), 0);
    QTest::keyClick(map, Qt::Key_Up);
    QTest::keyClick(map, Qt::Key_Left);
    const auto moved = map->focusedCell();
    EXPECT_EQ(moved.second, std::min(start.second + 1, static_cast<int>(view->result().rows.size()) - 1));
    EXPECT_EQ(moved.first, std::max(start.first - 1, 0));
    QSignalSpy page(view->cellSpansModel(), &CellSpansModel::pageApplied);
    QTest::keyClick(map, Qt::Key_Return);
    ASSERT_EQ(clicked.count(), 1);
    EXPECT_EQ(clicked.at(0).at(0).toInt(), moved.first);
    EXPECT_EQ(clicked.at(0).at(1).toInt(), moved.second);
    ASSERT_TRUE(page.wait(kTimeoutMs));
}

TEST_F(HeatmapViewTest, ARangeWithoutSpansShowsTheEmptyState)
{
    QSignalSpy applied(view.get(), &HeatmapView::resultApplied);
    context().setCustomRange(QDateTime(QDate(2001, 1, 1), QTime(0, 0)), QDateTime(QDate(2001, 1, 2), QTime(0, 0)));
    ASSERT_TRUE(applied.wait(kTimeoutMs));
    EXPECT_TRUE(view->showsEmptyState());
    EXPECT_EQ(view->result().total, 0);
    context().setPreset(ConsoleContext::RangePreset::Hours24);
    ASSERT_TRUE(applied.wait(kTimeoutMs));
    EXPECT_FALSE(view->showsEmptyState());
}

TEST(HeatmapScale, LabelsAreReadable)
{
    EXPECT_EQ(formatLatency(1e6), QStringLiteral("1\u202Fms"));
    EXPECT_EQ(formatLatency(1.5e9), QStringLiteral("1.5\u202Fs"));
    EXPECT_EQ(formatLatency(250e6), QStringLiteral("250\u202Fms"));
    EXPECT_EQ(formatCompactCount(950), QStringLiteral("950"));
    EXPECT_EQ(formatCompactCount(1200), QStringLiteral("1.2k"));
    EXPECT_NE(heatColour(0), heatColour(1));
    EXPECT_LT(heatColour(0).lightness(), heatColour(1).lightness());
}

} // namespace
