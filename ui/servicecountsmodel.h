#pragma once

#include "telemetrywriter.h"

#include <QAbstractTableModel>
#include <vector>

namespace spanlight {

/// Stored spans, log records and metric points per service. A thin adapter over
/// the writer's per-service counters; rows keep their order between updates so
/// a selection survives a refresh.
class ServiceCountsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Service, Spans, Logs, Points, ColumnCount };
    enum Role { RawValueRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    void update(const std::map<std::string, ServiceCounts>& counts);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row
    {
        QString service;
        ServiceCounts counts;
    };
    std::vector<Row> m_rows;
};

} // namespace spanlight
