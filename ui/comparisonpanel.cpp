#include "comparisonpanel.h"

#include "comparisonmodel.h"
#include "consolecontext.h"
#include "differencebardelegate.h"
#include "heatmapscale.h"
#include "latencyhistogram.h"
#include "promptlookup.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace spanlight {

ComparisonPanel::ComparisonPanel(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_model(new ComparisonModel(this))
    , m_summary(new QLabel(this))
    , m_view(new QTableView(this))
    , m_filterButton(new QPushButton(tr("&Filter to this value"), this))
{
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->setWordWrap(false);
    m_view->setItemDelegateForColumn(ComparisonModel::Difference,
        new DifferenceBarDelegate(ComparisonModel::RawValueRole, ComparisonModel::MaxDifferenceRole,
            DifferenceBarDelegate::Mode::Positive, m_view));
    QHeaderView* header = m_view->horizontalHeader();
    header->setStretchLastSection(true);
    const QFontMetrics fm = m_view->fontMetrics();
    header->resizeSection(
        ComparisonModel::Attribute, fm.horizontalAdvance(QStringLiteral("gen_ai.request.model")) + 24);
    header->resizeSection(
        ComparisonModel::Value, fm.horizontalAdvance(QStringLiteral("llama-3.3-70b-instruct-turbo")) + 24);
    header->resizeSection(
        ComparisonModel::SelectionShare, fm.horizontalAdvance(QStringLiteral("100.0% (20,000)")) + 24);
    header->resizeSection(ComparisonModel::BaselineShare, fm.horizontalAdvance(QStringLiteral("100.0% (20,000)")) + 24);

    m_filterButton->setEnabled(false);
    auto* top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_filterButton, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);

    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) { applyFinding(index.row()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ComparisonPanel::updateButton);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ComparisonPanel::updateButton);
    connect(m_filterButton, &QPushButton::clicked, this,
        [this] { applyFinding(m_view->selectionModel()->currentIndex().row()); });
    clear();
}

void ComparisonPanel::clear(const QString& hint)
{
    m_loading = false;
    m_model->clear();
    m_summary->setText(hint.isEmpty() ? tr("Drag a rectangle over the heatmap to compare those spans with the rest of "
                                           "the range: which tenants, models, prompts and attributes stand out.")
                                      : hint);
}

QString ComparisonPanel::summaryText() const
{
    return m_summary->text();
}

void ComparisonPanel::compare(const CompareQuery& query)
{
    m_loading = true;
    m_model->clear();
    m_summary->setText(tr("Comparing %1, %2 – %3 with the rest of the range…")
                           .arg(formatMinuteRange(query.range.fromMinute, query.range.toMinute),
                               formatLatency(std::max<double>(0, latency::lowerBound(query.firstBucket))),
                               formatLatency(static_cast<double>(latency::upperBound(query.lastBucket)))));
    m_context->ask(
        this, "heatmap.compare",
        [query](sqlite3* db, const QueryControl& control) { return queryComparison(db, query, control); },
        [this, query](CompareResult result) { apply(query, std::move(result)); });
}

void ComparisonPanel::apply(const CompareQuery& query, CompareResult result)
{
    m_loading = false;
    m_model->setResult(result);
    const QLocale locale;
    QString text = tr("Selection %1, %2 – %3: %4 spans vs %5 baseline spans.")
                       .arg(formatMinuteRange(query.range.fromMinute, query.range.toMinute),
                           formatLatency(std::max<double>(0, latency::lowerBound(query.firstBucket))),
                           formatLatency(static_cast<double>(latency::upperBound(query.lastBucket))),
                           locale.toString(static_cast<qlonglong>(result.selectionSpans)),
                           locale.toString(static_cast<qlonglong>(result.baselineSpans)));
    if (!result.ok())
        text += QLatin1Char(' ') + tr("The comparison failed: %1").arg(QString::fromStdString(result.error));
    else if (result.selectionSpans == 0)
        text += QLatin1Char(' ') + tr("No spans in the selection.");
    else if (m_model->rowCount() == 0)
        text += QLatin1Char(' ') + tr("Nothing is over-represented.");
    else
        text += QLatin1Char(' ') + tr("Double-click a tenant, environment, service, model or prompt to filter to it.");
    for (const std::string& notice : result.notices)
        text += QStringLiteral(" (") + QString::fromStdString(notice) + QLatin1Char(')');
    m_summary->setText(text);
    if (m_model->rowCount() > 0)
        m_view->selectionModel()->setCurrentIndex(
            m_model->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    emit resultApplied();
}

void ComparisonPanel::updateButton()
{
    const int row = m_view->selectionModel()->currentIndex().row();
    const bool filterable = m_model->isFilterable(row);
    m_filterButton->setEnabled(filterable);
    m_filterButton->setToolTip(filterable
            ? tr("Narrow every view to %1 = %2").arg(m_model->finding(row).key, m_model->finding(row).value)
            : tr("Only tenant, environment, service, model and prompt findings can become a filter"));
}

bool ComparisonPanel::applyFinding(int row)
{
    if (!m_model->isFilterable(row))
        return false;
    const ComparisonModel::Finding& f = m_model->finding(row);
    QueryFilters filters = m_context->filters();
    const std::string value = f.value.toStdString();
    if (f.key == QStringLiteral("tenant"))
        filters.tenant = value;
    else if (f.key == QStringLiteral("environment"))
        filters.environment = value;
    else if (f.key == QStringLiteral("service"))
        filters.service = value;
    else if (f.key == QStringLiteral("model"))
        filters.model = value;
    else if (f.key == QStringLiteral("prompt"))
        return applyPrompt(value);
    m_context->setFilters(filters);
    return true;
}

bool ComparisonPanel::applyPrompt(const std::string& label)
{
    // The comparison names prompts by label; the filter needs the fingerprint.
    m_context->ask(
        this, "heatmap.promptlookup",
        [label](sqlite3* db, const QueryControl&) { return queryPromptFingerprints(db, label); },
        [this, label](PromptLookupResult result) {
            if (result.fingerprints.empty()) {
                m_summary->setText(tr("The prompt “%1” is no longer stored: it cannot become a filter.")
                                       .arg(QString::fromStdString(label)));
                return;
            }
            // Labels are excerpts and may repeat: the most recently seen prompt is the likely one.
            QueryFilters filters = m_context->filters();
            filters.prompt = result.fingerprints.front();
            m_context->setFilters(filters);
        });
    return true;
}

} // namespace spanlight
