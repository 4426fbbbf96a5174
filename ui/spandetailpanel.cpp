#include "spandetailpanel.h"

#include "consolecontext.h"
#include "spanformat.h"
#include "spendformat.h"
#include "traceoutlinequery.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace spanlight {

namespace {

constexpr int kFullTextRole = Qt::UserRole + 1;
constexpr int kLinkRole = Qt::UserRole + 2;
constexpr int kExpandRole = Qt::UserRole + 3;

/// Attributes that carry message content (opt-in capture) in any of the
/// dialects the collector reads; shown apart from the other attributes.
bool isContentKey(const std::string& key)
{
    static const char* const kExact[] = { "gen_ai.system_instructions", "gen_ai.input.messages",
        "gen_ai.output.messages", "input.value", "output.value", "llm.prompt_template.template" };
    for (const char* k : kExact)
        if (key == k)
            return true;
    const bool numbered = key.rfind("gen_ai.prompt.", 0) == 0 || key.rfind("gen_ai.completion.", 0) == 0
        || key.rfind("llm.input_messages.", 0) == 0 || key.rfind("llm.output_messages.", 0) == 0;
    return numbered && key.size() > 8 && key.compare(key.size() - 8, 8, ".content") == 0;
}

/// GenAI content events (gen_ai.user.message, gen_ai.choice, operation details).
bool isContentLog(const std::string& eventName)
{
    return eventName.rfind("gen_ai.", 0) == 0
        && (eventName.find("message") != std::string::npos || eventName == "gen_ai.choice"
            || eventName.find("operation.details") != std::string::npos);
}

/// A (field, value) row under \a parent; returns the field item, which holds any children.
QStandardItem* addRow(QStandardItem* parent, const QString& key, const QString& value)
{
    auto* field = new QStandardItem(key);
    // One line in the tree; the value box shows the whole text.
    QString line = value;
    line.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    auto* text = new QStandardItem(line.left(400));
    text->setData(value, kFullTextRole);
    text->setToolTip(value.left(2000));
    field->setData(value, kFullTextRole);
    parent->appendRow({ field, text });
    return field;
}

void addOptional(QStandardItem* parent, const QString& key, const std::string& value)
{
    if (!value.empty())
        addRow(parent, key, fromUtf8(value));
}

void addTokens(
    QStandardItem* parent, const QString& key, const std::optional<int64_t>& tokens, const QString& note = {})
{
    if (tokens)
        addRow(parent, key, QLocale().toString(qlonglong(*tokens)) + note);
}

void addAttributes(QStandardItem* parent, const std::vector<AttributeText>& attributes)
{
    for (const AttributeText& a : attributes)
        addRow(parent, fromUtf8(a.key), fromUtf8(a.value));
}

QString conventionNames(int bits)
{
    QStringList names;
    if (bits & kConventionOTel)
        names << QStringLiteral("OTel gen_ai");
    if (bits & kConventionOTelLegacy)
        names << QStringLiteral("OTel gen_ai (pre-1.37)");
    if (bits & kConventionOpenInference)
        names << QStringLiteral("OpenInference");
    if (bits & kConventionOpenLLMetry)
        names << QStringLiteral("OpenLLMetry");
    return names.join(QStringLiteral(", "));
}

} // namespace

SpanDetailPanel::SpanDetailPanel(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_title(new QLabel(this))
    , m_tree(new QTreeView(this))
    , m_model(new QStandardItemModel(this))
    , m_value(new QPlainTextEdit(this))
    , m_showAll(new QPushButton(tr("Show all"), this))
{
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_model->setHorizontalHeaderLabels({ tr("Field"), tr("Value") });
    m_tree->setModel(m_model);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setUniformRowHeights(true);
    m_tree->setTextElideMode(Qt::ElideRight);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setColumnWidth(0, 190);
    m_value->setReadOnly(true);
    m_value->setPlaceholderText(tr("Select a field to read its whole value"));
    m_showAll->setToolTip(tr("Long values arrive cut; load this span's values in full"));
    m_showAll->hide();

    auto* valueBox = new QWidget(this);
    auto* valueLayout = new QVBoxLayout(valueBox);
    valueLayout->setContentsMargins(0, 0, 0, 0);
    valueLayout->addWidget(m_value);
    valueLayout->addWidget(m_showAll, 0, Qt::AlignRight);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    split->addWidget(valueBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(split, 1);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex& index) { showValue(index); });
    connect(m_tree, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        const QByteArray link = index.siblingAtColumn(0).data(kLinkRole).toByteArray();
        if (link.size() == 24) {
            TraceId trace;
            SpanId span;
            std::copy(link.begin(), link.begin() + 16, trace.begin());
            std::copy(link.begin() + 16, link.end(), span.begin());
            emit linkActivated(trace, span);
        }
    });
    connect(m_showAll, &QPushButton::clicked, this, &SpanDetailPanel::showAll);
    clear();
}

void SpanDetailPanel::showSpan(const TraceId& trace, int64_t rowId, int64_t traceStartNs)
{
    m_trace = trace;
    m_rowId = rowId;
    m_traceStartNs = traceStartNs;
    ask(false);
}

void SpanDetailPanel::clear()
{
    m_rowId = 0;
    m_truncated = 0;
    m_model->removeRows(0, m_model->rowCount());
    m_value->clear();
    m_showAll->hide();
    m_title->setText(tr("Select a span to see its attributes"));
}

void SpanDetailPanel::showAll()
{
    if (m_rowId > 0)
        ask(true);
}

void SpanDetailPanel::ask(bool full)
{
    SpanDetailQuery query { m_trace, m_rowId, full ? size_t(0) : size_t(1024) };
    m_context->ask(
        this, "traces.span",
        [query](sqlite3* db, const QueryControl& control) { return querySpanDetail(db, query, control); },
        [this](SpanDetailResult result) { apply(std::move(result)); });
}

QStandardItem* SpanDetailPanel::section(const QString& title, int count)
{
    auto* item = new QStandardItem(count >= 0 ? QStringLiteral("%1 (%2)").arg(title).arg(count) : title);
    QFont bold = m_tree->font();
    bold.setBold(true);
    item->setFont(bold);
    // Long lists start folded (apply() expands the others once they are filled).
    item->setData(count < 0 || count <= 40, kExpandRole);
    m_model->appendRow(item);
    m_tree->setFirstColumnSpanned(item->row(), {}, true);
    return item;
}

void SpanDetailPanel::apply(SpanDetailResult result)
{
    // Keep the selected row across "Show all": the tree has the same shape.
    std::vector<int> path;
    for (QModelIndex i = m_tree->currentIndex().siblingAtColumn(0); i.isValid(); i = i.parent())
        path.insert(path.begin(), i.row());
    m_model->removeRows(0, m_model->rowCount());
    m_value->clear();
    m_truncated = result.truncatedValues;
    if (!result.ok() || !result.found) {
        m_title->setText(result.ok() ? tr("This span is no longer stored") : fromUtf8(result.error));
        emit loaded();
        return;
    }
    const TraceSpan& s = result.span;
    m_title->setText(
        QStringLiteral("<b>%1</b> — %2").arg(fromUtf8(s.name).toHtmlEscaped(), fromUtf8(s.service).toHtmlEscaped()));

    QStandardItem* span = section(tr("Span"));
    addRow(span, tr("Name"), fromUtf8(s.name));
    addRow(span, tr("Service"), fromUtf8(s.service));
    addRow(span, tr("Start"),
        formatStart(s.startNs, true) + tr(" (+%1 in the trace)").arg(formatDuration(s.startNs - m_traceStartNs)));
    addRow(span, tr("Duration"), formatDuration(s.durationNs));
    const QString status = s.statusCode == 2 ? tr("error") : s.statusCode == 1 ? tr("ok") : tr("unset");
    addRow(span, tr("Status"),
        s.statusMessage.empty() ? status : status + QStringLiteral(": ") + fromUtf8(s.statusMessage));
    addOptional(span, tr("Error type"), s.errorType);
    addRow(span, tr("Span ID"), hexId(s.spanId));
    addRow(span, tr("Parent ID"), s.parentSpanId == SpanId {} ? tr("(root)") : hexId(s.parentSpanId));
    addRow(span, tr("Trace ID"), hexId(s.traceId));
    addOptional(span, tr("Tenant"), s.tenant);
    addOptional(span, tr("Environment"), s.environment);
    addOptional(span, tr("Scope"), s.scope);

    const bool genAi = (s.flags & kFlagGenAi) || !s.provider.empty() || !s.requestModel.empty() || s.costNanoUsd;
    if (genAi) {
        QStandardItem* g = section(tr("GenAI"));
        addOptional(g, tr("Provider"), s.provider);
        addOptional(g, tr("Operation"), s.operation);
        addOptional(g, tr("Request model"), s.requestModel);
        addOptional(g, tr("Response model"), s.responseModel);
        addTokens(g, tr("Input tokens"), s.inputTokens,
            (s.flags & kFlagInputIncludesCache) ? tr(" (includes cache)") : QString());
        addTokens(g, tr("Output tokens"), s.outputTokens,
            (s.flags & kFlagOutputIncludesReasoning) ? tr(" (includes reasoning)") : QString());
        addTokens(g, tr("Cache read tokens"), s.cacheReadTokens);
        addTokens(g, tr("Cache write tokens"), s.cacheWriteTokens);
        addTokens(g, tr("Reasoning tokens"), s.reasoningTokens);
        if (s.flags & kFlagUnpriced)
            addRow(g, tr("Cost"), tr("unknown: no price row matches this model"));
        else if (s.costNanoUsd)
            addRow(g, tr("Cost"),
                formatUsd(*s.costNanoUsd)
                    + ((s.flags & kFlagClientCost) ? tr(" (reported by the client)") : QString()));
        if (s.priceRowId)
            addRow(g, tr("Price row"),
                QStringLiteral("#%1  ").arg(*s.priceRowId)
                    + (result.priceRowDefinition.empty() ? tr("(definition not stored)")
                                                         : fromUtf8(result.priceRowDefinition)));
        addOptional(g, tr("Prompt"), s.promptLabel);
        addOptional(g, tr("Prompt fingerprint"), s.promptFingerprint);
        addOptional(g, tr("Session"), s.session);
        addOptional(g, tr("End user"), s.endUser);
        if (s.convention)
            addRow(g, tr("Conventions"), conventionNames(s.convention));
    }

    std::vector<AttributeText> content, other;
    for (const AttributeText& a : s.detail.attributes)
        (isContentKey(a.key) ? content : other).push_back(a);
    int contentLogs = 0;
    for (const TraceLogRecord& log : result.logs)
        contentLogs += isContentLog(log.eventName);
    if (!content.empty() || !result.promptExample.empty() || contentLogs > 0) {
        QStandardItem* c = section(tr("Message content"));
        addAttributes(c, content);
        for (const TraceLogRecord& log : result.logs)
            if (isContentLog(log.eventName))
                addRow(c, fromUtf8(log.eventName), fromUtf8(log.body));
        addOptional(c, tr("Prompt example"), result.promptExample);
    }
    addAttributes(section(tr("Attributes"), static_cast<int>(other.size())), other);
    if (!s.detail.events.empty()) {
        QStandardItem* events = section(tr("Events"), static_cast<int>(s.detail.events.size()));
        for (const SpanEventText& e : s.detail.events)
            addAttributes(addRow(events, QStringLiteral("+") + formatDuration(e.timeNs - s.startNs), fromUtf8(e.name)),
                e.attributes);
    }
    if (!s.detail.links.empty()) {
        QStandardItem* links = section(tr("Links"), static_cast<int>(s.detail.links.size()));
        for (const SpanLinkText& l : s.detail.links) {
            QStandardItem* item
                = addRow(links, hexId(l.spanId), tr("trace %1 (double-click opens it)").arg(hexId(l.traceId)));
            QByteArray link(reinterpret_cast<const char*>(l.traceId.data()), 16);
            link.append(reinterpret_cast<const char*>(l.spanId.data()), 8);
            item->setData(link, kLinkRole);
            addAttributes(item, l.attributes);
        }
    }
    QStandardItem* logs = section(tr("Logs"), static_cast<int>(result.logs.size()));
    for (const TraceLogRecord& log : result.logs) {
        const QString severity
            = log.severityText.empty() ? QString::number(log.severityNumber) : fromUtf8(log.severityText);
        QStandardItem* item = addRow(logs, formatStart(log.timeNs, false) + QLatin1Char(' ') + severity,
            log.eventName.empty() ? fromUtf8(log.body)
                                  : fromUtf8(log.eventName) + QStringLiteral(": ") + fromUtf8(log.body));
        addAttributes(item, log.attributes);
    }
    if (!result.resource.empty())
        addAttributes(section(tr("Resource"), static_cast<int>(result.resource.size())), result.resource);

    for (int r = 0; r < m_model->rowCount(); ++r)
        m_tree->setExpanded(m_model->index(r, 0), m_model->item(r)->data(kExpandRole).toBool());
    // Field names fit, up to half the panel: values get the rest.
    m_tree->resizeColumnToContents(0);
    m_tree->setColumnWidth(0, std::min(m_tree->columnWidth(0) + 8, std::max(160, m_tree->viewport()->width() / 2)));
    QModelIndex restore;
    for (size_t i = 0; i < path.size(); ++i) {
        const QModelIndex next = m_model->index(path[i], 0, restore);
        if (!next.isValid())
            break;
        restore = next;
    }
    if (restore.isValid()) {
        m_tree->setCurrentIndex(restore);
        m_tree->scrollTo(restore);
    }
    m_showAll->setVisible(m_truncated > 0);
    emit loaded();
}

void SpanDetailPanel::showValue(const QModelIndex& index)
{
    if (!index.isValid()) {
        m_value->clear();
        return;
    }
    const QString text = index.siblingAtColumn(0).data(kFullTextRole).toString();
    m_value->setPlainText(text);
    m_showAll->setVisible(m_truncated > 0);
    m_showAll->setEnabled(text.endsWith(QString::fromUtf8(kTruncationMark)));
}

QString SpanDetailPanel::value(const QString& sectionTitle, const QString& key) const
{
    for (int i = 0; i < m_model->rowCount(); ++i) {
        const QStandardItem* top = m_model->item(i);
        if (!top->text().startsWith(sectionTitle))
            continue;
        for (int c = 0; c < top->rowCount(); ++c)
            if (top->child(c)->text() == key)
                return top->child(c)->data(kFullTextRole).toString();
    }
    return {};
}

} // namespace spanlight
