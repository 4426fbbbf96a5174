#include "spanlistmodel.h"

#include <algorithm>
#include <functional>
#include <numeric>

namespace spanlight {

bool startsLater(const SpanSummary& a, const SpanSummary& b)
{
    return a.startNs != b.startNs ? a.startNs > b.startNs : a.rowId > b.rowId;
}

void sortNewestFirst(std::vector<SpanSummary>& spans)
{
    if (!std::is_sorted(spans.begin(), spans.end(), startsLater))
        std::sort(spans.begin(), spans.end(), startsLater);
}

int SpanListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SpanListModel::rowOf(int64_t rowId, int64_t startNs) const
{
    SpanSummary key;
    key.rowId = rowId;
    key.startNs = startNs;
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), key, startsLater);
    return it != m_rows.end() && it->rowId == rowId && it->startNs == startNs ? static_cast<int>(it - m_rows.begin())
                                                                              : -1;
}

void SpanListModel::noteRowIds(const std::vector<SpanSummary>& batch)
{
    for (const SpanSummary& s : batch)
        m_newestRowId = std::max(m_newestRowId, s.rowId);
}

void SpanListModel::mergeRows(std::vector<SpanSummary> batch)
{
    if (batch.empty())
        return;
    sortNewestFirst(batch);
    noteRowIds(batch);
    // Each span's place among the rows as they are now; the batch is sorted,
    // so the places never decrease and each search starts at the last one.
    std::vector<size_t> places(batch.size());
    auto from = m_rows.begin();
    size_t runs = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
        from = std::lower_bound(from, m_rows.end(), batch[i], startsLater);
        places[i] = static_cast<size_t>(from - m_rows.begin());
        if (i == 0 || places[i] != places[i - 1])
            ++runs;
    }
    if (runs > kMaxInsertRuns)
        appendAndReorder(batch);
    else
        insertRuns(batch, places);
}

void SpanListModel::insertRuns(std::vector<SpanSummary>& batch, const std::vector<size_t>& places)
{
    // The last run first: the places of the runs above it stay valid.
    size_t end = batch.size();
    while (end > 0) {
        size_t begin = end - 1;
        while (begin > 0 && places[begin - 1] == places[end - 1])
            --begin;
        const int at = static_cast<int>(places[begin]);
        beginInsertRows({}, at, at + static_cast<int>(end - begin) - 1);
        m_rows.insert(m_rows.begin() + static_cast<std::ptrdiff_t>(at),
            std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(begin)),
            std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(end)));
        endInsertRows();
        end = begin;
    }
}

void SpanListModel::appendAndReorder(std::vector<SpanSummary>& batch)
{
    const size_t old = m_rows.size();
    beginInsertRows({}, static_cast<int>(old), static_cast<int>(old + batch.size()) - 1);
    m_rows.insert(m_rows.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
    endInsertRows();

    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    // Both halves are sorted: one linear merge of row numbers gives the new order.
    std::vector<size_t> order(m_rows.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::inplace_merge(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(old), order.end(),
        [this](size_t a, size_t b) { return startsLater(m_rows[a], m_rows[b]); });
    std::vector<int> newRow(order.size());
    std::vector<SpanSummary> sorted;
    sorted.reserve(m_rows.size());
    for (size_t i = 0; i < order.size(); ++i) {
        newRow[order[i]] = static_cast<int>(i);
        sorted.push_back(std::move(m_rows[order[i]]));
    }
    m_rows = std::move(sorted);
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex& index : before)
        after << this->index(newRow[static_cast<size_t>(index.row())], index.column());
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void SpanListModel::clearRowsInReset()
{
    m_rows.clear();
    m_newestRowId = 0;
}

void SpanListModel::replaceRows(std::vector<SpanSummary> batch)
{
    sortNewestFirst(batch);
    // Rows both lists have change in place (one dataChanged: no relayout, no
    // scroll range change); only the difference is removed or inserted.
    const size_t old = m_rows.size(), common = std::min(old, batch.size());
    if (batch.size() < old) {
        beginRemoveRows({}, static_cast<int>(batch.size()), static_cast<int>(old) - 1);
        m_rows.resize(batch.size());
        endRemoveRows();
    }
    std::move(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(common), m_rows.begin());
    m_newestRowId = 0;
    noteRowIds(m_rows);
    if (common > 0)
        emit dataChanged(index(0, 0), index(static_cast<int>(common) - 1, columnCount() - 1));
    if (batch.size() > old) {
        beginInsertRows({}, static_cast<int>(old), static_cast<int>(batch.size()) - 1);
        m_rows.insert(m_rows.end(), std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(old)),
            std::make_move_iterator(batch.end()));
        endInsertRows();
        noteRowIds(m_rows);
    }
}

int64_t SpanListModel::dropOldestStored(size_t keep)
{
    if (keep == 0 || m_rows.size() <= keep)
        return 0;
    std::vector<int64_t> ids;
    ids.reserve(m_rows.size());
    for (const SpanSummary& s : m_rows)
        ids.push_back(s.rowId);
    std::nth_element(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(keep - 1), ids.end(), std::greater<>());
    const int64_t cutoff = ids[keep - 1];
    // Bottom-up, so the rows above a run keep their numbers; old spans are
    // mostly at the bottom, a few long ones higher up.
    size_t end = m_rows.size();
    while (end > 0) {
        if (m_rows[end - 1].rowId >= cutoff) {
            --end;
            continue;
        }
        size_t begin = end - 1;
        while (begin > 0 && m_rows[begin - 1].rowId < cutoff)
            --begin;
        beginRemoveRows({}, static_cast<int>(begin), static_cast<int>(end) - 1);
        m_rows.erase(
            m_rows.begin() + static_cast<std::ptrdiff_t>(begin), m_rows.begin() + static_cast<std::ptrdiff_t>(end));
        endRemoveRows();
        end = begin;
    }
    return cutoff;
}

} // namespace spanlight
