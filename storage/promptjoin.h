#pragma once

#include "records.h"
#include "rollupaccumulator.h"

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace spanlight {

/// A prompt as the collector identifies it from content (injected, so storage
/// does not depend on the collector's normalisation).
struct PromptIdentity
{
    std::string fingerprint;
    std::string label;
    std::string example; ///< empty unless content capture is on
};
using PromptIdentifier = std::function<PromptIdentity(std::string_view system, std::string_view firstUser)>;

/// Joins GenAI content that arrives as log records to its span by span id,
/// whichever comes first (issue 3): content that arrives first waits here and
/// decides the span's prompt when it is stored; content that arrives after a
/// span moves the stored span (and its rollup share) to the content's prompt.
/// Only spans whose fingerprint is a fallback take part. Both memories are
/// bounded; state is dropped after a rolled-back transaction (a late log may
/// then not join; the span keeps its fallback prompt).
class PromptJoin
{
public:
    PromptJoin(PromptIdentifier identify, size_t capacity, size_t maxContentBytes);
    bool enabled() const { return static_cast<bool>(m_identify); }

    /// Content read from one log record (either part may be empty).
    void noteContent(const TraceId& trace, const SpanId& span, const std::string& system, const std::string& user);
    /// The identity from content that arrived before \a span, when it has a fallback prompt.
    std::optional<PromptIdentity> contentFor(const SpanRecord& span);
    /// Remembers a stored span whose prompt may still change; \a fingerprint is what it was stored with.
    void rememberSpan(const SpanRecord& span, const SpanFacts& facts, const std::string& fingerprint);

    /// Spans stored before (or in) this commit whose content changed in this
    /// commit and now names another prompt.
    struct Move
    {
        SpanFacts facts;
        PromptIdentity identity;
        TraceId trace;
        SpanId span;
    };
    std::vector<Move> takeMoves();
    /// Records that a moved span is now stored with \a promptId / \a fingerprint.
    void moved(const Move& move, int64_t promptId);

    void reset();
    /// Forgets the spans of tenant \a tenantId and their content (a purge): a
    /// late log must not move a purged span's share back into the rollups.
    void forgetTenant(int64_t tenantId);
    size_t pendingContent() const { return m_content.size(); }
    size_t rememberedSpans() const { return m_recent.size(); }

private:
    struct Key
    {
        TraceId trace;
        SpanId span;
        bool operator==(const Key& o) const { return trace == o.trace && span == o.span; }
    };
    struct KeyHash
    {
        size_t operator()(const Key& k) const;
    };
    struct Content
    {
        std::string system, user;
    };
    struct Remembered
    {
        SpanFacts facts;
        std::string fingerprint;
    };

    void evict();

    PromptIdentifier m_identify;
    size_t m_capacity;
    size_t m_maxContentBytes;
    size_t m_contentBytes = 0;
    std::unordered_map<Key, Content, KeyHash> m_content;
    std::deque<Key> m_contentOrder;
    std::unordered_map<Key, Remembered, KeyHash> m_recent;
    std::deque<Key> m_recentOrder;
    std::unordered_set<Key, KeyHash> m_touched; // content changed in this commit
};

} // namespace spanlight
