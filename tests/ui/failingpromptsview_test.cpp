// The Failing prompts page over a generated database: rankings against
// queryFailingPrompts, trends against the ranking, example traces checked in
// SQL, "filter to this prompt", double-click to a trace, and a screenshot.

#include "consolefixture.h"
#include "failingpromptsmodel.h"
#include "failingpromptsquery.h"
#include "failingpromptsview.h"
#include "failingtracesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

struct FailingPromptsPage : ::testing::Test
{
    static void SetUpTestSuite()
    {
        s_fixture = new ConsoleFixture(20000, 2);
        ASSERT_TRUE(s_fixture->ok()) << s_fixture->error();
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
        const int64_t end = QDateTime::currentSecsSinceEpoch() / 60 + 1;
        range = { end - 24 * 60, end };
        s_fixture->context().setFilters({});
        s_fixture->context().setCustomRange(
            QDateTime::fromSecsSinceEpoch(range.fromMinute * 60), QDateTime::fromSecsSinceEpoch(range.toMinute * 60));
        view = std::make_unique<FailingPromptsView>(&s_fixture->context());
        QSignalSpy applied(view.get(), &FailingPromptsView::resultApplied);
        QSignalSpy detail(view.get(), &FailingPromptsView::detailApplied);
        view->resize(1366, 768);
        view->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(view.get()));
        ASSERT_TRUE(applied.count() > 0 || applied.wait(30000));
        ASSERT_TRUE(detail.count() > 0 || detail.wait(30000)); // the top prompt is selected on arrival
        for (QAbstractItemModel* m : { static_cast<QAbstractItemModel*>(view->promptModel()),
                 static_cast<QAbstractItemModel*>(view->traceModel()) })
            testers.push_back(
                std::make_unique<QAbstractItemModelTester>(m, QAbstractItemModelTester::FailureReportingMode::Fatal));
    }
    void TearDown() override
    {
        testers.clear();
        view.reset();
        s_fixture->runner().waitIdle();
        QCoreApplication::processEvents();
        s_fixture->context().setFilters({});
    }
    FailingPromptsResult direct(int minVolume) const
    {
        FailingPromptsQuery q;
        q.range = range;
        q.limit = 50;
        q.minSpansForRate = minVolume;
        return queryFailingPrompts(s_db, q);
    }
    static int64_t scalar(const std::string& sql)
    {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(s_db, sql.c_str(), -1, &stmt, nullptr);
        const int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
        sqlite3_finalize(stmt);
        return value;
    }
    void expectRanking(const std::vector<FailingPrompt>& expected)
    {
        const FailingPromptsModel* m = view->promptModel();
        ASSERT_EQ(m->rowCount(), int(expected.size()));
        for (int r = 0; r < m->rowCount(); ++r) {
            EXPECT_EQ(m->index(r, 0).data(FailingPromptsModel::FingerprintRole).toString().toStdString(),
                expected[size_t(r)].fingerprint);
            EXPECT_EQ(m->index(r, FailingPromptsModel::Failures).data(FailingPromptsModel::RawValueRole).toLongLong(),
                expected[size_t(r)].errors);
            EXPECT_EQ(m->index(r, FailingPromptsModel::Volume).data(FailingPromptsModel::RawValueRole).toLongLong(),
                expected[size_t(r)].spans);
        }
    }

    static ConsoleFixture* s_fixture;
    static sqlite3* s_db;
    TimeRange range;
    std::unique_ptr<FailingPromptsView> view;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
};
ConsoleFixture* FailingPromptsPage::s_fixture = nullptr;
sqlite3* FailingPromptsPage::s_db = nullptr;

} // namespace

TEST_F(FailingPromptsPage, RankingsMatchTheQuery)
{
    view->setRanking(FailingPromptsView::Ranking::ByFailures);
    const FailingPromptsResult expected = direct(view->minimumVolume());
    ASSERT_TRUE(expected.ok()) << expected.error;
    ASSERT_FALSE(expected.byFailures.empty());
    expectRanking(expected.byFailures);

    view->setRanking(FailingPromptsView::Ranking::ByRate);
    expectRanking(expected.byRate);

    // A lower floor asks again and ranks more prompts by rate.
    QSignalSpy applied(view.get(), &FailingPromptsView::resultApplied);
    view->setMinimumVolume(3);
    ASSERT_TRUE(applied.wait(30000));
    expectRanking(direct(3).byRate);
    view->setMinimumVolume(20);
    ASSERT_TRUE(applied.wait(30000));
    view->setRanking(FailingPromptsView::Ranking::ByFailures); // remembered in QSettings: leave the default
}

TEST_F(FailingPromptsPage, TrendsAddUpToTheFailures)
{
    const FailingPromptsModel* m = view->promptModel();
    ASSERT_GT(m->rowCount(), 0);
    for (int r = 0; r < m->rowCount(); ++r) {
        const QVariantList trend
            = m->index(r, FailingPromptsModel::Trend).data(FailingPromptsModel::TrendRole).toList();
        ASSERT_GE(trend.size(), 2);
        qlonglong sum = 0;
        for (const QVariant& v : trend)
            sum += v.toLongLong();
        EXPECT_EQ(sum, m->index(r, FailingPromptsModel::Failures).data(FailingPromptsModel::RawValueRole).toLongLong());
    }
}

TEST_F(FailingPromptsPage, SelectingAPromptShowsItsFailingTraces)
{
    const FailingPromptsModel* m = view->promptModel();
    ASSERT_GT(m->rowCount(), 1);
    QSignalSpy detail(view.get(), &FailingPromptsView::detailApplied);
    view->promptTable()->selectRow(1);
    ASSERT_TRUE(detail.wait(30000));
    const QString fingerprint = m->index(1, 0).data(FailingPromptsModel::FingerprintRole).toString();
    EXPECT_EQ(view->selectedFingerprint(), fingerprint);
    const FailingTracesModel* traces = view->traceModel();
    ASSERT_GT(traces->rowCount(), 0);
    const std::string promptId = "(SELECT id FROM dict WHERE kind = 9 AND value = '" + fingerprint.toStdString() + "')";
    for (int r = 0; r < traces->rowCount(); ++r) {
        const QString trace = traces->index(r, FailingTracesModel::Trace).data().toString();
        const std::string where = " FROM spans WHERE trace_id = x'" + trace.toStdString()
            + "' AND prompt_fp_id = " + promptId + " AND status_code = 2";
        EXPECT_GT(scalar("SELECT count(*)" + where), 0) << trace.toStdString();
        // The service shown is the failing span's own.
        const std::string service = traces->index(r, FailingTracesModel::Service).data().toString().toStdString();
        EXPECT_GT(scalar("SELECT count(*)" + where
                      + " AND service_id = (SELECT id FROM dict WHERE kind = 3 AND value = '" + service + "')"),
            0)
            << service;
    }
    EXPECT_FALSE(view->exampleText().isEmpty());
}

TEST_F(FailingPromptsPage, FilterToThisPromptSetsTheContextFilter)
{
    QSignalSpy changed(&s_fixture->context(), &ConsoleContext::selectionChanged);
    view->filterToSelectedPrompt();
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(QString::fromStdString(s_fixture->context().filters().prompt), view->selectedFingerprint());
    EXPECT_FALSE(view->selectedFingerprint().isEmpty());
}

TEST_F(FailingPromptsPage, DoubleClickOpensTheTrace)
{
    ASSERT_GT(view->traceModel()->rowCount(), 0);
    std::vector<TraceId> requested;
    QObject::connect(
        view.get(), &FailingPromptsView::traceRequested, [&requested](const TraceId& id) { requested.push_back(id); });
    QTableView* table = view->traceTable();
    const QRect cell = table->visualRect(view->traceModel()->index(0, FailingTracesModel::Time));
    // An item view opens an item on a double-click only where the press landed too.
    QTest::mousePress(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    ASSERT_EQ(requested.size(), 1u);
    EXPECT_EQ(FailingTracesModel::hexId(requested[0].data(), requested[0].size()),
        view->traceModel()->index(0, FailingTracesModel::Trace).data().toString());
}

TEST_F(FailingPromptsPage, ScreenshotWithAPromptsExampleText)
{
    const FailingPromptsModel* m = view->promptModel();
    int row = -1;
    for (int r = 0; r < m->rowCount() && row < 0; ++r)
        if (!m->index(r, 0).data(FailingPromptsModel::ExampleRole).toString().isEmpty())
            row = r;
    ASSERT_GE(row, 0) << "the generator captures content for some prompts";
    if (row != 0) {
        QSignalSpy detail(view.get(), &FailingPromptsView::detailApplied);
        view->promptTable()->selectRow(row);
        ASSERT_TRUE(detail.wait(30000));
    }
    EXPECT_EQ(view->exampleText(), m->index(row, 0).data(FailingPromptsModel::ExampleRole).toString());
    EXPECT_TRUE(saveScreenshot(view.get(), QStringLiteral("failing-prompts")));
}

TEST_F(FailingPromptsPage, NothingToShowSaysSo)
{
    QSignalSpy applied(view.get(), &FailingPromptsView::resultApplied);
    QueryFilters filters;
    filters.tenant = "no-such-tenant";
    s_fixture->context().setFilters(filters);
    ASSERT_TRUE(applied.wait(30000));
    EXPECT_FALSE(view->emptyText().isEmpty());
    EXPECT_EQ(view->promptModel()->rowCount(), 0);
}
