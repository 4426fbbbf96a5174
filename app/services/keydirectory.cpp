#include "keydirectory.h"

#include "controlstore.h"
#include "ingestkey.h"

#include <QDateTime>
#include <cstring>
#include <sodium.h>
#include <unordered_map>

namespace spanlight {

namespace {

struct CachedKey
{
    QByteArray hash; ///< 32 bytes
    std::string tenant;
    std::string display; ///< "spl_ab12...wxyz", for refusal messages
    int64_t expiresMs = 0;
    int64_t revokedMs = 0;
};

/// The snapshot's index: the first 8 bytes of a hash. Not secret-dependent in
/// a useful way (the hash of a random key), and the full hash is compared in
/// constant time afterwards.
uint64_t indexOf(const QByteArray& hash)
{
    uint64_t index = 0;
    std::memcpy(&index, hash.constData(), sizeof index);
    return index;
}

std::string utc(int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate).toStdString();
}

} // namespace

struct KeyDirectory::Snapshot
{
    std::unordered_multimap<uint64_t, CachedKey> byHash;
};

KeyDirectory::KeyDirectory(ControlStore& store, Clock clock)
    : m_store(store)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
    , m_snapshot(std::make_shared<const Snapshot>())
{
    if (sodium_init() < 0)
        qFatal("spanlight: libsodium cannot be initialised");
}

KeyDirectory::~KeyDirectory() = default;

bool KeyDirectory::reload(std::string* error)
{
    std::lock_guard reloading(m_reloadMutex);
    std::string problem;
    const std::vector<IngestKeyRecord> keys = m_store.keys({}, &problem);
    if (!problem.empty()) {
        if (error)
            *error = "cannot read the ingest keys from control.db: " + problem;
        return false;
    }
    auto next = std::make_shared<Snapshot>();
    next->byHash.reserve(keys.size());
    for (const IngestKeyRecord& key : keys) {
        if (key.secretHash.size() != static_cast<qsizetype>(ingestkey::kHashBytes))
            continue; // cannot match any key; the store refuses to write such rows anyway
        CachedKey cached;
        cached.hash = key.secretHash;
        cached.tenant = key.tenant.toStdString();
        cached.display = ingestKeyDisplay(key.prefix, key.last4).toStdString();
        cached.expiresMs = key.expiresMs;
        cached.revokedMs = key.revokedMs;
        next->byHash.emplace(indexOf(key.secretHash), std::move(cached));
    }
    std::lock_guard swapping(m_snapshotMutex);
    m_snapshot = std::move(next);
    return true;
}

std::shared_ptr<const KeyDirectory::Snapshot> KeyDirectory::snapshot() const
{
    std::lock_guard lock(m_snapshotMutex);
    return m_snapshot;
}

IngestAuthDecision KeyDirectory::check(std::string_view presentedKey) const
{
    if (std::string problem = ingestKeyFormatProblem(presentedKey); !problem.empty()) {
        ++m_refusedFormat;
        return { false, {}, std::move(problem) };
    }
    const QByteArray hash = ingestKeyHash(presentedKey);
    const std::shared_ptr<const Snapshot> keys = snapshot();
    ++m_lookups;
    const CachedKey* found = nullptr;
    const auto [first, last] = keys->byHash.equal_range(indexOf(hash));
    for (auto it = first; it != last; ++it)
        if (sodium_memcmp(it->second.hash.constData(), hash.constData(), ingestkey::kHashBytes) == 0)
            found = &it->second;
    if (!found) {
        ++m_refusedUnknown;
        return { false, {}, "unknown ingest key: it was not issued by this Spanlight or has been deleted" };
    }
    if (found->revokedMs != 0) {
        ++m_refusedRevoked;
        return { false, {}, "ingest key " + found->display + " was revoked at " + utc(found->revokedMs) };
    }
    if (found->expiresMs != 0 && m_clock() >= found->expiresMs) {
        ++m_refusedExpired;
        return { false, {},
            "ingest key " + found->display + " expired at " + utc(found->expiresMs)
                + " (its grace period after a rotation ended); use the tenant's new key" };
    }
    ++m_allowed;
    return { true, found->tenant, {} };
}

size_t KeyDirectory::keyCount() const
{
    return snapshot()->byHash.size();
}

size_t KeyDirectory::activeKeyCount() const
{
    const auto keys = snapshot();
    const int64_t now = m_clock();
    size_t active = 0;
    for (const auto& [index, key] : keys->byHash)
        active += key.revokedMs == 0 && (key.expiresMs == 0 || now < key.expiresMs) ? 1 : 0;
    return active;
}

KeyDirectory::Counters KeyDirectory::counters() const
{
    return { m_allowed.load(), m_refusedFormat.load(), m_refusedUnknown.load(), m_refusedRevoked.load(),
        m_refusedExpired.load(), m_lookups.load() };
}

} // namespace spanlight
