#include "dedupwindow.h"

#include <cstring>

namespace spanlight {

namespace {
constexpr size_t npos = static_cast<size_t>(-1);
}

uint64_t DedupWindow::hash(const Key& key)
{
    // Ids are not always random (sequential or crafted ids differ only in a
    // few bytes), so mix fully (splitmix64's finaliser): every input bit
    // reaches the low bits the table masks with.
    uint64_t a, b;
    std::memcpy(&a, key.trace.data() + 8, 8);
    std::memcpy(&b, key.span.data(), 8);
    uint64_t h = a ^ (b + 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2));
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

DedupWindow::DedupWindow(size_t capacity)
    : m_capacity(capacity)
{
    size_t slots = 16;
    while (slots < capacity * 2)
        slots <<= 1;
    m_slots.assign(capacity ? slots : 0, 0);
    m_mask = slots - 1;
    m_ring.reserve(capacity);
}

size_t DedupWindow::find(const Key& key) const
{
    if (m_slots.empty())
        return npos;
    for (size_t i = hash(key) & m_mask;; i = (i + 1) & m_mask) {
        const uint32_t entry = m_slots[i];
        if (entry == 0)
            return npos;
        if (m_ring[entry - 1] == key)
            return i;
    }
}

bool DedupWindow::contains(const TraceId& trace, const SpanId& span) const
{
    return find(Key { trace, span }) != npos;
}

void DedupWindow::eraseSlot(size_t slot)
{
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    size_t hole = slot;
    for (size_t i = (slot + 1) & m_mask; m_slots[i] != 0; i = (i + 1) & m_mask) {
        const size_t home = hash(m_ring[m_slots[i] - 1]) & m_mask;
        // Move the entry into the hole if its home is not in (hole, i].
        const bool inRange = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!inRange) {
            m_slots[hole] = m_slots[i];
            hole = i;
        }
    }
    m_slots[hole] = 0;
}

void DedupWindow::insert(const TraceId& trace, const SpanId& span)
{
    if (m_capacity == 0)
        return;
    const Key key { trace, span };
    if (find(key) != npos)
        return;
    uint32_t ringIndex;
    if (m_ring.size() < m_capacity) {
        m_ring.push_back(key);
        ringIndex = static_cast<uint32_t>(m_ring.size() - 1);
        ++m_size;
    } else {
        eraseSlot(find(m_ring[m_next]));
        m_ring[m_next] = key;
        ringIndex = static_cast<uint32_t>(m_next);
        m_next = (m_next + 1) % m_capacity;
    }
    size_t i = hash(key) & m_mask;
    while (m_slots[i] != 0)
        i = (i + 1) & m_mask;
    m_slots[i] = ringIndex + 1;
}

} // namespace spanlight
