#include "failingtracesmodel.h"

#include <QDateTime>

namespace spanlight {

QString FailingTracesModel::hexId(const uint8_t* data, size_t size)
{
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)).toHex());
}

void FailingTracesModel::update(std::vector<FailingSpanSample> samples, std::vector<std::string> services)
{
    beginResetModel();
    m_rows.clear();
    for (size_t i = 0; i < samples.size(); ++i)
        m_rows.push_back(
            { std::move(samples[i]), i < services.size() ? QString::fromStdString(services[i]) : QString() });
    endResetModel();
}

void FailingTracesModel::clear()
{
    update({}, {});
}

const FailingSpanSample* FailingTracesModel::sampleAt(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[static_cast<size_t>(row)].sample : nullptr;
}

int FailingTracesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int FailingTracesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FailingTracesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows[static_cast<size_t>(index.row())];
    const FailingSpanSample& s = row.sample;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(s.startNs / 1'000'000).toString(QStringLiteral("MM-dd HH:mm:ss"));
        case Service:
            return row.service.isEmpty() ? QStringLiteral("—") : row.service;
        case ErrorType:
            return s.errorType.empty() ? QStringLiteral("(none)") : QString::fromStdString(s.errorType);
        case Message:
            return QString::fromStdString(s.statusMessage).simplified();
        case Trace:
            return hexId(s.traceId.data(), s.traceId.size());
        default:
            return {};
        }
    case RawValueRole:
        return index.column() == Time ? QVariant(qlonglong(s.startNs)) : data(index, Qt::DisplayRole);
    case TraceIdRole:
        return QByteArray(reinterpret_cast<const char*>(s.traceId.data()), qsizetype(s.traceId.size()));
    case Qt::ToolTipRole:
        if (index.column() == Message)
            return QString::fromStdString(s.statusMessage);
        if (index.column() == Trace)
            return tr("Double-click to open the trace");
        return {};
    default:
        return {};
    }
}

QVariant FailingTracesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return {};
    const QString titles[] = { tr("Time"), tr("Service"), tr("Error type"), tr("Trace id"), tr("Message") };
    return titles[section];
}

} // namespace spanlight
