#include "cellspansmodel.h"

#include "consolecontext.h"
#include "heatmapscale.h"

#include <QBrush>
#include <QDateTime>
#include <QLocale>
#include <cmath>

namespace spanlight {

namespace {

int64_t totalTokens(const SpanSummary& s)
{
    return s.inputTokens.value_or(0) + s.outputTokens.value_or(0);
}

bool hasTokens(const SpanSummary& s)
{
    return s.inputTokens || s.outputTokens;
}

QString statusText(const SpanSummary& s)
{
    if (s.statusCode == 2)
        return s.errorType.empty() ? QObject::tr("Error") : QString::fromStdString(s.errorType);
    return s.statusCode == 1 ? QObject::tr("OK") : QObject::tr("Unset");
}

} // namespace

QString formatCost(int64_t nanoUsd)
{
    const double usd = static_cast<double>(nanoUsd) / 1e9;
    // Cheap calls cost fractions of a cent: keep three significant digits.
    const int decimals = usd >= 1 ? 2
        : usd > 0                 ? std::clamp(2 - static_cast<int>(std::floor(std::log10(usd))), 2, 9)
                                  : 2;
    return QLatin1Char('$') + QLocale().toString(usd, 'f', decimals);
}

CellSpansModel::CellSpansModel(ConsoleContext* context, QObject* parent)
    : SpanListModel(parent)
    , m_context(context)
{
}

void CellSpansModel::setQuery(const CellSpansQuery& query)
{
    beginResetModel();
    m_query = query;
    m_query.limit = m_pageSize;
    clearRowsInReset();
    m_notices.clear();
    m_nextCursor = 0;
    m_active = true;
    ++m_generation;
    endResetModel();
    ask(0);
}

void CellSpansModel::clear()
{
    beginResetModel();
    clearRowsInReset();
    m_notices.clear();
    m_nextCursor = 0;
    m_active = false;
    m_loading = false;
    ++m_generation;
    endResetModel();
}

void CellSpansModel::ask(int64_t cursor)
{
    m_loading = true;
    CellSpansQuery q = m_query;
    q.cursor = cursor;
    const uint64_t generation = m_generation;
    m_context->ask(
        this, "heatmap.cellspans",
        [q](sqlite3* db, const QueryControl& control) {
            CellSpansResult result = queryCellSpans(db, q, control);
            sortNewestFirst(result.spans); // here, not on the UI thread
            return result;
        },
        [this, generation](CellSpansResult result) { apply(generation, std::move(result)); });
}

void CellSpansModel::apply(uint64_t generation, CellSpansResult result)
{
    if (generation != m_generation)
        return;
    m_loading = false;
    for (const std::string& notice : result.notices)
        if (!m_notices.contains(QString::fromStdString(notice)))
            m_notices << QString::fromStdString(notice);
    if (!result.ok())
        m_notices << tr("Reading the spans failed: %1").arg(QString::fromStdString(result.error));
    // An interrupted page is incomplete: stop paging rather than skip spans.
    m_nextCursor = result.ok() && !result.interrupted ? result.nextCursor : 0;
    mergeRows(std::move(result.spans));
    emit pageApplied();
}

int CellSpansModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool CellSpansModel::canFetchMore(const QModelIndex& parent) const
{
    // One page in flight at a time: views call this on every scroll.
    return !parent.isValid() && m_active && !m_loading && m_nextCursor != 0;
}

void CellSpansModel::fetchMore(const QModelIndex& parent)
{
    if (canFetchMore(parent))
        ask(m_nextCursor);
}

QVariant CellSpansModel::display(const SpanSummary& s, int column) const
{
    const QLocale locale;
    switch (column) {
    case Time:
        return locale.toString(
            QDateTime::fromMSecsSinceEpoch(s.startNs / 1'000'000), QStringLiteral("ddd HH:mm:ss.zzz"));
    case Service:
        return QString::fromStdString(s.service);
    case Name:
        return QString::fromStdString(s.name);
    case Tenant:
        return QString::fromStdString(s.tenant);
    case Model:
        return QString::fromStdString(s.model);
    case Duration:
        return formatLatency(static_cast<double>(s.durationNs));
    case Status:
        return statusText(s);
    case Tokens:
        return hasTokens(s)
            ? QStringLiteral("%1 → %2").arg(locale.toString(static_cast<qlonglong>(s.inputTokens.value_or(0))),
                locale.toString(static_cast<qlonglong>(s.outputTokens.value_or(0))))
            : QString();
    case Cost:
        return s.costNanoUsd ? formatCost(*s.costNanoUsd) : QString();
    }
    return {};
}

QVariant CellSpansModel::raw(const SpanSummary& s, int column) const
{
    switch (column) {
    case Time:
        return QVariant::fromValue<qlonglong>(s.startNs);
    case Duration:
        return QVariant::fromValue<qlonglong>(s.durationNs);
    case Status:
        return s.statusCode;
    case Tokens:
        return hasTokens(s) ? QVariant::fromValue<qlonglong>(totalTokens(s)) : QVariant();
    case Cost:
        return s.costNanoUsd ? QVariant::fromValue<qlonglong>(*s.costNanoUsd) : QVariant();
    default:
        return display(s, column);
    }
}

QVariant CellSpansModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SpanSummary& s = span(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(s, index.column());
    case SortRole:
    case RawValueRole:
        return raw(s, index.column());
    case TraceIdRole:
        return QByteArray(reinterpret_cast<const char*>(s.traceId.data()), static_cast<qsizetype>(s.traceId.size()));
    case Qt::TextAlignmentRole:
        if (index.column() == Duration || index.column() == Tokens || index.column() == Cost)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Status && s.statusCode == 2)
            return QBrush(QColor(200, 30, 30));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Tokens && hasTokens(s)) {
            const QLocale l;
            const auto n
                = [&l](const std::optional<int64_t>& v) { return l.toString(static_cast<qlonglong>(v.value_or(0))); };
            return tr("input %1, output %2 (reasoning %3), cache read %4, cache write %5")
                .arg(n(s.inputTokens), n(s.outputTokens), n(s.reasoningTokens), n(s.cacheReadTokens),
                    n(s.cacheWriteTokens));
        }
        if (index.column() == Cost && !s.costNanoUsd)
            return tr("No price known for this model");
        if (index.column() == Name && !s.promptLabel.empty())
            return tr("Prompt: %1").arg(QString::fromStdString(s.promptLabel));
        return tr("Double-click to open the trace");
    }
    return {};
}

QVariant CellSpansModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Start");
    case Service:
        return tr("Service");
    case Name:
        return tr("Span");
    case Tenant:
        return tr("Tenant");
    case Model:
        return tr("Model");
    case Duration:
        return tr("Duration");
    case Status:
        return tr("Status");
    case Tokens:
        return tr("Tokens in → out");
    case Cost:
        return tr("Cost");
    }
    return {};
}

} // namespace spanlight
