#include "spantablemodel.h"

#include "palettes.h"
#include "spanformat.h"
#include "spendformat.h"

#include <QApplication>
#include <QPalette>

namespace spanlight {

namespace {

QByteArray bytes(const uint8_t* data, size_t size)
{
    return QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
}

int64_t totalTokens(const SpanSummary& s)
{
    return s.inputTokens.value_or(0) + s.outputTokens.value_or(0);
}

} // namespace

SpanTableModel::SpanTableModel(QObject* parent)
    : SpanListModel(parent)
{
    // Zero-timer: however many pages arrive in one event-loop turn, one insert.
    m_flush.setSingleShot(true);
    m_flush.setInterval(0);
    connect(&m_flush, &QTimer::timeout, this, &SpanTableModel::flush);
}

void SpanTableModel::reset(uint64_t generation)
{
    beginResetModel();
    clearRowsInReset();
    m_pending.clear();
    m_flush.stop();
    m_generation = generation;
    m_nextCursor = 0;
    m_fetching = true;
    m_paused = false;
    m_continue = false;
    endResetModel();
}

void SpanTableModel::appendPage(uint64_t generation, std::vector<SpanSummary> spans, int64_t nextCursor, PageEnd end)
{
    if (generation != m_generation)
        return;
    m_fetching = false;
    m_nextCursor = nextCursor;
    m_paused = nextCursor != 0 && end == PageEnd::Paused;
    m_continue = nextCursor != 0 && end == PageEnd::Capped;
    m_pending.insert(m_pending.end(), std::make_move_iterator(spans.begin()), std::make_move_iterator(spans.end()));
    m_flush.start();
}

void SpanTableModel::insertNewer(uint64_t generation, std::vector<SpanSummary> spans)
{
    if (generation != m_generation || spans.empty())
        return;
    mergeRows(std::move(spans));
    emit rowsLoaded();
}

void SpanTableModel::restartWith(uint64_t generation, std::vector<SpanSummary> spans, int64_t nextCursor)
{
    if (generation != m_generation)
        return;
    m_pending.clear();
    m_flush.stop();
    m_nextCursor = nextCursor;
    m_fetching = false;
    m_paused = false;
    m_continue = false;
    replaceRows(std::move(spans));
    emit rowsLoaded();
}

void SpanTableModel::keepNewestStored(uint64_t generation, int keep)
{
    if (generation != m_generation || m_fetching || !m_pending.empty() || keep < 1)
        return;
    if (const int64_t cutoff = dropOldestStored(static_cast<size_t>(keep))) {
        m_nextCursor = cutoff; // the next page starts below the oldest row kept
        m_paused = false;
        m_continue = false;
        emit rowsLoaded();
    }
}

void SpanTableModel::continueScan()
{
    if (!m_paused)
        return;
    m_paused = false;
    fetchMore({});
}

void SpanTableModel::stopFetching()
{
    m_fetching = false;
    m_nextCursor = 0;
    m_continue = false;
}

void SpanTableModel::setShowDates(bool show)
{
    if (show == m_showDates)
        return;
    m_showDates = show;
    if (rowCount() > 0)
        emit dataChanged(index(0, Start), index(rowCount() - 1, Start), { Qt::DisplayRole });
}

void SpanTableModel::flush()
{
    if (!m_pending.empty()) {
        std::vector<SpanSummary> batch;
        batch.swap(m_pending);
        mergeRows(std::move(batch));
    }
    emit rowsLoaded();
    if (m_continue) {
        m_continue = false;
        fetchMore({});
    }
}

int SpanTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool SpanTableModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_fetching && !m_paused && m_nextCursor != 0 && m_pending.empty();
}

void SpanTableModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    m_fetching = true;
    emit moreRequested(m_nextCursor);
}

QVariant SpanTableModel::display(const SpanSummary& s, int column) const
{
    switch (column) {
    case Start:
        return formatStart(s.startNs, m_showDates);
    case Service:
        return fromUtf8(s.service);
    case Name:
        return fromUtf8(s.name);
    case Duration:
        return formatDuration(s.durationNs);
    case Status:
        if (s.statusCode != 2)
            return s.statusCode == 1 ? tr("ok") : QString();
        return s.errorType.empty() ? tr("error") : tr("error: %1").arg(fromUtf8(s.errorType));
    case Tenant:
        return fromUtf8(s.tenant);
    case Model:
        return fromUtf8(s.model);
    case Tokens:
        if (!s.inputTokens && !s.outputTokens)
            return QString();
        return tr("%L1 in / %L2 out").arg(s.inputTokens.value_or(0)).arg(s.outputTokens.value_or(0));
    case Cost:
        return s.costNanoUsd ? formatUsd(*s.costNanoUsd) : QString();
    case Prompt:
        return fromUtf8(s.promptLabel);
    case Trace:
        return hexId(s.traceId);
    }
    return {};
}

QVariant SpanTableModel::raw(const SpanSummary& s, int column) const
{
    switch (column) {
    case Start:
        return qlonglong(s.startNs);
    case Duration:
        return qlonglong(s.durationNs);
    case Status:
        return s.statusCode;
    case Tokens:
        return qlonglong(totalTokens(s));
    case Cost:
        return s.costNanoUsd ? QVariant(qlonglong(*s.costNanoUsd)) : QVariant();
    default:
        return display(s, column);
    }
}

QVariant SpanTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const SpanSummary& s = span(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(s, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Status && s.statusCode == 2)
            return tr("The span failed%1")
                .arg(s.errorType.empty() ? QString() : QStringLiteral(": ") + fromUtf8(s.errorType));
        return index.column() == Trace ? tr("Trace %1 — Enter opens it").arg(hexId(s.traceId)) : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() == Duration || index.column() == Tokens || index.column() == Cost)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Status && s.statusCode == 2)
            return themeError(QApplication::palette());
        return {};
    case SortRole: {
        // Numbers sort as numbers; a missing cost sorts below every real one.
        const QVariant v = raw(s, index.column());
        return v.isValid() ? v : QVariant(qlonglong(-1));
    }
    case RawValueRole:
        return raw(s, index.column());
    case TraceIdRole:
        return bytes(s.traceId.data(), s.traceId.size());
    case SpanIdRole:
        return bytes(s.spanId.data(), s.spanId.size());
    case RowIdRole:
        return qlonglong(s.rowId);
    case IsErrorRole:
        return s.statusCode == 2;
    }
    return {};
}

QVariant SpanTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Start:
        return tr("Start");
    case Service:
        return tr("Service");
    case Name:
        return tr("Span");
    case Duration:
        return tr("Duration");
    case Status:
        return tr("Status");
    case Tenant:
        return tr("Tenant");
    case Model:
        return tr("Model");
    case Tokens:
        return tr("Tokens");
    case Cost:
        return tr("Cost");
    case Prompt:
        return tr("Prompt");
    case Trace:
        return tr("Trace");
    }
    return {};
}

} // namespace spanlight
