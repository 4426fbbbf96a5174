#pragma once

#include "spanlistmodel.h"

#include <QTimer>
#include <vector>

namespace spanlight {

/// Pages of span search results as a flat table, newest start first. A thin
/// adapter: it asks for more through moreRequested() (the view runs the
/// query) and takes pages back with appendPage(); rows queued in one
/// event-loop turn go in together, each at its place (Wireshark's packet
/// list, SpanListModel). Pages of an older generation (a search that was
/// replaced) are dropped.
class SpanTableModel : public SpanListModel
{
    Q_OBJECT
public:
    enum Column { Start, Service, Name, Duration, Status, Tenant, Model, Tokens, Cost, Prompt, Trace, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< a value that sorts right (numbers as numbers)
        RawValueRole, ///< the stored value (ns, nano-USD, tokens, names)
        TraceIdRole, ///< QByteArray of 16 bytes
        SpanIdRole, ///< QByteArray of 8 bytes
        RowIdRole, ///< the span's rowid
        IsErrorRole,
    };

    explicit SpanTableModel(QObject* parent = nullptr);

    /// Forgets every row and starts generation \a generation; the first page
    /// is already being asked for, so fetchMore waits for it.
    void reset(uint64_t generation);
    uint64_t generation() const { return m_generation; }
    /// How a page ended besides its rows.
    enum class PageEnd {
        Filled, ///< the page filled; more is fetched when the view scrolls there
        Capped, ///< the scan budget ran out first: the next page is asked for at once
        Paused, ///< the budget ran out and the view wants to stop until continueScan()
    };
    /// A page of \a generation; \a nextCursor 0 means nothing older is left.
    void appendPage(uint64_t generation, std::vector<SpanSummary> spans, int64_t nextCursor, PageEnd end);
    /// Spans stored after the newest row (live mode): each goes in at its place.
    void insertNewer(uint64_t generation, std::vector<SpanSummary> spans);
    /// Live mode with more new spans than a page while nobody reads the table:
    /// \a spans (the newest page) replace the rows, and paging goes on from
    /// \a nextCursor, as if the search had just started; no reset, no second query.
    void restartWith(uint64_t generation, std::vector<SpanSummary> spans, int64_t nextCursor);
    /// Live mode while nobody reads the table: keeps the \a keep newest stored
    /// rows and lets paging go on below them, so tail -f does not grow forever.
    void keepNewestStored(uint64_t generation, int keep);
    /// Lets fetchMore go on after a capped scan.
    void continueScan();
    /// A request failed: stop asking until the next reset.
    void stopFetching();

    bool fetching() const { return m_fetching; }
    bool paused() const { return m_paused; }
    bool exhausted() const { return !m_fetching && m_nextCursor == 0; }
    /// Dates appear in the time column when the range spans more than a day.
    void setShowDates(bool show);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

signals:
    /// The view should run the next page from \a cursor and call appendPage().
    void moreRequested(int64_t cursor);
    /// Rows went in (after the batched insert).
    void rowsLoaded();

private:
    void flush();
    QVariant display(const SpanSummary& s, int column) const;
    QVariant raw(const SpanSummary& s, int column) const;

    std::vector<SpanSummary> m_pending;
    QTimer m_flush;
    uint64_t m_generation = 0;
    int64_t m_nextCursor = 0;
    bool m_fetching = false;
    bool m_paused = false;
    bool m_continue = false; // a capped page: ask for the next one after the flush
    bool m_showDates = false;
};

} // namespace spanlight
