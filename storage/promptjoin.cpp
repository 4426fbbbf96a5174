#include "promptjoin.h"

#include <cstring>

namespace spanlight {

size_t PromptJoin::KeyHash::operator()(const Key& k) const
{
    uint64_t a, b;
    std::memcpy(&a, k.trace.data() + 8, 8);
    std::memcpy(&b, k.span.data(), 8);
    uint64_t h = a ^ (b + 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2));
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return static_cast<size_t>(h ^ (h >> 31));
}

PromptJoin::PromptJoin(PromptIdentifier identify, size_t capacity, size_t maxContentBytes)
    : m_identify(std::move(identify))
    , m_capacity(capacity)
    , m_maxContentBytes(maxContentBytes)
{
}

void PromptJoin::noteContent(
    const TraceId& trace, const SpanId& span, const std::string& system, const std::string& user)
{
    if (!enabled() || (system.empty() && user.empty()))
        return;
    const Key key { trace, span };
    auto [it, added] = m_content.try_emplace(key);
    if (added)
        m_contentOrder.push_back(key);
    Content& c = it->second;
    // The fingerprint takes the system instructions and the *first* user message.
    bool changed = false;
    if (c.system.empty() && !system.empty()) {
        c.system = system;
        m_contentBytes += system.size();
        changed = true;
    }
    if (c.user.empty() && !user.empty()) {
        c.user = user;
        m_contentBytes += user.size();
        changed = true;
    }
    if (changed)
        m_touched.insert(key);
    evict();
}

std::optional<PromptIdentity> PromptJoin::contentFor(const SpanRecord& span)
{
    if (!enabled() || span.promptSource != PromptSource::Fallback)
        return std::nullopt;
    auto it = m_content.find(Key { span.traceId, span.spanId });
    if (it == m_content.end())
        return std::nullopt;
    return m_identify(it->second.system, it->second.user);
}

void PromptJoin::rememberSpan(const SpanRecord& span, const SpanFacts& facts, const std::string& fingerprint)
{
    if (!enabled() || span.promptSource != PromptSource::Fallback)
        return;
    const Key key { span.traceId, span.spanId };
    auto [it, added] = m_recent.try_emplace(key);
    if (added)
        m_recentOrder.push_back(key);
    it->second = Remembered { facts, fingerprint };
    evict();
}

std::vector<PromptJoin::Move> PromptJoin::takeMoves()
{
    std::vector<Move> moves;
    for (const Key& key : m_touched) {
        auto stored = m_recent.find(key);
        auto content = m_content.find(key);
        if (stored == m_recent.end() || content == m_content.end())
            continue;
        PromptIdentity identity = m_identify(content->second.system, content->second.user);
        if (identity.fingerprint.empty() || identity.fingerprint == stored->second.fingerprint)
            continue;
        moves.push_back(Move { stored->second.facts, std::move(identity), key.trace, key.span });
    }
    m_touched.clear();
    return moves;
}

void PromptJoin::moved(const Move& move, int64_t promptId)
{
    auto it = m_recent.find(Key { move.trace, move.span });
    if (it == m_recent.end())
        return;
    it->second.facts.promptId = promptId;
    it->second.fingerprint = move.identity.fingerprint;
}

void PromptJoin::evict()
{
    while (!m_contentOrder.empty() && (m_content.size() > m_capacity || m_contentBytes > m_maxContentBytes)) {
        auto it = m_content.find(m_contentOrder.front());
        if (it != m_content.end()) {
            m_contentBytes -= it->second.system.size() + it->second.user.size();
            m_content.erase(it);
        }
        m_touched.erase(m_contentOrder.front());
        m_contentOrder.pop_front();
    }
    while (!m_recentOrder.empty() && m_recent.size() > m_capacity) {
        m_recent.erase(m_recentOrder.front());
        m_recentOrder.pop_front();
    }
}

void PromptJoin::forgetTenant(int64_t tenantId)
{
    // The order queues keep the keys; eviction skips keys no longer held.
    for (auto it = m_recent.begin(); it != m_recent.end();) {
        if (it->second.facts.tenantId != tenantId) {
            ++it;
            continue;
        }
        if (auto content = m_content.find(it->first); content != m_content.end()) {
            m_contentBytes -= content->second.system.size() + content->second.user.size();
            m_content.erase(content);
        }
        m_touched.erase(it->first);
        it = m_recent.erase(it);
    }
}

void PromptJoin::reset()
{
    m_content.clear();
    m_contentOrder.clear();
    m_recent.clear();
    m_recentOrder.clear();
    m_touched.clear();
    m_contentBytes = 0;
}

} // namespace spanlight
