#pragma once

#include "ingeststatuspage.h"

#include <QElapsedTimer>
#include <QStatusBar>
#include <QTimer>

class QLabel;

namespace spanlight {

class ConsoleContext;

/// The bottom line of every page: where the collector listens, how fast it
/// stores, its queue and refusals (in-memory counters, every second), the
/// database size and how far back raw spans go (both read on a reader thread:
/// the UI thread never touches the disk).
class ConsoleStatusBar : public QStatusBar
{
    Q_OBJECT
public:
    ConsoleStatusBar(ConsoleContext* context, IngestStatusPage::SnapshotSource snapshots, QWidget* parent = nullptr);

    /// A permanent notice at the left (e.g. "DEMO DATA"), \a tip says more; empty hides it.
    void setBanner(const QString& text, const QString& tip = {});
    QString bannerText() const;
    /// Takes a snapshot now (the timer calls this every second).
    void refreshCounters();
    /// Reads database size and retention horizon now (every 30 s otherwise).
    void refreshStorage();

    /// A field's text by name ("endpoints", "rate", "queue", "rejected", "size", "horizon"), for tests.
    QString fieldText(const QString& name) const;

signals:
    /// Database size and retention horizon were updated.
    void storageRefreshed();

private:
    QLabel* addField(const QString& name, const QString& tip);

    ConsoleContext* m_context;
    IngestStatusPage::SnapshotSource m_snapshots;
    QLabel* m_banner;
    std::map<QString, QLabel*> m_fields;
    QTimer m_counterTimer;
    QTimer m_storageTimer;
    QElapsedTimer m_clock;
    QString m_dataDir;
    int64_t m_lastStored = -1;
    qint64 m_lastMs = 0;
};

} // namespace spanlight
