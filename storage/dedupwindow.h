#pragma once

#include "records.h"

#include <cstdint>
#include <vector>

namespace spanlight {

/// The most recent span identities the writer stored, so a batch that an
/// exporter retries (it timed out before our answer arrived) is not stored and
/// counted twice. Bounded: the oldest identity is forgotten first.
///
/// A ring of identities plus an open-addressing index into it (linear probing,
/// backward-shift deletion): no allocation per span, which matters at
/// 100k spans/s — a node-based set spent more time in malloc than in lookups.
class DedupWindow
{
public:
    explicit DedupWindow(size_t capacity);

    bool contains(const TraceId& trace, const SpanId& span) const;
    void insert(const TraceId& trace, const SpanId& span);
    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }

    struct Key
    {
        TraceId trace;
        SpanId span;
        bool operator==(const Key& other) const = default;
    };
    static uint64_t hash(const Key& key);

private:
    size_t find(const Key& key) const; ///< slot holding key, or npos
    void eraseSlot(size_t slot);

    size_t m_capacity;
    size_t m_size = 0;
    std::vector<Key> m_ring; // insertion order, for eviction
    size_t m_next = 0;
    std::vector<uint32_t> m_slots; // ring index + 1; 0 = empty
    size_t m_mask = 0;
};

} // namespace spanlight
