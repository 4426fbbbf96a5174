#include "modelspendmodel.h"

#include "spendformat.h"

#include <QLocale>

namespace spanlight {

void ModelSpendModel::update(const SpendResult& result)
{
    std::vector<Row> rows;
    for (const SpendSeries& s : result.byModel)
        rows.push_back({ QString::fromStdString(s.name), s.total });
    m_grandNanoUsd = result.grand.costNanoUsd;
    bool sameRows = rows.size() == m_rows.size();
    for (size_t i = 0; sameRows && i < rows.size(); ++i)
        sameRows = rows[i].model == m_rows[i].model;
    if (sameRows) {
        // In place: a live refresh keeps the selection and scroll position.
        m_rows = std::move(rows);
        if (!m_rows.empty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int ModelSpendModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ModelSpendModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelSpendModel::raw(const Row& row, int column) const
{
    const SpendTotals& t = row.total;
    switch (column) {
    case Model:
        return row.model;
    case Spend:
        return qlonglong(t.costNanoUsd);
    case Share:
        return m_grandNanoUsd > 0 ? double(t.costNanoUsd) / double(m_grandNanoUsd) * 100.0 : 0.0;
    case Requests:
        return qlonglong(t.requests);
    case InputTokens:
        return qlonglong(t.inputTokens);
    case OutputTokens:
        return qlonglong(t.outputTokens);
    case CacheTokens:
        return qlonglong(t.cacheReadTokens + t.cacheWriteTokens);
    case ReasoningTokens:
        return qlonglong(t.reasoningTokens);
    case Unpriced:
        return qlonglong(t.unpricedRequests);
    default:
        return {};
    }
}

QVariant ModelSpendModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == Model)
            return row.model;
        if (index.column() == Spend)
            return formatSpend(row.total);
        if (index.column() == Share)
            return QString(QLocale().toString(raw(row, Share).toDouble(), 'f', 1) + QLatin1Char('%'));
        return formatCount(raw(row, index.column()).toLongLong());
    case RawValueRole:
        return raw(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Unpriced && row.total.unpricedRequests > 0)
            return tr("No price row matches this model: add one to the price table and re-price "
                      "(spanlight reprice) to count its cost.");
        if (index.column() == CacheTokens)
            return tr("Cache read %1, cache write %2")
                .arg(formatCount(row.total.cacheReadTokens), formatCount(row.total.cacheWriteTokens));
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Model ? int(Qt::AlignLeft | Qt::AlignVCenter) : int(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant ModelSpendModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return {};
    const QString titles[] = { tr("Model"), tr("Spend"), tr("Share"), tr("Requests"), tr("Input tok."),
        tr("Output tok."), tr("Cache tok."), tr("Reasoning tok."), tr("Unpriced requests") };
    return titles[section];
}

} // namespace spanlight
