#include "failingpromptsview.h"

#include "consolecontext.h"
#include "failingpromptsmodel.h"
#include "failingtracesmodel.h"
#include "prompttrendquery.h"
#include "spanservicequery.h"
#include "trenddelegate.h"

#include <QButtonGroup>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <set>

namespace spanlight {

/// One ranking job: both rankings and the trends of every prompt in them.
struct FailingPromptsReport : QueryStatus
{
    FailingPromptsResult prompts;
    PromptTrendResult trends;
};

struct FailingTracesReport : QueryStatus
{
    QString fingerprint;
    FailingTracesResult traces;
    SpanServicesResult services;
};

namespace {

constexpr int kShownPrompts = 50;
constexpr int kExampleTraces = 12;

/// Sparkline columns: about 24–48 over any range, on widths that divide hours and days.
int trendColumnMinutes(const TimeRange& range)
{
    for (int width : { 1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440 })
        if (range.minutes() / width <= 48)
            return width;
    return 1440;
}

QTableView* makeTable(QWidget* parent)
{
    auto* table = new QTableView(parent);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

} // namespace

FailingPromptsView::FailingPromptsView(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_channel("failing-prompts:" + std::to_string(reinterpret_cast<quintptr>(this)))
    , m_detailChannel("failing-traces:" + std::to_string(reinterpret_cast<quintptr>(this)))
    , m_prompts(new FailingPromptsModel(this))
    , m_traces(new FailingTracesModel(this))
    , m_promptTable(makeTable(this))
    , m_traceTable(makeTable(this))
    , m_rankingButtons(new QButtonGroup(this))
    , m_minVolume(new QSpinBox(this))
    , m_notice(new QLabel(this))
    , m_empty(new QLabel(tr("Loading failing prompts…"), this))
    , m_pages(new QStackedWidget(this))
    , m_detailTitle(new QLabel(this))
    , m_detailStatus(new QLabel(this))
    , m_filterButton(new QPushButton(tr("Filter to this prompt"), this))
    , m_example(new QPlainTextEdit(this))
{
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    auto* byFailures = new QRadioButton(tr("By failures"), this);
    auto* byRate = new QRadioButton(tr("By failure rate"), this);
    m_rankingButtons->addButton(byFailures, int(Ranking::ByFailures));
    m_rankingButtons->addButton(byRate, int(Ranking::ByRate));
    const QSettings settings;
    m_ranking
        = settings.value(QStringLiteral("failingPrompts/byRate")).toBool() ? Ranking::ByRate : Ranking::ByFailures;
    m_rankingButtons->button(int(m_ranking))->setChecked(true);
    m_minVolume->setRange(1, 1'000'000);
    m_minVolume->setValue(settings.value(QStringLiteral("failingPrompts/minVolume"), 20).toInt());
    m_minVolume->setToolTip(tr("Prompts with fewer spans in the range are left out of the failure-rate ranking"));
    auto* floorLabel = new QLabel(tr("Minimum volume:"), this);
    floorLabel->setBuddy(m_minVolume);
    bar->addWidget(new QLabel(tr("Rank:"), this));
    bar->addWidget(byFailures);
    bar->addWidget(byRate);
    bar->addSpacing(16);
    bar->addWidget(floorLabel);
    bar->addWidget(m_minVolume);
    bar->addStretch(1);
    layout->addLayout(bar);
    m_notice->setWordWrap(true);
    m_notice->setForegroundRole(QPalette::PlaceholderText);
    m_notice->hide();
    layout->addWidget(m_notice);

    m_promptTable->setModel(m_prompts);
    m_promptTable->setItemDelegateForColumn(
        FailingPromptsModel::Trend, new TrendDelegate(FailingPromptsModel::TrendRole, m_promptTable));
    m_promptTable->horizontalHeader()->resizeSection(FailingPromptsModel::Prompt, 300);
    m_traceTable->setModel(m_traces);
    m_traceTable->verticalHeader()->hide();
    m_traceTable->setToolTip(tr("Double-click a trace to open it"));
    m_example->setReadOnly(true);
    m_example->setPlaceholderText(tr("No example text was captured for this prompt: content capture is off "
                                     "(genai/capture_content), or its content never reached the collector."));

    auto* detail = new QGroupBox(tr("Selected prompt"), this);
    auto* detailLayout = new QVBoxLayout(detail);
    auto* titleRow = new QHBoxLayout;
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detailTitle->setMinimumWidth(100);
    titleRow->addWidget(m_detailTitle, 1);
    m_filterButton->setToolTip(tr("Narrow every view to this prompt"));
    m_filterButton->setEnabled(false);
    titleRow->addWidget(m_filterButton);
    detailLayout->addLayout(titleRow);
    auto* detailSplit = new QSplitter(Qt::Horizontal, detail);
    auto* tracesBox = new QWidget(detailSplit);
    auto* tracesLayout = new QVBoxLayout(tracesBox);
    tracesLayout->setContentsMargins(0, 0, 0, 0);
    tracesLayout->addWidget(new QLabel(tr("Example failing traces"), tracesBox));
    tracesLayout->addWidget(m_traceTable, 1);
    m_detailStatus->setForegroundRole(QPalette::PlaceholderText);
    tracesLayout->addWidget(m_detailStatus);
    auto* exampleBox = new QWidget(detailSplit);
    auto* exampleLayout = new QVBoxLayout(exampleBox);
    exampleLayout->setContentsMargins(0, 0, 0, 0);
    exampleLayout->addWidget(new QLabel(tr("Example prompt text"), exampleBox));
    exampleLayout->addWidget(m_example, 1);
    detailSplit->addWidget(tracesBox);
    detailSplit->addWidget(exampleBox);
    detailSplit->setStretchFactor(0, 3);
    detailSplit->setStretchFactor(1, 2);
    detailLayout->addWidget(detailSplit, 1);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_promptTable);
    split->addWidget(detail);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_pages->addWidget(split);
    m_pages->addWidget(m_empty);
    m_pages->setCurrentWidget(m_empty);
    layout->addWidget(m_pages, 1);

    connect(m_rankingButtons, &QButtonGroup::idClicked, this, [this](int id) { setRanking(Ranking(id)); });
    connect(m_minVolume, &QSpinBox::valueChanged, this, [this](int value) {
        QSettings().setValue(QStringLiteral("failingPrompts/minVolume"), value);
        refresh(); // a newer ask supersedes the older one: no debounce needed
    });
    connect(m_promptTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &FailingPromptsView::selectionChanged);
    connect(m_filterButton, &QPushButton::clicked, this, &FailingPromptsView::filterToSelectedPrompt);
    connect(m_traceTable, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const FailingSpanSample* sample = m_traces->sampleAt(index.row()))
            emit traceRequested(sample->traceId);
    });
    connect(m_context, &ConsoleContext::selectionChanged, this, [this] {
        m_detailStale = true;
        if (isVisible())
            refresh();
        else
            m_stale = true;
    });
    connect(m_context, &ConsoleContext::dataChanged, this, [this] {
        if (!m_context->live())
            return;
        if (isVisible())
            refresh();
        else
            m_stale = true;
    });
    m_stale = true; // asked for when first shown
}

FailingPromptsView::~FailingPromptsView() = default;

int FailingPromptsView::minimumVolume() const
{
    return m_minVolume->value();
}

void FailingPromptsView::setMinimumVolume(int spans)
{
    m_minVolume->setValue(spans);
}

void FailingPromptsView::setRanking(Ranking ranking)
{
    m_rankingButtons->button(int(ranking))->setChecked(true);
    if (ranking == m_ranking)
        return;
    m_ranking = ranking;
    QSettings().setValue(QStringLiteral("failingPrompts/byRate"), ranking == Ranking::ByRate);
    showRanking();
}

QString FailingPromptsView::exampleText() const
{
    return m_example->toPlainText().isEmpty() ? m_example->placeholderText() : m_example->toPlainText();
}

QString FailingPromptsView::emptyText() const
{
    return m_pages->currentWidget() == m_empty ? m_empty->text() : QString();
}

void FailingPromptsView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void FailingPromptsView::refresh()
{
    m_stale = false;
    const TimeRange range = m_context->range();
    const QueryFilters filters = m_context->filters();
    FailingPromptsQuery query;
    query.range = range;
    query.tenant = filters.tenant;
    query.environment = filters.environment;
    query.limit = kShownPrompts;
    query.minSpansForRate = m_minVolume->value();
    const int columnMinutes = trendColumnMinutes(range);
    m_context->ask(
        this, m_channel.c_str(),
        [query, columnMinutes](sqlite3* db, const QueryControl& control) {
            FailingPromptsReport report;
            report.prompts = queryFailingPrompts(db, query, control);
            PromptTrendQuery trends { query.range, columnMinutes, {}, query.tenant, query.environment };
            std::set<std::string> seen;
            for (const auto* list : { &report.prompts.byFailures, &report.prompts.byRate })
                for (const FailingPrompt& p : *list)
                    if (seen.insert(p.fingerprint).second)
                        trends.prompts.push_back(p.fingerprint);
            if (report.prompts.ok())
                report.trends = queryPromptTrends(db, trends, control);
            return report;
        },
        [this](FailingPromptsReport report) { apply(report); });
}

void FailingPromptsView::apply(const FailingPromptsReport& report)
{
    m_report = std::make_unique<FailingPromptsReport>(report);
    QStringList notes;
    const QueryFilters& filters = m_context->filters();
    if (!filters.service.empty() || !filters.model.empty() || !filters.prompt.empty()
        || filters.status != StatusFilter::Any)
        notes << tr("Failing prompts are kept per tenant and environment: the service, model, prompt and status "
                    "filters are not applied here.");
    std::set<std::string> seen;
    for (const QueryStatus* s :
        { static_cast<const QueryStatus*>(&report.prompts), static_cast<const QueryStatus*>(&report.trends) })
        for (const std::string& n : s->notices)
            if (seen.insert(n).second)
                notes << QString::fromStdString(n);
    m_notice->setText(notes.join(QLatin1Char('\n')));
    m_notice->setVisible(!notes.isEmpty());
    showRanking();
    emit resultApplied();
}

void FailingPromptsView::showRanking()
{
    if (!m_report)
        return;
    const FailingPromptsResult& result = m_report->prompts;
    if (!result.ok() || !m_report->trends.ok()) {
        m_empty->setText(tr("Failing prompts could not be read: %1")
                             .arg(QString::fromStdString(result.ok() ? m_report->trends.error : result.error)));
        m_pages->setCurrentWidget(m_empty);
        return;
    }
    std::map<std::string, std::vector<int64_t>> trends;
    for (const PromptTrend& t : m_report->trends.trends)
        trends[t.fingerprint] = t.errors;
    const auto& list = m_ranking == Ranking::ByRate ? result.byRate : result.byFailures;
    m_prompts->update(list, trends);
    if (list.empty()) {
        m_empty->setText(m_ranking == Ranking::ByRate && !result.byFailures.empty()
                ? tr("No failing prompt has at least %1 spans in this range: lower the minimum volume.")
                      .arg(m_minVolume->value())
                : tr("No failing prompts in this range.\nPrompts are identified by name, template or content; "
                     "a prompt appears here once one of its spans ends with an error."));
        m_pages->setCurrentWidget(m_empty);
        return;
    }
    m_pages->setCurrentWidget(m_pages->widget(0));
    if (!m_promptsSized) {
        // Once, not a ResizeToContents header: the ranking refreshes up to four times a second.
        m_promptsSized = true;
        m_promptTable->resizeColumnsToContents();
        QHeaderView* header = m_promptTable->horizontalHeader();
        header->resizeSection(
            FailingPromptsModel::Prompt, std::min(header->sectionSize(FailingPromptsModel::Prompt), 320));
        header->resizeSection(
            FailingPromptsModel::TopErrors, std::min(header->sectionSize(FailingPromptsModel::TopErrors), 280));
    }
    // Keep the selected prompt across refreshes and ranking switches; else start with the top one.
    int row = m_selected.isEmpty() ? 0 : m_prompts->rowOf(m_selected);
    if (row < 0)
        row = 0;
    const QModelIndex current = m_promptTable->selectionModel()->currentIndex();
    if (!current.isValid() || current.row() != row || !m_promptTable->selectionModel()->isRowSelected(row))
        m_promptTable->selectRow(row);
    else
        selectionChanged(); // same row, maybe a new range: the detail decides whether to ask again
}

void FailingPromptsView::selectionChanged()
{
    const QModelIndexList rows = m_promptTable->selectionModel()->selectedRows();
    const FailingPrompt* prompt = rows.isEmpty() ? nullptr : m_prompts->promptAt(rows.front().row());
    m_selected = prompt ? QString::fromStdString(prompt->fingerprint) : QString();
    m_filterButton->setEnabled(prompt != nullptr);
    if (!prompt) {
        m_detailTitle->clear();
        m_example->clear();
        m_traces->clear();
        m_detailShown.clear();
        return;
    }
    m_detailTitle->setText(QStringLiteral("<b>%1</b> · %2 · %3")
                               .arg(QString::fromStdString(prompt->label).toHtmlEscaped(), m_selected,
                                   FailingPromptsModel::sourceText(prompt->source)));
    const QString example = QString::fromStdString(prompt->example);
    if (m_example->toPlainText() != example) // live refreshes must not reset what the user is reading
        m_example->setPlainText(example);
    if (m_selected != m_detailShown || m_detailStale)
        askDetail();
}

void FailingPromptsView::askDetail()
{
    m_detailStale = false;
    m_detailShown = m_selected;
    m_traces->clear();
    m_detailStatus->setText(tr("Looking for failing traces…"));
    const QueryFilters filters = m_context->filters();
    FailingTracesQuery query;
    query.range = m_context->range();
    query.prompt = m_selected.toStdString();
    query.tenant = filters.tenant;
    query.environment = filters.environment;
    query.limit = kExampleTraces;
    const QString fingerprint = m_selected;
    m_context->ask(
        this, m_detailChannel.c_str(),
        [query, fingerprint](sqlite3* db, const QueryControl& control) {
            FailingTracesReport report;
            report.fingerprint = fingerprint;
            report.traces = queryFailingTraces(db, query, control);
            std::vector<SpanAt> spans;
            for (const FailingSpanSample& s : report.traces.samples)
                spans.push_back({ s.spanId, s.startNs });
            if (report.traces.ok())
                report.services = querySpanServices(db, spans, query.maxScannedRows, control);
            return report;
        },
        [this](FailingTracesReport report) { applyDetail(report); });
}

void FailingPromptsView::applyDetail(const FailingTracesReport& report)
{
    if (report.fingerprint != m_detailShown)
        return; // the selection moved on; its own answer is on the way
    const FailingTracesResult& traces = report.traces;
    m_traces->update(traces.samples, report.services.services);
    if (!traces.ok())
        m_detailStatus->setText(tr("Failing traces could not be read: %1").arg(QString::fromStdString(traces.error)));
    else if (traces.samples.empty())
        m_detailStatus->setText(traces.notices.empty()
                ? tr("No failing span of this prompt is left among the raw spans of this range.")
                : QString::fromStdString(traces.notices.front()));
    else
        m_detailStatus->setText(
            tr("The newest %1 failing traces%2.")
                .arg(traces.samples.size())
                .arg(traces.scanCapped ? tr(" among the most recent spans (scan bounded)") : QString()));
    // At most a dozen rows, asked for only when the selection or the range
    // changes: fitting them to each prompt's services and errors is cheap.
    if (m_traces->rowCount() > 0)
        m_traceTable->resizeColumnsToContents();
    emit detailApplied();
}

void FailingPromptsView::filterToSelectedPrompt()
{
    if (m_selected.isEmpty())
        return;
    QueryFilters filters = m_context->filters();
    filters.prompt = m_selected.toStdString();
    m_context->setFilters(filters);
}

} // namespace spanlight
