#pragma once

#include "failingpromptsquery.h"

#include <QAbstractTableModel>
#include <map>
#include <vector>

namespace spanlight {

/// Ranked failing prompts (one ranking of a FailingPromptsResult) with their
/// failure trend per column: a thin adapter, rows in the given order.
class FailingPromptsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Prompt, Source, Failures, FailureRate, Volume, TopErrors, FirstSeen, LastSeen, Trend, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, ///< numbers as numbers, times as ns
        TrendRole, ///< QVariantList: failures per column, oldest first (any column of the row)
        FingerprintRole, ///< QString
        ExampleRole, ///< QString: captured example text, empty when none
    };

    using QAbstractTableModel::QAbstractTableModel;

    /// \a trends: failures per column by fingerprint (missing: no trend drawn).
    void update(std::vector<FailingPrompt> prompts, const std::map<std::string, std::vector<int64_t>>& trends);
    const FailingPrompt* promptAt(int row) const;
    /// The row of \a fingerprint, or -1.
    int rowOf(const QString& fingerprint) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString sourceText(PromptSource source);

private:
    struct Row
    {
        FailingPrompt prompt;
        QString fingerprint;
        QVariantList trend;
    };
    QVariant display(const Row& row, int column) const;

    std::vector<Row> m_rows;
};

} // namespace spanlight
