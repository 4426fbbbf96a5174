#include "failingpromptsview.h"

#include "consolecontext.h"
#include "failingpromptdetail.h"
#include "failingpromptsmodel.h"
#include "prompttrendquery.h"
#include "trenddelegate.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
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

namespace {

constexpr int kShownPrompts = 50;

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
    , m_prompts(new FailingPromptsModel(this))
    , m_promptTable(makeTable(this))
    , m_detail(new FailingPromptDetail(context, this))
    , m_rankingButtons(new QButtonGroup(this))
    , m_minVolume(new QSpinBox(this))
    , m_notice(new QLabel(this))
    , m_empty(new QLabel(tr("Loading failing prompts…"), this))
    , m_pages(new QStackedWidget(this))
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
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_promptTable);
    split->addWidget(m_detail);
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
    connect(m_detail, &FailingPromptDetail::filterRequested, this, &FailingPromptsView::filterToSelectedPrompt);
    connect(m_detail, &FailingPromptDetail::traceRequested, this, &FailingPromptsView::traceRequested);
    connect(m_detail, &FailingPromptDetail::detailApplied, this, &FailingPromptsView::detailApplied);
    connect(m_context, &ConsoleContext::selectionChanged, this, [this] {
        m_detail->markStale();
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

FailingTracesModel* FailingPromptsView::traceModel() const
{
    return m_detail->traceModel();
}

QTableView* FailingPromptsView::traceTable() const
{
    return m_detail->traceTable();
}

QString FailingPromptsView::exampleText() const
{
    return m_detail->exampleText();
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
    m_again = false;
    m_inFlight = true;
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
        [this](FailingPromptsReport report) {
            m_inFlight = false;
            apply(std::move(report));
            if (m_again) {
                if (isVisible())
                    refresh();
                else
                    m_stale = true;
            }
        });
}

void FailingPromptsView::apply(FailingPromptsReport answer)
{
    m_report = std::make_unique<FailingPromptsReport>(std::move(answer));
    const FailingPromptsReport& report = *m_report;
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
    m_detail->showPrompt(prompt);
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
