#pragma once

#include "traceoutlinequery.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace spanlight {

/// The tree of a trace, laid out once when it arrives so painting and
/// navigation never walk it again: spans in depth-first order (children by
/// start time), each row's depth and subtree extent, the rows left visible by
/// collapsed subtrees, and the rows holding errors. Pure data, no widgets.
class WaterfallLayout
{
public:
    struct Row
    {
        int span = 0; ///< index into TraceOutline::spans
        int parentRow = -1; ///< -1 for a root (or a span whose parent never arrived)
        int depth = 0;
        int subtreeEnd = 0; ///< first row after this row's subtree (tree order)
    };

    /// O(spans): no recursion, so a 50,000-deep chain is fine; parent cycles
    /// and missing parents make roots instead of losing spans.
    void build(const TraceOutline& outline);

    int rowCount() const { return static_cast<int>(m_rows.size()); }
    const Row& row(int r) const { return m_rows[static_cast<size_t>(r)]; }
    bool hasChildren(int r) const { return row(r).subtreeEnd > r + 1; }
    int rowOfSpan(int span) const { return m_rowOfSpan[static_cast<size_t>(span)]; }
    int maxDepth() const { return m_maxDepth; }
    int64_t startNs() const { return m_startNs; }
    int64_t endNs() const { return m_endNs; }

    bool collapsed(int r) const { return m_collapsed[static_cast<size_t>(r)] != 0; }
    void setCollapsed(int r, bool collapsed);
    void expandAll();
    /// Collapses every subtree below depth \a keepDepth.
    void collapseBelow(int keepDepth);
    /// Expands every ancestor of \a r so it becomes visible.
    void reveal(int r);

    /// Tree rows not hidden by a collapsed ancestor, ascending.
    const std::vector<int>& visibleRows() const { return m_visible; }
    /// Position of \a r among the visible rows; -1 when hidden.
    int visibleIndex(int r) const;

    const std::vector<int>& errorRows() const { return m_errors; }
    /// The next (or previous) row of \a rows after \a from in tree order, wrapping; -1 if none.
    static int step(const std::vector<int>& rows, int from, bool forward);

private:
    void updateVisible();

    std::vector<Row> m_rows;
    std::vector<int> m_rowOfSpan;
    std::vector<char> m_collapsed;
    std::vector<int> m_visible;
    std::vector<int> m_errors;
    int m_maxDepth = 0;
    int64_t m_startNs = 0;
    int64_t m_endNs = 0;
};

/// A trace and its layout, made together on a reader thread so opening a
/// 50,000-span trace costs the UI thread nothing but the paint.
struct LaidOutTrace
{
    std::shared_ptr<const TraceOutline> outline;
    WaterfallLayout layout;
};

/// Reads the outline of \a traceId and lays it out: a query for ConsoleContext::ask().
LaidOutTrace queryLaidOutTrace(sqlite3* db, const TraceId& traceId, const QueryControl& control);

} // namespace spanlight
