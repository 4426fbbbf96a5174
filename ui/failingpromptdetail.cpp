#include "failingpromptdetail.h"

#include "consolecontext.h"
#include "failingpromptsmodel.h"
#include "failingtracesmodel.h"
#include "spanservicequery.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace spanlight {

struct FailingTracesReport : QueryStatus
{
    QString fingerprint;
    FailingTracesResult traces;
    SpanServicesResult services;
};

namespace {

constexpr int kExampleTraces = 12;

} // namespace

FailingPromptDetail::FailingPromptDetail(ConsoleContext* context, QWidget* parent)
    : QGroupBox(tr("Selected prompt"), parent)
    , m_context(context)
    , m_channel("failing-traces:" + std::to_string(reinterpret_cast<quintptr>(this)))
    , m_traces(new FailingTracesModel(this))
    , m_traceTable(new QTableView(this))
    , m_title(new QLabel(this))
    , m_status(new QLabel(this))
    , m_filterButton(new QPushButton(tr("Filter to this prompt"), this))
    , m_example(new QPlainTextEdit(this))
{
    m_traceTable->setModel(m_traces);
    m_traceTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_traceTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_traceTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_traceTable->setAlternatingRowColors(true);
    m_traceTable->setWordWrap(false);
    m_traceTable->verticalHeader()->hide();
    m_traceTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_traceTable->verticalHeader()->setDefaultSectionSize(m_traceTable->fontMetrics().height() + 8);
    m_traceTable->horizontalHeader()->setStretchLastSection(true);
    m_traceTable->setToolTip(tr("Double-click a trace to open it"));
    m_example->setReadOnly(true);
    m_example->setPlaceholderText(tr("No example text was captured for this prompt: content capture is off "
                                     "(genai/capture_content), or its content never reached the collector."));

    auto* layout = new QVBoxLayout(this);
    auto* titleRow = new QHBoxLayout;
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setMinimumWidth(100);
    titleRow->addWidget(m_title, 1);
    m_filterButton->setToolTip(tr("Narrow every view to this prompt"));
    m_filterButton->setEnabled(false);
    titleRow->addWidget(m_filterButton);
    layout->addLayout(titleRow);
    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* tracesBox = new QWidget(split);
    auto* tracesLayout = new QVBoxLayout(tracesBox);
    tracesLayout->setContentsMargins(0, 0, 0, 0);
    tracesLayout->addWidget(new QLabel(tr("Example failing traces"), tracesBox));
    tracesLayout->addWidget(m_traceTable, 1);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    tracesLayout->addWidget(m_status);
    auto* exampleBox = new QWidget(split);
    auto* exampleLayout = new QVBoxLayout(exampleBox);
    exampleLayout->setContentsMargins(0, 0, 0, 0);
    exampleLayout->addWidget(new QLabel(tr("Example prompt text"), exampleBox));
    exampleLayout->addWidget(m_example, 1);
    split->addWidget(tracesBox);
    split->addWidget(exampleBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(m_filterButton, &QPushButton::clicked, this, &FailingPromptDetail::filterRequested);
    connect(m_traceTable, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const FailingSpanSample* sample = m_traces->sampleAt(index.row()))
            emit traceRequested(sample->traceId);
    });
}

FailingPromptDetail::~FailingPromptDetail() = default;

QString FailingPromptDetail::exampleText() const
{
    return m_example->toPlainText().isEmpty() ? m_example->placeholderText() : m_example->toPlainText();
}

void FailingPromptDetail::showPrompt(const FailingPrompt* prompt)
{
    m_filterButton->setEnabled(prompt != nullptr);
    if (!prompt) {
        m_title->clear();
        m_example->clear();
        m_traces->clear();
        m_shown.clear();
        return;
    }
    const QString fingerprint = QString::fromStdString(prompt->fingerprint);
    m_title->setText(QStringLiteral("<b>%1</b> · %2 · %3")
                         .arg(QString::fromStdString(prompt->label).toHtmlEscaped(), fingerprint,
                             FailingPromptsModel::sourceText(prompt->source)));
    const QString example = QString::fromStdString(prompt->example);
    if (m_example->toPlainText() != example) // live refreshes must not reset what the user is reading
        m_example->setPlainText(example);
    if (fingerprint != m_shown || m_stale) {
        m_shown = fingerprint;
        ask();
    }
}

void FailingPromptDetail::ask()
{
    m_stale = false;
    m_traces->clear();
    m_status->setText(tr("Looking for failing traces…"));
    const QueryFilters filters = m_context->filters();
    FailingTracesQuery query;
    query.range = m_context->range();
    query.prompt = m_shown.toStdString();
    query.tenant = filters.tenant;
    query.environment = filters.environment;
    query.limit = kExampleTraces;
    const QString fingerprint = m_shown;
    m_context->ask(
        this, m_channel.c_str(),
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
        [this](FailingTracesReport report) { apply(report); });
}

void FailingPromptDetail::apply(const FailingTracesReport& report)
{
    if (report.fingerprint != m_shown)
        return; // the selection moved on; its own answer is on the way
    const FailingTracesResult& traces = report.traces;
    m_traces->update(traces.samples, report.services.services);
    if (!traces.ok())
        m_status->setText(tr("Failing traces could not be read: %1").arg(QString::fromStdString(traces.error)));
    else if (traces.samples.empty())
        m_status->setText(traces.notices.empty()
                ? tr("No failing span of this prompt is left among the raw spans of this range.")
                : QString::fromStdString(traces.notices.front()));
    else
        m_status->setText(tr("The newest %1 failing traces%2.")
                              .arg(traces.samples.size())
                              .arg(traces.scanCapped ? tr(" among the most recent spans (scan bounded)") : QString()));
    // At most a dozen rows, asked for only when the selection or the range
    // changes: fitting them to each prompt's services and errors is cheap.
    if (m_traces->rowCount() > 0)
        m_traceTable->resizeColumnsToContents();
    emit detailApplied();
}

} // namespace spanlight
