#include "servicecountsmodel.h"

#include <QLocale>

namespace spanlight {

void ServiceCountsModel::update(const std::map<std::string, ServiceCounts>& counts)
{
    // Existing rows update in place; new services append at the end.
    for (auto& row : m_rows) {
        auto it = counts.find(row.service.toStdString());
        if (it != counts.end())
            row.counts = it->second;
    }
    if (!m_rows.empty())
        emit dataChanged(index(0, Spans), index(static_cast<int>(m_rows.size()) - 1, Points));
    std::vector<Row> added;
    for (const auto& [service, c] : counts) {
        const QString name = QString::fromStdString(service);
        const bool known = std::any_of(m_rows.begin(), m_rows.end(), [&](const Row& r) { return r.service == name; });
        if (!known)
            added.push_back({ name, c });
    }
    if (added.empty())
        return;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
    m_rows.insert(m_rows.end(), added.begin(), added.end());
    endInsertRows();
}

int ServiceCountsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ServiceCountsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ServiceCountsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows[static_cast<size_t>(index.row())];
    const auto raw = [&]() -> QVariant {
        switch (index.column()) {
        case Service:
            return row.service.isEmpty() ? QStringLiteral("(no service.name)") : row.service;
        case Spans:
            return qlonglong(row.counts.spans);
        case Logs:
            return qlonglong(row.counts.logs);
        case Points:
            return qlonglong(row.counts.points);
        }
        return {};
    };
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == Service)
            return raw();
        return QLocale().toString(raw().toLongLong());
    case RawValueRole:
        return raw();
    case Qt::TextAlignmentRole:
        return index.column() == Service ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                         : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant ServiceCountsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Service:
        return tr("Service");
    case Spans:
        return tr("Spans stored");
    case Logs:
        return tr("Log records");
    case Points:
        return tr("Metric points");
    }
    return {};
}

} // namespace spanlight
