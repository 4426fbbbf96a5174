#pragma once

#include "spendquery.h"
#include "tenantmodelquery.h"

#include <QAbstractTableModel>
#include <optional>
#include <vector>

namespace spanlight {

/// What the spend table shows, gathered on a reader thread in one job.
struct SpendReport : QueryStatus
{
    SpendResult current;
    SpendResult previous; ///< the preceding range of equal length, one column
    SpendResult monthToDate; ///< the current UTC month up to now, one column
    TenantModelResult tenantModels;
    double monthElapsed = 1; ///< share of the UTC month that has passed (0, 1]
};

/// Per-tenant spend of a SpendReport: a thin adapter, one row per tenant.
/// Budgets are monthly USD from QSettings `budgets/<tenant>`, edited in place.
class SpendTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Tenant,
        Spend,
        Share,
        Change,
        Requests,
        InputTokens,
        OutputTokens,
        CacheTokens,
        ReasoningTokens,
        TopModel,
        Budget,
        Projection,
        ColumnCount
    };
    /// RawValueRole: numbers as numbers (nano-USD, percent, tokens; budget in USD), for sorting and tests.
    enum Role { RawValueRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    void update(const SpendReport& report);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    /// The monthly budget of \a tenant in USD, if one is set.
    static std::optional<double> budgetOf(const QString& tenant);
    static void setBudgetOf(const QString& tenant, std::optional<double> usd);

private:
    struct Row
    {
        QString tenant;
        SpendTotals total;
        std::optional<SpendTotals> previous;
        std::optional<SpendTotals> monthToDate;
        QString topModel;
        std::optional<double> budget;
    };
    QVariant display(const Row& row, int column) const;
    QVariant raw(const Row& row, int column) const;
    QVariant toolTip(const Row& row, int column) const;
    std::optional<int64_t> projectedNanoUsd(const Row& row) const;

    std::vector<Row> m_rows;
    int64_t m_grandNanoUsd = 0;
    double m_monthElapsed = 1;
};

} // namespace spanlight
