// The Spend page over a generated database: table totals against querySpend
// and against plain SQL over the raw spans, shares, change vs the previous
// period, budgets, CSV and PNG export, and a screenshot to look at.

#include "consolefixture.h"
#include "modelspendmodel.h"
#include "spendchart.h"
#include "spendquery.h"
#include "spendtablemodel.h"
#include "spendview.h"
#include "tablecsv.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>
#include <map>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int64_t kMinuteNs = 60'000'000'000;

struct SpendPage : ::testing::Test
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
    void SetUp() override { showOver(lastHours(6)); }
    void TearDown() override
    {
        testers.clear();
        view.reset();
        s_fixture->runner().waitIdle();
        QCoreApplication::processEvents();
        s_fixture->context().setFilters({});
    }

    static TimeRange lastHours(int hours)
    {
        const int64_t end = QDateTime::currentSecsSinceEpoch() / 60 + 1;
        return { end - hours * 60, end };
    }
    /// A fixed custom range, so SQL and the view see the same minutes.
    void showOver(const TimeRange& range)
    {
        testers.clear();
        view.reset();
        range_ = range;
        s_fixture->context().setCustomRange(
            QDateTime::fromSecsSinceEpoch(range.fromMinute * 60), QDateTime::fromSecsSinceEpoch(range.toMinute * 60));
        view = std::make_unique<SpendView>(&s_fixture->context());
        QSignalSpy applied(view.get(), &SpendView::resultApplied);
        view->resize(1366, 768);
        view->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(view.get()));
        ASSERT_TRUE(applied.count() > 0 || applied.wait(30000));
        for (QAbstractItemModel* m : { static_cast<QAbstractItemModel*>(view->tenantModel()),
                 static_cast<QAbstractItemModel*>(view->modelModel()), view->tenantTable()->model() })
            testers.push_back(
                std::make_unique<QAbstractItemModelTester>(m, QAbstractItemModelTester::FailureReportingMode::Fatal));
    }
    SpendResult directSpend(const TimeRange& range) const
    {
        return querySpend(s_db, { range, int(range.minutes()), {} });
    }
    static qlonglong columnSum(const QAbstractItemModel* m, int column)
    {
        qlonglong sum = 0;
        for (int r = 0; r < m->rowCount(); ++r)
            sum += m->index(r, column).data(SpendTableModel::RawValueRole).toLongLong();
        return sum;
    }

    static ConsoleFixture* s_fixture;
    static sqlite3* s_db;
    TimeRange range_;
    std::unique_ptr<SpendView> view;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
};
ConsoleFixture* SpendPage::s_fixture = nullptr;
sqlite3* SpendPage::s_db = nullptr;

std::pair<int64_t, int64_t> rawSpend(sqlite3* db, const TimeRange& range)
{
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db,
        "SELECT coalesce(sum(cost_nano_usd), 0), count(*) FROM spans WHERE (flags & 32) <> 0"
        " AND start_ns >= ? AND start_ns < ?",
        -1, &stmt, nullptr);
    sqlite3_bind_int64(stmt, 1, range.fromMinute * kMinuteNs);
    sqlite3_bind_int64(stmt, 2, range.toMinute * kMinuteNs);
    std::pair<int64_t, int64_t> out { -1, -1 };
    if (sqlite3_step(stmt) == SQLITE_ROW)
        out = { sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1) };
    sqlite3_finalize(stmt);
    return out;
}

} // namespace

TEST_F(SpendPage, TableTotalsMatchTheQueryAndTheRawSpans)
{
    const SpendResult direct = directSpend(range_);
    ASSERT_TRUE(direct.ok()) << direct.error;
    const auto [rawCost, rawRequests] = rawSpend(s_db, range_);
    ASSERT_GT(rawRequests, 0);
    const SpendTableModel* m = view->tenantModel();
    ASSERT_EQ(m->rowCount(), int(direct.byTenant.size()));
    EXPECT_EQ(columnSum(m, SpendTableModel::Spend), direct.grand.costNanoUsd);
    EXPECT_EQ(columnSum(m, SpendTableModel::Spend), rawCost);
    EXPECT_EQ(columnSum(m, SpendTableModel::Requests), rawRequests);
    EXPECT_EQ(columnSum(m, SpendTableModel::InputTokens), direct.grand.inputTokens);
    EXPECT_EQ(columnSum(view->modelModel(), ModelSpendModel::Spend), rawCost);

    double shares = 0;
    for (int r = 0; r < m->rowCount(); ++r)
        shares += m->index(r, SpendTableModel::Share).data(SpendTableModel::RawValueRole).toDouble();
    EXPECT_NEAR(shares, 100.0, 1e-6);
    EXPECT_TRUE(view->emptyText().isEmpty());
}

TEST_F(SpendPage, UnpricedSpendIsALowerBoundNeverZero)
{
    const ModelSpendModel* models = view->modelModel();
    int unpricedRows = 0;
    for (int r = 0; r < models->rowCount(); ++r) {
        if (models->index(r, ModelSpendModel::Unpriced).data(ModelSpendModel::RawValueRole).toLongLong() == 0)
            continue;
        ++unpricedRows;
        const QString spend = models->index(r, ModelSpendModel::Spend).data().toString();
        EXPECT_TRUE(spend.contains(QStringLiteral("unpriced"))) << spend.toStdString();
        EXPECT_FALSE(spend.startsWith(QStringLiteral("$0.00"))) << spend.toStdString();
    }
    EXPECT_GT(unpricedRows, 0) << "the generator's made-up model should be unpriced";
}

TEST_F(SpendPage, ChangeIsAgainstThePreviousPeriodOfEqualLength)
{
    const TimeRange before { range_.fromMinute - range_.minutes(), range_.fromMinute };
    const SpendResult previous = directSpend(before);
    std::map<QString, int64_t> previousCost;
    for (const SpendSeries& s : previous.byTenant)
        previousCost[QString::fromStdString(s.name)] = s.total.costNanoUsd;
    const SpendTableModel* m = view->tenantModel();
    int compared = 0;
    for (int r = 0; r < m->rowCount(); ++r) {
        const QString tenant = m->index(r, SpendTableModel::Tenant).data().toString();
        const int64_t now = m->index(r, SpendTableModel::Spend).data(SpendTableModel::RawValueRole).toLongLong();
        const QVariant change = m->index(r, SpendTableModel::Change).data(SpendTableModel::RawValueRole);
        const auto it = previousCost.find(tenant);
        if (it == previousCost.end() || it->second == 0) {
            EXPECT_FALSE(change.isValid()) << tenant.toStdString();
            continue;
        }
        ASSERT_TRUE(change.isValid()) << tenant.toStdString();
        EXPECT_NEAR(change.toDouble(), double(now - it->second) / double(it->second), 1e-9);
        ++compared;
    }
    EXPECT_GT(compared, 0);
}

TEST_F(SpendPage, ARangeWithNothingBeforeItShowsNew)
{
    const int64_t first = s_fixture->summary().startNs / kMinuteNs;
    showOver({ first, first + 6 * 60 });
    ASSERT_TRUE(directSpend({ first - 6 * 60, first }).byTenant.empty());
    const SpendTableModel* m = view->tenantModel();
    ASSERT_GT(m->rowCount(), 0);
    for (int r = 0; r < m->rowCount(); ++r) {
        EXPECT_EQ(m->index(r, SpendTableModel::Change).data().toString(), QStringLiteral("new"));
        EXPECT_FALSE(m->index(r, SpendTableModel::Change).data(SpendTableModel::RawValueRole).isValid());
    }
}

TEST_F(SpendPage, CsvExportParsesBackAsShown)
{
    QTemporaryDir dir;
    QString error;
    ASSERT_TRUE(view->exportCsv(dir.filePath(QStringLiteral("spend.csv")), &error)) << error.toStdString();
    const auto read = [&dir](const QString& name) {
        QFile f(dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? parseCsv(f.readAll()) : QList<QStringList>();
    };
    const QAbstractItemModel* shown = view->tenantTable()->model(); // as sorted on screen
    const QList<QStringList> tenants = read(QStringLiteral("spend.csv"));
    ASSERT_EQ(tenants.size(), shown->rowCount() + 1);
    for (int c = 0; c < shown->columnCount(); ++c)
        EXPECT_EQ(tenants[0][c], shown->headerData(c, Qt::Horizontal).toString());
    for (int r = 0; r < shown->rowCount(); ++r) {
        for (int c = 0; c < shown->columnCount(); ++c)
            EXPECT_EQ(tenants[r + 1][c], shown->index(r, c).data().toString());
    }
    const QList<QStringList> models = read(QStringLiteral("spend-by-model.csv"));
    ASSERT_EQ(models.size(), view->modelModel()->rowCount() + 1);
    EXPECT_EQ(models[0].size(), ModelSpendModel::ColumnCount);

    // A tenant whose name needs quoting round-trips.
    SpendTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    SpendReport report;
    SpendSeries acme;
    acme.name = "Acme, Inc. \"EU\"";
    acme.total.requests = 3;
    acme.total.costNanoUsd = 1'234'567'890;
    report.current.byTenant = { acme };
    report.current.grand = acme.total;
    model.update(report);
    const QByteArray csv = tableToCsv(model);
    EXPECT_TRUE(csv.contains("\"Acme, Inc. \"\"EU\"\"\"")) << csv.toStdString();
    const QList<QStringList> records = parseCsv(csv);
    ASSERT_EQ(records.size(), 2);
    EXPECT_EQ(records[1][0], QString::fromStdString(acme.name));
    EXPECT_EQ(records[1][SpendTableModel::Spend], model.index(0, SpendTableModel::Spend).data().toString());
    EXPECT_EQ(records[1].size(), SpendTableModel::ColumnCount);
}

TEST_F(SpendPage, ChartExportsAPngWithTopTenantsAndOthers)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chart.png"));
    ASSERT_TRUE(view->exportChartPng(path));
    const QImage image(path);
    ASSERT_FALSE(image.isNull());
    EXPECT_GT(image.width(), 100);
    EXPECT_GT(QFileInfo(path).size(), 1000);
    const QStringList layers = view->chart()->layerNames();
    ASSERT_FALSE(layers.isEmpty());
    EXPECT_LE(layers.size(), 9);
    if (view->tenantModel()->rowCount() > 8) {
        EXPECT_EQ(layers.back(), QStringLiteral("others"));
    }
    EXPECT_TRUE(saveScreenshot(view.get(), QStringLiteral("spend")));
}

TEST_F(SpendPage, ARefreshWithTheSameTenantsMovesPointsWithoutRebuildingTheChart)
{
    const QStringList layers = view->chart()->layerNames();
    ASSERT_FALSE(layers.isEmpty());
    const int rebuilds = view->chart()->rebuildCount();
    QSignalSpy applied(view.get(), &SpendView::resultApplied);
    view->refresh(); // what a live refresh does four times a second
    ASSERT_TRUE(applied.wait(30000));
    EXPECT_EQ(view->chart()->layerNames(), layers);
    EXPECT_EQ(view->chart()->rebuildCount(), rebuilds) << "series, legend and axes are kept; only points change";

    // Other tenants (a filter to one of them): the layers are rebuilt.
    QueryFilters filters;
    filters.tenant = layers.front().toStdString();
    applied.clear();
    s_fixture->context().setFilters(filters);
    ASSERT_TRUE(applied.wait(30000));
    EXPECT_EQ(view->chart()->layerNames(), QStringList { layers.front() });
    EXPECT_EQ(view->chart()->rebuildCount(), rebuilds + 1);
}

TEST_F(SpendPage, ChartFollowsTheWidgetPalette)
{
    // A dark palette as the console's dark theme sets it: the chart takes its
    // background and text from the palette, never from a fixed chart theme.
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x20, 0x22, 0x25));
    dark.setColor(QPalette::Base, QColor(0x17, 0x19, 0x1c));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xea, 0xed));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xea, 0xed));
    dark.setColor(QPalette::Button, QColor(0x2a, 0x2d, 0x31));
    dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xea, 0xed));
    dark.setColor(QPalette::AlternateBase, QColor(0x22, 0x25, 0x29));
    dark.setColor(QPalette::PlaceholderText, QColor(0x7d, 0x84, 0x8c));
    dark.setColor(QPalette::Link, QColor(0x6c, 0xaa, 0xf5));
    view->setPalette(dark);
    QCoreApplication::processEvents();
    EXPECT_EQ(view->chart()->chart()->backgroundBrush().color(), dark.color(QPalette::Base));
    const QImage image = view->chart()->grab().toImage();
    EXPECT_LT(image.pixelColor(4, 4).lightness(), 64);
    EXPECT_TRUE(saveScreenshot(view.get(), QStringLiteral("spend-dark")));
}

TEST_F(SpendPage, BudgetIsEditedInPlaceAndKept)
{
    SpendTableModel* m = view->tenantModel();
    const QString tenant = m->index(0, SpendTableModel::Tenant).data().toString();
    const QModelIndex budget = m->index(0, SpendTableModel::Budget);
    ASSERT_TRUE(m->flags(budget) & Qt::ItemIsEditable);
    ASSERT_TRUE(m->setData(budget, QStringLiteral("1500")));
    EXPECT_DOUBLE_EQ(QSettings().value(QStringLiteral("budgets/") + tenant).toDouble(), 1500.0);
    EXPECT_DOUBLE_EQ(budget.data(SpendTableModel::RawValueRole).toDouble(), 1500.0);
    EXPECT_TRUE(m->index(0, SpendTableModel::Projection).data().toString().contains(QLatin1Char('%')));
    EXPECT_FALSE(m->index(0, SpendTableModel::Projection).data(Qt::ToolTipRole).toString().isEmpty());
    EXPECT_FALSE(m->setData(budget, QStringLiteral("lots")));
    ASSERT_TRUE(m->setData(budget, QString()));
    EXPECT_FALSE(QSettings().contains(QStringLiteral("budgets/") + tenant));
    EXPECT_FALSE(budget.data(SpendTableModel::RawValueRole).isValid());
}

TEST_F(SpendPage, NothingToShowSaysSo)
{
    QSignalSpy applied(view.get(), &SpendView::resultApplied);
    QueryFilters filters;
    filters.tenant = "no-such-tenant";
    s_fixture->context().setFilters(filters);
    ASSERT_TRUE(applied.wait(30000));
    EXPECT_FALSE(view->emptyText().isEmpty());
    EXPECT_EQ(view->tenantModel()->rowCount(), 0);
}
