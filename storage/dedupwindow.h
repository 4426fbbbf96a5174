#pragma once

#include "records.h"

#include <cstring>
#include <unordered_set>
#include <vector>

namespace spanlight {

/// The most recent span identities the writer stored, so a batch that an
/// exporter retries (it timed out before our answer arrived) is not stored and
/// counted twice. Bounded: the oldest identity is forgotten first.
class DedupWindow
{
public:
    explicit DedupWindow(size_t capacity);

    bool contains(const TraceId& trace, const SpanId& span) const;
    void insert(const TraceId& trace, const SpanId& span);
    size_t size() const { return m_set.size(); }
    size_t capacity() const { return m_capacity; }

    struct Key
    {
        TraceId trace;
        SpanId span;
        bool operator==(const Key& other) const = default;
    };
    struct KeyHash
    {
        size_t operator()(const Key& key) const
        {
            // Ids are random already; mixing two words of them is enough.
            uint64_t a, b;
            std::memcpy(&a, key.trace.data() + 8, 8);
            std::memcpy(&b, key.span.data(), 8);
            return a ^ (b * 0x9E3779B97F4A7C15ull);
        }
    };

private:
    size_t m_capacity;
    std::unordered_set<Key, KeyHash> m_set;
    std::vector<Key> m_ring; // insertion order, for eviction
    size_t m_next = 0;
};

} // namespace spanlight
