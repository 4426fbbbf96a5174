#include "comparisonmodel.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

namespace spanlight {

namespace {

constexpr size_t kMaxFindings = 200; // beyond that the differences are noise
constexpr double kMinDifference = 0.001; // a tenth of a percentage point

QString percent(double share)
{
    return QLocale().toString(100 * share, 'f', 1) + QLatin1Char('%');
}

QString originText(AttributeOrigin origin)
{
    switch (origin) {
    case AttributeOrigin::Dimension:
        return QObject::tr("span column");
    case AttributeOrigin::Span:
        return QObject::tr("span attribute");
    case AttributeOrigin::Resource:
        return QObject::tr("resource attribute");
    }
    return {};
}

} // namespace

bool isFilterDimension(AttributeOrigin origin, const QString& key)
{
    static const QStringList kDimensions = { QStringLiteral("tenant"), QStringLiteral("environment"),
        QStringLiteral("service"), QStringLiteral("model"), QStringLiteral("prompt") };
    return origin == AttributeOrigin::Dimension && kDimensions.contains(key);
}

void ComparisonModel::setResult(const CompareResult& result)
{
    beginResetModel();
    m_findings.clear();
    for (const AttributeComparison& attribute : result.attributes)
        for (const ValueComparison& value : attribute.values)
            // "(other)" lumps the values past the tracked ones together: not a finding.
            if (value.difference >= kMinDifference && value.value != "(other)")
                m_findings.push_back({ attribute.origin, QString::fromStdString(attribute.key),
                    QString::fromStdString(value.value), value });
    std::stable_sort(m_findings.begin(), m_findings.end(),
        [](const Finding& a, const Finding& b) { return a.comparison.difference > b.comparison.difference; });
    if (m_findings.size() > kMaxFindings)
        m_findings.resize(kMaxFindings);
    m_maxDifference = 0;
    for (const Finding& f : m_findings)
        m_maxDifference = std::max(m_maxDifference, std::abs(f.comparison.difference));
    endResetModel();
}

void ComparisonModel::clear()
{
    beginResetModel();
    m_findings.clear();
    m_maxDifference = 0;
    endResetModel();
}

bool ComparisonModel::isFilterable(int row) const
{
    if (row < 0 || row >= rowCount())
        return false;
    const Finding& f = finding(row);
    return isFilterDimension(f.origin, f.key) && f.value != QStringLiteral("(other)");
}

int ComparisonModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_findings.size());
}

int ComparisonModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ComparisonModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Finding& f = m_findings[static_cast<size_t>(index.row())];
    const ValueComparison& c = f.comparison;
    const QLocale locale;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Attribute:
            return f.key;
        case Value:
            return f.value;
        case SelectionShare:
            return QStringLiteral("%1 (%2)").arg(
                percent(c.selectionShare), locale.toString(static_cast<qlonglong>(c.selectionCount)));
        case BaselineShare:
            return QStringLiteral("%1 (%2)").arg(
                percent(c.baselineShare), locale.toString(static_cast<qlonglong>(c.baselineCount)));
        case Difference:
            return QString((c.difference >= 0 ? QStringLiteral("+") : QString())
                + tr("%1 pp").arg(locale.toString(100 * c.difference, 'f', 1)));
        }
        return {};
    case SortRole:
    case RawValueRole:
        switch (index.column()) {
        case Attribute:
            return f.key;
        case Value:
            return f.value;
        case SelectionShare:
            return c.selectionShare;
        case BaselineShare:
            return c.baselineShare;
        case Difference:
            return c.difference;
        }
        return {};
    case MaxDifferenceRole:
        return m_maxDifference;
    case FilterableRole:
        return isFilterable(index.row());
    case Qt::TextAlignmentRole:
        if (index.column() == SelectionShare || index.column() == BaselineShare)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole: {
        QString tip = tr("%1 (%2): %3 of the selection, %4 of the baseline")
                          .arg(f.key, originText(f.origin), percent(c.selectionShare), percent(c.baselineShare));
        if (isFilterable(index.row()))
            return QString(tip + QLatin1Char('\n')
                + tr("Double-click or press Filter to narrow every view to %1 = %2").arg(f.key, f.value));
        return QString(tip + QLatin1Char('\n')
            + tr("Not a filter: only tenant, environment, service, model and prompt can narrow the console"));
    }
    }
    return {};
}

QVariant ComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Attribute:
        return tr("Attribute");
    case Value:
        return tr("Value");
    case SelectionShare:
        return tr("Selection");
    case BaselineShare:
        return tr("Baseline");
    case Difference:
        return tr("Over-representation");
    }
    return {};
}

} // namespace spanlight
