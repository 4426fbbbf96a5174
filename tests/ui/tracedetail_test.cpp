// The Traces page's trace detail over the deep agent trace: the waterfall's
// layout, zoom, F8 between errors, search inside the trace, the span detail
// and its lazy "show all", and Enter on a listed span.

#include "spandetailpanel.h"
#include "spanformat.h"
#include "tracespage.h"

#include <QApplication>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QWheelEvent>
#include <cmath>
#include <map>
#include <set>

using namespace spanlight;
using namespace spanlight::test;

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
