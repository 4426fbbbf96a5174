#pragma once

#include "ingestsnapshot.h"

#include <QElapsedTimer>
#include <QWidget>
#include <functional>

class QGridLayout;
class QLabel;
class QTableView;
class QTimer;

namespace spanlight {

class ServiceCountsModel;

/// Where the collector listens and what it has received, stored and refused,
/// live. Reads only in-memory counters (never SQLite), twice a second.
class IngestStatusPage : public QWidget
{
    Q_OBJECT
public:
    using SnapshotSource = std::function<IngestSnapshot()>;

    explicit IngestStatusPage(SnapshotSource source, QWidget* parent = nullptr);

    /// Pulls a snapshot now (the timer calls this too).
    void refresh();
    ServiceCountsModel* serviceModel() const { return m_services; }
    /// The text of a counter by its name (for tests and accessibility).
    QString counterText(const QString& name) const;
    /// The storage warning shown while commits fail (empty when healthy).
    QString storageWarning() const;

private:
    QLabel* addCounter(QGridLayout* grid, int row, int column, const QString& name);

    SnapshotSource m_source;
    QTimer* m_timer;
    QLabel* m_endpoints;
    QLabel* m_storageWarning;
    std::map<QString, QLabel*> m_counters;
    ServiceCountsModel* m_services;
    QTableView* m_serviceTable;
    QElapsedTimer m_clock;
    int64_t m_lastSpans = -1;
    qint64 m_lastMs = 0;
};

} // namespace spanlight
