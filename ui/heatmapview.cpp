#include "heatmapview.h"

#include "cellspansmodel.h"
#include "comparisonpanel.h"
#include "consolecontext.h"
#include "heatmapscale.h"
#include "heatmapwidget.h"
#include "spanquery.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <cmath>

namespace spanlight {

namespace {

const QString kSplitterKey = QStringLiteral("heatmap/splitter");
const QString kErrorsKey = QStringLiteral("heatmap/errorOverlay");
const QString kPercentilesKey = QStringLiteral("heatmap/percentileLines");

/// The row holding the \a q quantile of all spans, reported by its geometric
/// middle: within half a row (~8%) of the exact value, good for a summary.
double overallQuantileNs(const HeatmapResult& result, double q)
{
    std::vector<int64_t> perRow(result.rows.size(), 0);
    for (const HeatmapCell& cell : result.cells)
        perRow[static_cast<size_t>(cell.row)] += cell.count;
    const double target = q * static_cast<double>(result.total);
    int64_t seen = 0;
    for (size_t r = 0; r < perRow.size(); ++r) {
        seen += perRow[r];
        if (static_cast<double>(seen) >= target && perRow[r] > 0) {
            const double lower = std::max<double>(static_cast<double>(result.rows[r].lowerNs), 1.0);
            return std::sqrt(lower * static_cast<double>(result.rows[r].upperNs));
        }
    }
    return 0;
}

} // namespace

HeatmapView::HeatmapView(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_summary(new QLabel(tr("Loading…"), this))
    , m_notices(new QLabel(this))
    , m_errorToggle(new QCheckBox(tr("&Errors"), this))
    , m_percentileToggle(new QCheckBox(tr("&Percentiles"), this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_mapStack(new QStackedWidget(m_splitter))
    , m_heatmap(new HeatmapWidget(m_mapStack))
    , m_emptyState(new QLabel(m_mapStack))
    , m_tabs(new QTabWidget(m_splitter))
    , m_spansHeader(new QLabel(this))
    , m_spansTable(new QTableView(this))
    , m_spansModel(new CellSpansModel(context, this))
    , m_comparison(new ComparisonPanel(context, this))
{
    const QSettings settings;
    m_errorToggle->setToolTip(tr("Outline cells with errors; the stronger the red, the larger their share"));
    m_errorToggle->setChecked(settings.value(kErrorsKey, false).toBool());
    m_percentileToggle->setToolTip(tr("Draw each column's p50, p95 and p99 latency"));
    m_percentileToggle->setChecked(settings.value(kPercentilesKey, true).toBool());
    m_heatmap->setErrorOverlay(m_errorToggle->isChecked());
    m_heatmap->setPercentileLines(m_percentileToggle->isChecked());
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notices->setWordWrap(true);
    m_notices->setStyleSheet(QStringLiteral("color: #b36b00;"));
    m_notices->hide();

    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_mapStack->addWidget(m_heatmap);
    m_mapStack->addWidget(m_emptyState);

    m_spansHeader->setWordWrap(true);
    m_spansTable->setModel(m_spansModel);
    m_spansTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_spansTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_spansTable->setAlternatingRowColors(true);
    m_spansTable->setWordWrap(false);
    m_spansTable->verticalHeader()->hide();
    // Uniform rows: the view never measures rows as pages stream in.
    m_spansTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_spansTable->verticalHeader()->setDefaultSectionSize(m_spansTable->fontMetrics().height() + 8);
    // Widths from typical contents, measured once (never ResizeToContents on a paged table).
    QHeaderView* header = m_spansTable->horizontalHeader();
    const QFontMetrics fm = m_spansTable->fontMetrics();
    const QString samples[] = { QStringLiteral("Mon 00:00:00.000"), QStringLiteral("sales-copilot"), {},
        QStringLiteral("umbrella-corp"), QStringLiteral("gemini-2.0-flash-lite"), QStringLiteral("10.0 min"),
        QStringLiteral("context_length"), QStringLiteral("100,000 → 10,000"), QStringLiteral("$0.000534") };
    for (int c = 0; c < CellSpansModel::ColumnCount; ++c)
        header->resizeSection(c, fm.horizontalAdvance(samples[c]) + 24);
    header->setSectionResizeMode(CellSpansModel::Name, QHeaderView::Stretch);
    auto* spansPage = new QWidget(m_tabs);
    auto* spansLayout = new QVBoxLayout(spansPage);
    spansLayout->setContentsMargins(0, 4, 0, 0);
    spansLayout->addWidget(m_spansHeader);
    spansLayout->addWidget(m_spansTable, 1);
    m_tabs->addTab(spansPage, tr("Spans in cell"));
    m_tabs->addTab(m_comparison, tr("Selection vs baseline"));

    m_splitter->addWidget(m_mapStack);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    if (!m_splitter->restoreState(settings.value(kSplitterKey).toByteArray()))
        m_splitter->setSizes({ 420, 260 });

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_errorToggle);
    bar->addWidget(m_percentileToggle);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_notices);
    layout->addWidget(m_splitter, 1);

    connect(m_splitter, &QSplitter::splitterMoved, this,
        [this] { QSettings().setValue(kSplitterKey, m_splitter->saveState()); });
    connect(m_errorToggle, &QCheckBox::toggled, this, [this](bool on) {
        m_heatmap->setErrorOverlay(on);
        QSettings().setValue(kErrorsKey, on);
    });
    connect(m_percentileToggle, &QCheckBox::toggled, this, [this](bool on) {
        m_heatmap->setPercentileLines(on);
        QSettings().setValue(kPercentilesKey, on);
    });
    connect(m_heatmap, &HeatmapWidget::cellClicked, this, &HeatmapView::showCellSpans);
    connect(m_heatmap, &HeatmapWidget::selectionMade, this, &HeatmapView::compareSelection);
    connect(m_spansTable, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (index.isValid())
            emit traceRequested(m_spansModel->span(index.row()).traceId);
    });
    connect(m_spansModel, &CellSpansModel::pageApplied, this, [this] {
        const QStringList notices = m_spansModel->notices();
        m_spansTable->setToolTip(notices.join(QLatin1Char('\n')));
    });
    connect(m_context, &ConsoleContext::selectionChanged, this, [this] {
        // The cell and the selection belonged to the old range and filters.
        clearDetails();
        if (isVisible())
            refresh();
        else
            m_stale = true;
    });
    connect(m_context, &ConsoleContext::dataChanged, this, [this] {
        if (!m_context->live())
            return;
        // Hidden pages do not query on every commit; they catch up when shown.
        if (!isVisible())
            m_stale = true;
        else if (m_inFlight)
            m_again = true; // one query at a time: a newer one would interrupt it, again and again under load
        else
            refresh();
    });
    clearDetails();
}

const HeatmapResult& HeatmapView::result() const
{
    return m_heatmap->result();
}

void HeatmapView::setErrorOverlay(bool on)
{
    m_errorToggle->setChecked(on);
}

QString HeatmapView::summaryText() const
{
    return m_summary->text();
}

bool HeatmapView::showsEmptyState() const
{
    return m_mapStack->currentWidget() == m_emptyState;
}

void HeatmapView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!m_asked || m_stale)
        refresh();
}

void HeatmapView::refresh()
{
    m_asked = true;
    m_stale = false;
    m_again = false;
    m_inFlight = true;
    HeatmapQuery query;
    query.range = m_context->range();
    query.columnMinutes = m_context->columnMinutes();
    query.filters = m_context->filters();
    m_context->ask(
        this, "heatmap", [query](sqlite3* db, const QueryControl& control) { return queryHeatmap(db, query, control); },
        [this, query](HeatmapResult result) {
            m_inFlight = false;
            applyResult(query, std::move(result));
            if (m_again) {
                if (isVisible())
                    refresh();
                else
                    m_stale = true;
            }
        });
}

void HeatmapView::applyResult(const HeatmapQuery& query, HeatmapResult result)
{
    m_query = query;
    const QLocale locale;
    QStringList notices;
    for (const std::string& notice : result.notices)
        notices << QString::fromStdString(notice);
    if (result.fromRawSpans)
        notices << tr("A prompt filter reads raw spans: the map ends where raw spans are no longer kept.");
    if (result.interrupted)
        notices << tr("The query was interrupted: the map is incomplete.");
    m_notices->setText(notices.join(QLatin1Char('\n')));
    m_notices->setVisible(!notices.isEmpty());

    if (!result.ok()) {
        m_summary->setText(tr("The heatmap could not be read."));
        m_emptyState->setText(tr("The heatmap could not be read:\n%1").arg(QString::fromStdString(result.error)));
        m_mapStack->setCurrentWidget(m_emptyState);
    } else if (result.total == 0) {
        m_summary->setText(tr("No spans"));
        m_emptyState->setText(tr("No spans in this range") + QStringLiteral("\n\n")
            + tr("%1%2. Widen the range or clear the filters.")
                  .arg(formatMinuteRange(query.range.fromMinute, query.range.toMinute), describeFilters()));
        m_mapStack->setCurrentWidget(m_emptyState);
    } else {
        const double errorShare = static_cast<double>(result.errorTotal) / static_cast<double>(result.total);
        m_summary->setText(
            tr("%1 spans · %2 errors (%3%) · p95 ≈ %4 · columns of %n min%5", nullptr, query.columnMinutes)
                .arg(locale.toString(static_cast<qlonglong>(result.total)),
                    locale.toString(static_cast<qlonglong>(result.errorTotal)),
                    locale.toString(100 * errorShare, 'f', 1), formatLatency(overallQuantileNs(result, 0.95)),
                    describeFilters()));
        m_mapStack->setCurrentWidget(m_heatmap);
    }
    m_heatmap->setResult(query, std::move(result));
    emit resultApplied();
}

QString HeatmapView::describeFilters() const
{
    const QueryFilters& f = m_context->filters();
    QStringList parts;
    const std::pair<const char*, const std::string*> dims[] = { { "tenant", &f.tenant },
        { "environment", &f.environment }, { "service", &f.service }, { "model", &f.model }, { "prompt", &f.prompt } };
    for (const auto& [name, value] : dims)
        if (!value->empty())
            parts << QString::fromLatin1(name) + QStringLiteral(" = ") + QString::fromStdString(*value);
    if (f.status != StatusFilter::Any)
        parts << (f.status == StatusFilter::Error ? tr("errors only") : tr("successes only"));
    return parts.isEmpty() ? QString() : QStringLiteral(" · ") + parts.join(QStringLiteral(", "));
}

void HeatmapView::clearDetails()
{
    m_spansModel->clear();
    m_spansHeader->setText(tr("Click a cell of the heatmap to list its spans; double-click a span to open its trace."));
    m_comparison->clear();
    m_heatmap->clearSelection();
}

void HeatmapView::showCellSpans(int column, int row)
{
    const HeatmapResult& result = m_heatmap->result();
    if (column < 0 || row < 0 || column >= static_cast<int>(result.columnStarts.size())
        || row >= static_cast<int>(result.rows.size()))
        return;
    HeatmapCell cell;
    cell.column = column;
    cell.row = row;
    const int index = m_heatmap->cellIndex(column, row);
    const int64_t count = index < 0 ? 0 : result.cells[static_cast<size_t>(index)].count;
    const CellSpansQuery query = cellSpansQuery(m_query, result, cell);
    const HeatmapRow& bounds = result.rows[static_cast<size_t>(row)];
    const QString spans
        = count == 1 ? tr("1 span") : tr("%1 spans").arg(QLocale().toString(static_cast<qlonglong>(count)));
    m_spansHeader->setText(tr("%1, %2 – %3: %4, newest first. Double-click a span to open its trace.")
                               .arg(formatMinuteRange(query.range.fromMinute, query.range.toMinute),
                                   formatLatency(std::max<double>(0, static_cast<double>(bounds.lowerNs))),
                                   formatLatency(static_cast<double>(bounds.upperNs)), spans));
    m_spansModel->setQuery(query);
    m_tabs->setCurrentIndex(0);
}

void HeatmapView::compareSelection()
{
    const auto selection = m_heatmap->selection();
    if (!selection)
        return;
    CompareQuery query;
    query.range = selection->range;
    query.firstBucket = selection->firstBucket;
    query.lastBucket = selection->lastBucket;
    query.filters = m_query.filters;
    m_comparison->compare(query);
    m_tabs->setCurrentIndex(1);
}

} // namespace spanlight
