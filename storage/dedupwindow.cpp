#include "dedupwindow.h"

namespace spanlight {

DedupWindow::DedupWindow(size_t capacity)
    : m_capacity(capacity)
{
    m_set.reserve(capacity);
}

bool DedupWindow::contains(const TraceId& trace, const SpanId& span) const
{
    return m_set.count(Key { trace, span }) != 0;
}

void DedupWindow::insert(const TraceId& trace, const SpanId& span)
{
    if (m_capacity == 0)
        return;
    const Key key { trace, span };
    if (!m_set.insert(key).second)
        return;
    if (m_ring.size() < m_capacity) {
        m_ring.push_back(key);
        return;
    }
    m_set.erase(m_ring[m_next]);
    m_ring[m_next] = key;
    m_next = (m_next + 1) % m_capacity;
}

} // namespace spanlight
