#pragma once

#include "spanquery.h"

#include <QAbstractTableModel>
#include <vector>

namespace spanlight {

/// True when \a a goes above \a b in a newest-first span list: it started
/// later, or it started at the same nanosecond and was stored later (so the
/// order is total and the same on every run).
bool startsLater(const SpanSummary& a, const SpanSummary& b);
/// Sorts \a spans newest start first. Query jobs call it on the reader thread,
/// so a page arrives at the UI thread already in list order.
void sortNewestFirst(std::vector<SpanSummary>& spans);

/// The rows of a span table kept newest start first. The queries page by
/// rowid (arrival order), so a page may hold spans that belong above rows
/// already shown; mergeRows() puts each at its place with one beginInsertRows
/// per contiguous run, never a reset, so the current row, the selection and
/// the scroll position survive live updates.
class SpanListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override;

    using QAbstractTableModel::span; // the cell-span virtual, not hidden by the row accessor
    const SpanSummary& span(int row) const { return m_rows.at(static_cast<size_t>(row)); }
    /// The row of the span with \a rowId that started at \a startNs; -1 if not loaded.
    int rowOf(int64_t rowId, int64_t startNs) const;
    /// The highest rowid loaded (the newest stored span), 0 when empty: live
    /// refreshes ask for what was stored after it.
    int64_t newestRowId() const { return m_newestRowId; }

    /// Past this many separate places one batch goes in as one insert at the
    /// end plus one layout change (a reorder), whose cost does not grow with
    /// the number of places.
    static constexpr size_t kMaxInsertRuns = 16;

protected:
    /// Puts \a batch (any order) into the list at its places.
    void mergeRows(std::vector<SpanSummary> batch);
    /// Drops every row; call between beginResetModel() and endResetModel().
    void clearRowsInReset();
    /// Replaces every row with \a batch: rows change in place and only the
    /// difference in length is removed or inserted. Persistent indexes stay on
    /// row numbers, so use it when nobody is reading the rows (tail -f).
    void replaceRows(std::vector<SpanSummary> batch);
    /// Keeps the \a keep newest stored rows (highest rowids) and removes the
    /// rest, run by run; returns the lowest rowid kept (0: nothing removed).
    /// Pages load every match above their cursor, so the rows left are still
    /// all matches with a rowid at or above it, and paging can go on from there.
    int64_t dropOldestStored(size_t keep);

private:
    void insertRuns(std::vector<SpanSummary>& batch, const std::vector<size_t>& places);
    void appendAndReorder(std::vector<SpanSummary>& batch);
    void noteRowIds(const std::vector<SpanSummary>& batch);

    std::vector<SpanSummary> m_rows;
    int64_t m_newestRowId = 0;
};

} // namespace spanlight
