#pragma once

#include "ingeststatuspage.h"
#include "queryrunner.h"
#include "querytypes.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace spanlight {

/// What every console view shares: the reader pool, the time range and the
/// global filters, and a coalesced "new data arrived" signal. Views ask for
/// data through ask(), which runs the query on a reader thread and hands the
/// result back on the UI thread only if it is still the newest of its channel
/// and the view still exists (hotspot's JobTracker; DESIGN.md rule 6).
class ConsoleContext : public QObject
{
    Q_OBJECT
public:
    enum class RangePreset { Minutes15, Hour1, Hours6, Hours24, Days7, Custom };
    Q_ENUM(RangePreset)

    ConsoleContext(QueryRunner* runner, IngestStatusPage::SnapshotSource snapshots, QObject* parent = nullptr);

    QueryRunner* runner() const { return m_runner; }
    IngestSnapshot snapshot() const { return m_snapshots(); }

    RangePreset preset() const { return m_preset; }
    /// The selected range in whole minutes; in live mode it ends after the current minute.
    TimeRange range() const;
    bool live() const { return m_live && m_preset != RangePreset::Custom; }
    const QueryFilters& filters() const { return m_filters; }
    /// A sensible column width for time charts over the current range (~60–120 columns).
    int columnMinutes() const;

    void setPreset(RangePreset preset);
    void setCustomRange(const QDateTime& from, const QDateTime& to);
    void setLive(bool live);
    void setFilters(const QueryFilters& filters);

    /// Runs \a query (Result(sqlite3*, const QueryControl&)) on a reader thread
    /// in \a channel; \a apply(Result) runs later on \a receiver's thread unless
    /// a newer request on the channel superseded it or \a receiver is gone.
    template <typename Query, typename Apply> void ask(QObject* receiver, const char* channel, Query query, Apply apply)
    {
        emit asked(QByteArray(channel));
        QPointer<QObject> guard(receiver);
        QueryRunner* runner = m_runner;
        runner->submit(channel, std::move(query), [guard, runner, apply](QueryRunner::Ticket ticket, auto result) {
            if (!guard)
                return;
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, runner, ticket, apply, result = std::move(result)]() mutable {
                    if (guard && runner->isCurrent(ticket))
                        apply(std::move(result));
                },
                Qt::QueuedConnection);
        });
    }

signals:
    /// The range or the filters changed: views ask again now.
    void selectionChanged();
    /// New spans were committed; emitted at most every 250 ms (live views refresh).
    void dataChanged();
    /// A view asked for a query on \a channel (tests count a page's queries with it).
    void asked(const QByteArray& channel);

private:
    void poll();

    QueryRunner* m_runner;
    IngestStatusPage::SnapshotSource m_snapshots;
    RangePreset m_preset = RangePreset::Hour1;
    QDateTime m_customFrom, m_customTo;
    bool m_live = true;
    QueryFilters m_filters;
    QTimer m_poll;
    int64_t m_lastStored = -1;
};

/// Minutes of a preset (0 for Custom).
int presetMinutes(ConsoleContext::RangePreset preset);

} // namespace spanlight
