#pragma once

#include "comparequery.h"

#include <QAbstractTableModel>
#include <vector>

namespace spanlight {

/// Selection-vs-baseline findings, one row per attribute value that is more
/// common in the selection than in the baseline, ranked by the difference of
/// shares (the comparison's own ranking, flattened).
class ComparisonModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Attribute, Value, SelectionShare, BaselineShare, Difference, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1,
        RawValueRole, ///< shares and differences as fractions, counts as numbers
        MaxDifferenceRole, ///< the largest |difference| of all rows: the bar's scale
        FilterableRole, ///< bool: the finding is a dimension a global filter can narrow to
    };

    struct Finding
    {
        AttributeOrigin origin = AttributeOrigin::Span;
        QString key;
        QString value;
        ValueComparison comparison;
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setResult(const CompareResult& result);
    void clear();
    const Finding& finding(int row) const { return m_findings.at(static_cast<size_t>(row)); }
    bool isFilterable(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<Finding> m_findings;
    double m_maxDifference = 0;
};

/// True when \a key names a dimension QueryFilters can hold (tenant, environment, service, model, prompt).
bool isFilterDimension(AttributeOrigin origin, const QString& key);

} // namespace spanlight
