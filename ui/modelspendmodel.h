#pragma once

#include "spendquery.h"

#include <QAbstractTableModel>
#include <vector>

namespace spanlight {

/// Spend per model (SpendResult::byModel): the spend view's by-model breakdown.
class ModelSpendModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Model,
        Spend,
        Share,
        Requests,
        InputTokens,
        OutputTokens,
        CacheTokens,
        ReasoningTokens,
        Unpriced,
        ColumnCount
    };
    enum Role { RawValueRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    void update(const SpendResult& result);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row
    {
        QString model;
        SpendTotals total;
    };
    QVariant raw(const Row& row, int column) const;

    std::vector<Row> m_rows;
    int64_t m_grandNanoUsd = 0;
};

} // namespace spanlight
