#include "failingpromptsmodel.h"

#include "spendformat.h"

#include <QDateTime>
#include <QLocale>

namespace spanlight {

namespace {

QString timeText(int64_t ns)
{
    if (ns <= 0)
        return QStringLiteral("—");
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString errorsText(const std::vector<PromptErrorType>& errors)
{
    QStringList parts;
    for (const PromptErrorType& e : errors)
        parts << QString::fromStdString(e.errorType) + QStringLiteral(" (") + formatCount(e.count) + QLatin1Char(')');
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString FailingPromptsModel::sourceText(PromptSource source)
{
    switch (source) {
    case PromptSource::Name:
        return tr("name");
    case PromptSource::Template:
        return tr("template");
    case PromptSource::Content:
        return tr("content");
    case PromptSource::Fallback:
        return tr("fallback");
    case PromptSource::None:
        break;
    }
    return tr("unknown");
}

void FailingPromptsModel::update(
    std::vector<FailingPrompt> prompts, const std::map<std::string, std::vector<int64_t>>& trends)
{
    std::vector<Row> rows;
    rows.reserve(prompts.size());
    for (FailingPrompt& p : prompts) {
        Row row;
        row.fingerprint = QString::fromStdString(p.fingerprint);
        if (auto it = trends.find(p.fingerprint); it != trends.end())
            for (int64_t v : it->second)
                row.trend << QVariant(qlonglong(v));
        row.prompt = std::move(p);
        rows.push_back(std::move(row));
    }
    bool sameRows = rows.size() == m_rows.size();
    for (size_t i = 0; sameRows && i < rows.size(); ++i)
        sameRows = rows[i].fingerprint == m_rows[i].fingerprint;
    if (sameRows) {
        // A live refresh with the same ranking: in place, so the selection stays.
        m_rows = std::move(rows);
        if (!m_rows.empty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

const FailingPrompt* FailingPromptsModel::promptAt(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[static_cast<size_t>(row)].prompt : nullptr;
}

int FailingPromptsModel::rowOf(const QString& fingerprint) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].fingerprint == fingerprint)
            return static_cast<int>(i);
    return -1;
}

int FailingPromptsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int FailingPromptsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FailingPromptsModel::display(const Row& row, int column) const
{
    const FailingPrompt& p = row.prompt;
    switch (column) {
    case Prompt:
        return QString::fromStdString(p.label);
    case Source:
        return sourceText(p.source);
    case Failures:
        return formatCount(p.errors);
    case FailureRate:
        return QString(QLocale().toString(p.failureRate * 100.0, 'f', 1) + QLatin1Char('%'));
    case Volume:
        return formatCount(p.spans);
    case TopErrors:
        return errorsText(p.topErrors);
    case FirstSeen:
        return timeText(p.firstSeenNs);
    case LastSeen:
        return timeText(p.lastSeenNs);
    default:
        return {};
    }
}

QVariant FailingPromptsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows[static_cast<size_t>(index.row())];
    const FailingPrompt& p = row.prompt;
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case RawValueRole:
        switch (index.column()) {
        case Failures:
            return qlonglong(p.errors);
        case FailureRate:
            return p.failureRate;
        case Volume:
            return qlonglong(p.spans);
        case FirstSeen:
            return qlonglong(p.firstSeenNs);
        case LastSeen:
            return qlonglong(p.lastSeenNs);
        default:
            return display(row, index.column());
        }
    case TrendRole:
        return row.trend;
    case FingerprintRole:
        return row.fingerprint;
    case ExampleRole:
        return QString::fromStdString(p.example);
    case Qt::ToolTipRole:
        if (index.column() == Prompt || index.column() == Source)
            return tr("%1\nFingerprint %2 (identified by %3)")
                .arg(QString::fromStdString(p.label), row.fingerprint, sourceText(p.source));
        if (index.column() == Trend)
            return tr("Failures per column over the selected range");
        if (index.column() == TopErrors)
            return display(row, TopErrors);
        return {};
    case Qt::TextAlignmentRole:
        return index.column() >= Failures && index.column() <= Volume ? int(Qt::AlignRight | Qt::AlignVCenter)
                                                                      : int(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant FailingPromptsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section >= 0 && section < rowCount() ? QVariant(section + 1) : QVariant();
    if (section < 0 || section >= ColumnCount)
        return {};
    const QString titles[] = { tr("Prompt"), tr("Source"), tr("Failures"), tr("Failure rate"), tr("Volume"),
        tr("Top error types"), tr("First seen"), tr("Last seen"), tr("Trend") };
    return titles[section];
}

} // namespace spanlight
