#include "waterfalllayout.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace spanlight {

namespace {

uint64_t key(const SpanId& id)
{
    uint64_t k = 0;
    std::memcpy(&k, id.data(), sizeof k);
    return k;
}

} // namespace

void WaterfallLayout::build(const TraceOutline& outline)
{
    const auto& spans = outline.spans;
    const int n = static_cast<int>(spans.size());
    m_rows.clear();
    m_rows.reserve(spans.size());
    m_rowOfSpan.assign(spans.size(), -1);
    m_collapsed.assign(spans.size(), 0);
    m_errors.clear();
    m_maxDepth = 0;
    m_startNs = n ? spans.front().startNs : 0;
    m_endNs = m_startNs;

    // Span id -> index as a sorted array: one allocation, where a hash map
    // would make 50,000 (this runs for every trace opened).
    std::vector<std::pair<uint64_t, int>> byId(spans.size());
    for (int i = 0; i < n; ++i)
        byId[static_cast<size_t>(i)] = { key(spans[static_cast<size_t>(i)].spanId), i };
    std::sort(byId.begin(), byId.end()); // a repeated id: the first index wins the lookup
    const auto find = [&byId](uint64_t id) {
        const auto it = std::lower_bound(byId.begin(), byId.end(), std::make_pair(id, INT_MIN));
        return it != byId.end() && it->first == id ? it->second : -1;
    };
    // Children as compressed lists; spans come sorted by start, so children are too.
    std::vector<int> parentOf(spans.size(), -1);
    std::vector<int> childStart(spans.size() + 1, 0);
    for (int i = 0; i < n; ++i) {
        const OutlineSpan& s = spans[static_cast<size_t>(i)];
        m_startNs = std::min(m_startNs, s.startNs);
        m_endNs = std::max(m_endNs, s.startNs + s.durationNs);
        const uint64_t parent = key(s.parentSpanId);
        if (parent == 0)
            continue;
        const int p = find(parent);
        if (p >= 0 && p != i) {
            parentOf[static_cast<size_t>(i)] = p;
            ++childStart[static_cast<size_t>(p) + 1];
        }
    }
    for (int i = 0; i < n; ++i)
        childStart[static_cast<size_t>(i) + 1] += childStart[static_cast<size_t>(i)];
    std::vector<int> children(static_cast<size_t>(childStart.back()));
    std::vector<int> fill(childStart.begin(), childStart.end() - 1);
    for (int i = 0; i < n; ++i)
        if (parentOf[static_cast<size_t>(i)] >= 0)
            children[static_cast<size_t>(fill[static_cast<size_t>(parentOf[static_cast<size_t>(i)])]++)] = i;

    // Depth-first with an explicit stack. Roots first; then anything a parent
    // cycle kept unreachable becomes a root of its own.
    std::vector<int> stack;
    const auto walk = [&](int root) {
        stack.push_back(root);
        while (!stack.empty()) {
            const int span = stack.back();
            stack.pop_back();
            if (m_rowOfSpan[static_cast<size_t>(span)] >= 0)
                continue;
            const int parentSpan = parentOf[static_cast<size_t>(span)];
            const int parentRow = parentSpan >= 0 ? m_rowOfSpan[static_cast<size_t>(parentSpan)] : -1;
            Row r;
            r.span = span;
            r.parentRow = parentRow;
            r.depth = parentRow >= 0 ? m_rows[static_cast<size_t>(parentRow)].depth + 1 : 0;
            m_maxDepth = std::max(m_maxDepth, r.depth);
            m_rowOfSpan[static_cast<size_t>(span)] = static_cast<int>(m_rows.size());
            m_rows.push_back(r);
            for (int c = childStart[static_cast<size_t>(span) + 1] - 1; c >= childStart[static_cast<size_t>(span)]; --c)
                stack.push_back(children[static_cast<size_t>(c)]);
        }
    };
    for (int i = 0; i < n; ++i)
        if (parentOf[static_cast<size_t>(i)] < 0)
            walk(i);
    for (int i = 0; i < n; ++i)
        if (m_rowOfSpan[static_cast<size_t>(i)] < 0) {
            parentOf[static_cast<size_t>(i)] = -1; // break the cycle here
            walk(i);
        }

    // Subtree extents: children follow their parent, so a reverse pass adds sizes up.
    std::vector<int> size(m_rows.size(), 1);
    for (int r = n - 1; r >= 0; --r) {
        const int parent = m_rows[static_cast<size_t>(r)].parentRow;
        if (parent >= 0)
            size[static_cast<size_t>(parent)] += size[static_cast<size_t>(r)];
    }
    for (int r = 0; r < n; ++r) {
        m_rows[static_cast<size_t>(r)].subtreeEnd = r + size[static_cast<size_t>(r)];
        if (spans[static_cast<size_t>(m_rows[static_cast<size_t>(r)].span)].statusCode == 2)
            m_errors.push_back(r);
    }
    updateVisible();
}

LaidOutTrace queryLaidOutTrace(sqlite3* db, const TraceId& traceId, const QueryControl& control)
{
    LaidOutTrace out;
    auto outline = std::make_shared<TraceOutline>(queryTraceOutline(db, traceId, control));
    if (outline->ok())
        out.layout.build(*outline);
    out.outline = std::move(outline);
    return out;
}

void WaterfallLayout::setCollapsed(int r, bool collapsed)
{
    if (!hasChildren(r) || this->collapsed(r) == collapsed)
        return;
    m_collapsed[static_cast<size_t>(r)] = collapsed;
    updateVisible();
}

void WaterfallLayout::expandAll()
{
    std::fill(m_collapsed.begin(), m_collapsed.end(), 0);
    updateVisible();
}

void WaterfallLayout::collapseBelow(int keepDepth)
{
    for (int r = 0; r < rowCount(); ++r)
        m_collapsed[static_cast<size_t>(r)] = hasChildren(r) && row(r).depth >= keepDepth;
    updateVisible();
}

void WaterfallLayout::reveal(int r)
{
    bool changed = false;
    for (int p = row(r).parentRow; p >= 0; p = row(p).parentRow) {
        changed = changed || m_collapsed[static_cast<size_t>(p)];
        m_collapsed[static_cast<size_t>(p)] = 0;
    }
    if (changed)
        updateVisible();
}

int WaterfallLayout::visibleIndex(int r) const
{
    const auto it = std::lower_bound(m_visible.begin(), m_visible.end(), r);
    return it != m_visible.end() && *it == r ? static_cast<int>(it - m_visible.begin()) : -1;
}

int WaterfallLayout::step(const std::vector<int>& rows, int from, bool forward)
{
    if (rows.empty())
        return -1;
    if (forward) {
        const auto it = std::upper_bound(rows.begin(), rows.end(), from);
        return it != rows.end() ? *it : rows.front();
    }
    const auto it = std::lower_bound(rows.begin(), rows.end(), from);
    return it != rows.begin() ? *(it - 1) : rows.back();
}

void WaterfallLayout::updateVisible()
{
    m_visible.clear();
    for (int r = 0; r < rowCount();) {
        m_visible.push_back(r);
        r = collapsed(r) ? row(r).subtreeEnd : r + 1;
    }
}

} // namespace spanlight
