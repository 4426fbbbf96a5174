#pragma once

#include "failingpromptsquery.h"

#include <QAbstractTableModel>
#include <vector>

namespace spanlight {

/// Example failing spans of one prompt (queryFailingTraces), one per trace.
class FailingTracesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Service, ErrorType, Trace, Message, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1,
        TraceIdRole, ///< QByteArray, 16 bytes
    };

    using QAbstractTableModel::QAbstractTableModel;

    /// \a services parallel to \a samples (may be shorter: unknown).
    void update(std::vector<FailingSpanSample> samples, std::vector<std::string> services);
    void clear();
    const FailingSpanSample* sampleAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString hexId(const uint8_t* data, size_t size);

private:
    struct Row
    {
        FailingSpanSample sample;
        QString service;
    };
    std::vector<Row> m_rows;
};

} // namespace spanlight
