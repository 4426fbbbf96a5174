// The console shell over a generated database: the filter bar drives every
// page, mirrors filters set elsewhere, and the Overview's figures agree with
// what the database holds.

#include "consolecontext.h"
#include "consolefixture.h"
#include "failingpromptsview.h"
#include "filterbar.h"
#include "heatmapview.h"
#include "ingestsnapshot.h"
#include "mainwindow.h"
#include "overviewtile.h"
#include "overviewview.h"
#include "spantablemodel.h"
#include "sparkline.h"
#include "spendtablemodel.h"
#include "spendview.h"
#include "tracesview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <algorithm>
#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

struct ConsoleShell : ::testing::Test
{
    static void SetUpTestSuite()
    {
        s_fixture = new ConsoleFixture(20000, 2);
        ASSERT_TRUE(s_fixture->ok()) << s_fixture->error();
    }
    static void TearDownTestSuite()
    {
        delete s_fixture;
        s_fixture = nullptr;
    }
    void SetUp() override
    {
        QSettings().clear();
        ConsoleContext& context = s_fixture->context();
        context.setFilters({});
        context.setPreset(ConsoleContext::RangePreset::Hours24);
        context.setLive(true);
        window = std::make_unique<MainWindow>(&context, [] {
            IngestSnapshot snapshot;
            snapshot.writer.spansStored = s_fixture->summary().spans;
            return snapshot;
        });
        window->resize(1366, 768);
        window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    }
    void TearDown() override
    {
        window.reset();
        QSettings().clear();
    }

    static ConsoleFixture* s_fixture;
    std::unique_ptr<MainWindow> window;
};

ConsoleFixture* ConsoleShell::s_fixture = nullptr;

} // namespace

TEST_F(ConsoleShell, ChoosingATenantNarrowsEveryPage)
{
    FilterBar* bar = window->filterBar();
    QComboBox* tenants = bar->tenantPicker();
    ASSERT_TRUE(QTest::qWaitFor([&] { return tenants->count() > 2; }, 10000)) << "tenant names never arrived";
    EXPECT_TRUE(tenants->itemText(0).isEmpty()); // "any" comes first
    const QString tenant = tenants->itemText(1);

    QSignalSpy overview(window->overviewPage(), &OverviewView::resultApplied);
    QSignalSpy heatmap(window->heatmapPage(), &HeatmapView::resultApplied);
    QSignalSpy traces(window->tracesPage(), &TracesView::pageLoaded);
    QSignalSpy spend(window->spendPage(), &SpendView::resultApplied);
    QSignalSpy failing(window->failingPromptsPage(), &FailingPromptsView::resultApplied);
    QSignalSpy selection(&s_fixture->context(), &ConsoleContext::selectionChanged);

    // What a user does: pick the tenant from the list.
    tenants->setFocus();
    tenants->setCurrentIndex(1);
    emit tenants->activated(1);
    ASSERT_EQ(selection.count(), 1); // editingFinished on focus-out must not ask a second time
    EXPECT_EQ(s_fixture->context().filters().tenant, tenant.toStdString());
    EXPECT_TRUE(bar->findChild<QToolButton*>() != nullptr);

    // Each page, when looked at, has asked again with the tenant.
    const std::pair<MainWindow::Page, QSignalSpy*> pages[] = { { MainWindow::Page::Overview, &overview },
        { MainWindow::Page::Heatmap, &heatmap }, { MainWindow::Page::Traces, &traces },
        { MainWindow::Page::Spend, &spend }, { MainWindow::Page::FailingPrompts, &failing } };
    for (const auto& [page, spy] : pages) {
        window->showPage(page);
        EXPECT_TRUE(QTest::qWaitFor([spy = spy] { return spy->count() > 0; }, 15000))
            << MainWindow::pageKey(page).toStdString() << " did not ask again";
    }
    EXPECT_EQ(window->heatmapPage()->query().filters.tenant, tenant.toStdString());
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->spendPage()->tenantModel()->rowCount() == 1; }, 10000));
    EXPECT_EQ(window->spendPage()->tenantModel()->index(0, SpendTableModel::Tenant).data().toString(), tenant);

    // The overview's throughput is now that tenant's, a part of the whole.
    const int64_t narrowed = window->overviewPage()->figures().spans;
    EXPECT_GT(narrowed, 0);
    bar->clearFilters();
    QSignalSpy cleared(window->overviewPage(), &OverviewView::resultApplied);
    window->showPage(MainWindow::Page::Overview);
    ASSERT_TRUE(cleared.wait(10000));
    EXPECT_LT(narrowed, window->overviewPage()->figures().spans);
    EXPECT_TRUE(tenants->currentText().isEmpty());
}

TEST_F(ConsoleShell, FilterBarMirrorsFiltersSetElsewhere)
{
    FilterBar* bar = window->filterBar();
    QueryFilters filters;
    filters.tenant = "globex";
    filters.model = "gpt-4o";
    filters.prompt = "0123456789abcdef";
    s_fixture->context().setFilters(filters); // e.g. a heatmap finding turned into a filter
    EXPECT_EQ(bar->tenantPicker()->currentText(), QStringLiteral("globex"));
    EXPECT_EQ(bar->modelPicker()->currentText(), QStringLiteral("gpt-4o"));
    EXPECT_EQ(bar->promptField()->text(), QStringLiteral("0123456789abcdef"));
    EXPECT_TRUE(bar->servicePicker()->currentText().isEmpty());

    s_fixture->context().setPreset(ConsoleContext::RangePreset::Days7);
    EXPECT_EQ(bar->rangePicker()->currentText(), QStringLiteral("7 d"));
    s_fixture->context().setLive(false);
    EXPECT_FALSE(bar->liveButton()->isChecked());
    QTest::mouseClick(bar->liveButton(), Qt::LeftButton);
    EXPECT_TRUE(s_fixture->context().live());
}

TEST_F(ConsoleShell, TypingAPromptFingerprintFilters)
{
    QLineEdit* prompt = window->filterBar()->promptField();
    prompt->setFocus();
    QTest::keyClicks(prompt, QStringLiteral("ABCDEF0123456789"));
    QTest::keyClick(prompt, Qt::Key_Return);
    EXPECT_EQ(s_fixture->context().filters().prompt, "abcdef0123456789"); // fingerprints are lower-case hex
}

TEST_F(ConsoleShell, OverviewAgreesWithTheDatabase)
{
    OverviewView* overview = window->overviewPage();
    QSignalSpy applied(overview, &OverviewView::resultApplied);
    // Seven days hold all of the fixture's two days.
    s_fixture->context().setPreset(ConsoleContext::RangePreset::Days7);
    ASSERT_TRUE(applied.wait(15000));
    const OverviewFigures& f = overview->figures();
    ASSERT_TRUE(f.ok()) << f.error;
    EXPECT_EQ(f.spans, s_fixture->summary().spans);
    EXPECT_GT(f.errors, 0);
    ASSERT_TRUE(f.p50Ns && f.p95Ns && f.p99Ns);
    EXPECT_LE(*f.p50Ns, *f.p95Ns);
    EXPECT_LE(*f.p95Ns, *f.p99Ns);
    EXPECT_GT(f.spend.costNanoUsd, 0);
    EXPECT_GE(f.activeTenants, 2);

    // Every series has one point per column, and the rate points add back up to the spans.
    const size_t columns = f.columnStarts.size();
    ASSERT_GT(columns, 50u);
    for (const Series* s :
        { &f.spanRate, &f.errorRate, &f.p50, &f.p95, &f.p99, &f.spendPerHour, &f.tenants, &f.unpriced })
        EXPECT_EQ(s->size(), columns);
    double spans = 0;
    for (size_t c = 0; c < columns; ++c) {
        const int64_t end = c + 1 < columns ? f.columnStarts[c + 1] : f.range.toMinute;
        const double seconds = std::min<double>((end - f.columnStarts[c]) * 60.0,
            std::max<double>(0, QDateTime::currentSecsSinceEpoch() - f.columnStarts[c] * 60.0));
        if (f.spanRate[c])
            spans += *f.spanRate[c] * seconds;
    }
    EXPECT_NEAR(spans, double(f.spans), double(f.spans) * 0.02);

    OverviewTile* throughput = overview->tile(QStringLiteral("Throughput"));
    ASSERT_NE(throughput, nullptr);
    EXPECT_TRUE(throughput->value().endsWith(QStringLiteral("/s")));
    EXPECT_EQ(throughput->sparkline()->values().size(), columns);
    EXPECT_NE(overview->tile(QStringLiteral("p99 latency"))->value(), QStringLiteral("–"));
    EXPECT_TRUE(overview->tile(QStringLiteral("Spend per hour"))->value().startsWith(QLatin1Char('$')));
}

TEST_F(ConsoleShell, HiddenOverviewWaitsUntilShown)
{
    window->showPage(MainWindow::Page::Ingest);
    // The answers to the window's first questions: every one handed over, then delivered.
    s_fixture->runner().waitIdle();
    QCoreApplication::processEvents();
    QSignalSpy asked(&s_fixture->context(), &ConsoleContext::asked);
    QSignalSpy applied(window->overviewPage(), &OverviewView::resultApplied);
    emit s_fixture->context().dataChanged(); // new spans while the overview is hidden: no query yet
    QCoreApplication::processEvents();
    const auto overviewAsks = [&asked] {
        return std::count_if(asked.begin(), asked.end(),
            [](const QList<QVariant>& call) { return call.at(0).toByteArray() == "overview"; });
    };
    EXPECT_EQ(overviewAsks(), 0) << "a hidden overview asks nothing";
    EXPECT_EQ(applied.count(), 0);
    window->showPage(MainWindow::Page::Overview);
    ASSERT_TRUE(applied.wait(10000)) << "shown, it catches up";
    EXPECT_GE(overviewAsks(), 1);
}

TEST_F(ConsoleShell, ATraceAskedForAnywhereOpensOnTheTracesPage)
{
    window->showPage(MainWindow::Page::Traces);
    SpanTableModel* spans = window->tracesPage()->model();
    ASSERT_TRUE(QTest::qWaitFor([&] { return spans->rowCount() > 0; }, 15000));
    const QByteArray bytes = spans->index(0, 0).data(SpanTableModel::TraceIdRole).toByteArray();
    ASSERT_EQ(bytes.size(), 16);
    TraceId trace {};
    std::copy(bytes.begin(), bytes.end(), trace.begin());

    window->showPage(MainWindow::Page::Heatmap);
    emit window->heatmapPage()->traceRequested(trace); // a double-clicked span of a heatmap cell
    EXPECT_EQ(window->currentPage(), MainWindow::Page::Traces);
    EXPECT_TRUE(window->tracesPage()->showingTrace());

    window->tracesPage()->showList();
    window->showPage(MainWindow::Page::FailingPrompts);
    emit window->failingPromptsPage()->traceRequested(trace); // an example failing trace
    EXPECT_EQ(window->currentPage(), MainWindow::Page::Traces);
    EXPECT_TRUE(window->tracesPage()->showingTrace());
}
