#include "spendview.h"

#include "consolecontext.h"
#include "modelspendmodel.h"
#include "spendchart.h"
#include "spendformat.h"
#include "statictextdelegate.h"
#include "tablecsv.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimeZone>
#include <QVBoxLayout>
#include <set>

namespace spanlight {

namespace {

QTableView* makeTable(QAbstractItemModel* model, int sortColumn, int sortRole, QWidget* parent)
{
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(sortRole); // numbers as numbers, not as formatted text
    auto* table = new QTableView(parent);
    table->setModel(proxy);
    table->setItemDelegate(new StaticTextDelegate(table)); // live refreshes repaint every row
    table->setSortingEnabled(true);
    table->sortByColumn(sortColumn, Qt::DescendingOrder);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    // Uniform rows (STYLE.md): the view never measures each row.
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

/// One reader job's answer: the report and the chart's layers, built there.
struct SpendAnswer
{
    SpendReport report;
    SpendChartData chart;
};

QString firstError(const SpendReport& r)
{
    for (const QueryStatus* s :
        { static_cast<const QueryStatus*>(&r.current), static_cast<const QueryStatus*>(&r.previous),
            static_cast<const QueryStatus*>(&r.monthToDate), static_cast<const QueryStatus*>(&r.tenantModels) }) {
        if (!s->ok())
            return QString::fromStdString(s->error);
    }
    return {};
}

} // namespace

SpendView::SpendView(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_channel("spend-view:" + std::to_string(reinterpret_cast<quintptr>(this)))
    , m_tenants(new SpendTableModel(this))
    , m_models(new ModelSpendModel(this))
    , m_chart(new SpendChart(this))
    , m_tenantTable(makeTable(m_tenants, SpendTableModel::Spend, SpendTableModel::RawValueRole, this))
    , m_modelTable(makeTable(m_models, ModelSpendModel::Spend, ModelSpendModel::RawValueRole, this))
    , m_tabs(new QTabWidget(this))
    , m_total(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_notice(new QLabel(this))
    , m_empty(new QLabel(tr("Loading spend…"), this))
    , m_pages(new QStackedWidget(this))
{
    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    // Plain text in two labels, not one rich-text label: a rich text is laid
    // out as a document again on every live refresh.
    QFont bold = m_total->font();
    bold.setBold(true);
    m_total->setFont(bold);
    for (QLabel* label : { m_total, m_summary }) {
        label->setTextFormat(Qt::PlainText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    header->addWidget(m_total);
    header->addWidget(m_summary, 1);
    auto* csv = new QPushButton(tr("Export CSV…"), this);
    csv->setToolTip(tr("Save the tenant table and the by-model table as CSV files (Ctrl+E)"));
    auto* png = new QPushButton(tr("Export chart…"), this);
    png->setToolTip(tr("Save the spend chart as a PNG image"));
    header->addWidget(csv);
    header->addWidget(png);
    layout->addLayout(header);
    m_notice->setWordWrap(true);
    m_notice->hide();
    layout->addWidget(m_notice);

    m_tenantTable->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_modelTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tabs->addTab(m_tenantTable, tr("By tenant"));
    m_tabs->addTab(m_modelTable, tr("By model"));
    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_chart->setMinimumHeight(240);
    splitter->addWidget(m_chart);
    splitter->addWidget(m_tabs);
    // The chart's legend lists nine layers: give it the room to show them all.
    splitter->setSizes({ 360, 300 });
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_pages->addWidget(splitter);
    m_pages->addWidget(m_empty);
    m_pages->setCurrentWidget(m_empty);
    layout->addWidget(m_pages, 1);

    connect(csv, &QPushButton::clicked, this, &SpendView::chooseCsvFile);
    connect(png, &QPushButton::clicked, this, &SpendView::choosePngFile);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_E), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &SpendView::chooseCsvFile);

    connect(m_context, &ConsoleContext::selectionChanged, this, [this] {
        if (isVisible())
            refresh();
        else
            m_stale = true;
    });
    connect(m_context, &ConsoleContext::dataChanged, this, [this] {
        if (!m_context->live())
            return;
        if (!isVisible())
            m_stale = true;
        else if (m_inFlight)
            m_again = true; // one job at a time: a newer one would interrupt it, again and again under load
        else
            refresh();
    });
    m_stale = true; // asked for when first shown: hidden pages cost no queries
}

SpendView::~SpendView() = default;

QString SpendView::emptyText() const
{
    return m_pages->currentWidget() == m_empty ? m_empty->text() : QString();
}

void SpendView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void SpendView::refresh()
{
    m_stale = false;
    m_again = false;
    m_inFlight = true;
    const TimeRange range = m_context->range();
    const int columnMinutes = m_context->columnMinutes();
    const QueryFilters filters = m_context->filters();
    // Month to date: the UTC calendar month (day rollup rows are UTC days) up to now.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime monthStart(QDate(now.date().year(), now.date().month(), 1), QTime(0, 0), QTimeZone::utc());
    const int64_t monthFrom = monthStart.toSecsSinceEpoch(), monthTo = monthStart.addMonths(1).toSecsSinceEpoch();
    const TimeRange month { monthFrom / 60, now.toSecsSinceEpoch() / 60 + 1 };
    const double elapsed = double(now.toSecsSinceEpoch() - monthFrom + 1) / double(monthTo - monthFrom);
    m_context->ask(
        this, m_channel.c_str(),
        [range, columnMinutes, filters, month, elapsed](sqlite3* db, const QueryControl& control) {
            SpendReport report;
            report.current = querySpend(db, { range, columnMinutes, filters }, control);
            const TimeRange before { range.fromMinute - range.minutes(), range.fromMinute };
            report.previous = querySpend(db, { before, int(std::max<int64_t>(before.minutes(), 1)), filters }, control);
            report.monthToDate = querySpend(db, { month, int(month.minutes()), filters }, control);
            report.tenantModels = queryTenantModels(db, { range, filters }, control);
            report.monthElapsed = elapsed;
            SpendAnswer answer;
            answer.chart = spendChartData(report.current, columnMinutes);
            answer.report = std::move(report);
            return answer;
        },
        [this](SpendAnswer answer) {
            m_inFlight = false;
            apply(answer.report, answer.chart);
            if (m_again) {
                if (isVisible())
                    refresh();
                else
                    m_stale = true;
            }
        });
}

void SpendView::apply(const SpendReport& report, const SpendChartData& chart)
{
    const QString error = firstError(report);
    if (!error.isEmpty()) {
        m_empty->setText(tr("Spend could not be read: %1").arg(error));
        m_pages->setCurrentWidget(m_empty);
        emit resultApplied();
        return;
    }
    const SpendResult& current = report.current;
    const bool firstRows = m_tenants->rowCount() == 0;
    m_tenants->update(report);
    m_models->update(current);
    m_chart->setData(chart);
    if (firstRows && m_tenants->rowCount() > 0) {
        // Once, not a ResizeToContents header: rows may change four times a second.
        m_tenantTable->resizeColumnsToContents();
        m_modelTable->resizeColumnsToContents();
    }

    if (current.grand.requests == 0) {
        m_total->clear();
        m_summary->clear();
        m_notice->hide();
        m_empty->setText(m_context->filters().hasDimension()
                ? tr("No LLM spend in this range for the current filters.")
                : tr("No LLM spend in this range.\nSpend counts leaf inference calls (chat, completions, "
                     "embeddings) that report token usage."));
        m_pages->setCurrentWidget(m_empty);
        emit resultApplied();
        return;
    }
    m_pages->setCurrentWidget(m_pages->widget(0));
    m_total->setText(formatSpend(current.grand));
    m_summary->setText(
        tr("across %1 tenants · %2 requests · %3 vs the previous period")
            .arg(formatCount(qlonglong(current.byTenant.size())), formatCount(current.grand.requests),
                formatChange(current.grand,
                    report.previous.grand.requests ? std::optional(report.previous.grand) : std::nullopt)));

    QStringList notes;
    if (current.grand.unpricedRequests > 0) {
        QStringList unpriced;
        for (const SpendSeries& s : current.byModel)
            if (s.total.unpricedRequests > 0)
                unpriced << QString::fromStdString(s.name);
        notes << tr("%1 requests to models without a price row (%2): their cost is unknown, so spend is a lower "
                    "bound (≥).")
                     .arg(formatCount(current.grand.unpricedRequests), unpriced.join(QStringLiteral(", ")));
    }
    std::set<std::string> seen;
    for (const QueryStatus* s :
        { static_cast<const QueryStatus*>(&current), static_cast<const QueryStatus*>(&report.tenantModels) })
        for (const std::string& n : s->notices)
            if (seen.insert(n).second)
                notes << QString::fromStdString(n);
    m_notice->setText(notes.join(QLatin1Char('\n')));
    m_notice->setVisible(!notes.isEmpty());
    emit resultApplied();
}

bool SpendView::exportCsv(const QString& path, QString* error)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().isEmpty() ? QStringLiteral("csv") : info.suffix();
    const QString modelPath
        = info.path() + QLatin1Char('/') + info.completeBaseName() + QStringLiteral("-by-model.") + suffix;
    // The proxies: rows in the order the user sorted them.
    return writeTableCsv(*m_tenantTable->model(), path, error)
        && writeTableCsv(*m_modelTable->model(), modelPath, error);
}

bool SpendView::exportChartPng(const QString& path)
{
    return m_chart->grab().save(path, "PNG");
}

void SpendView::chooseCsvFile()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export spend as CSV"), QStringLiteral("spend.csv"), tr("CSV files (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export failed"), tr("The CSV file could not be written: %1").arg(error));
}

void SpendView::choosePngFile()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export spend chart"), QStringLiteral("spend.png"), tr("PNG images (*.png)"));
    if (!path.isEmpty() && !exportChartPng(path))
        QMessageBox::warning(this, tr("Export failed"), tr("The image could not be written to %1.").arg(path));
}

} // namespace spanlight
