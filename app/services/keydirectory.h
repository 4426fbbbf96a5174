#pragma once

#include "ingestauth.h"

#include <QByteArray>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace spanlight {

class ControlStore;

/// The ingest authenticator over control.db's keys. Receiver threads call
/// check() concurrently; it reads an in-memory snapshot of the keys (hash →
/// tenant, expiry, revocation) and never waits for SQLite. reload() replaces
/// the snapshot: after every key change and on a timer.
///
/// A presented key is checked for format and checksum first (a typo costs no
/// lookup), then hashed; the snapshot is indexed by the first 8 bytes of the
/// hash and the full 32 bytes are compared in constant time (sodium_memcmp).
class KeyDirectory final : public IngestAuthenticator
{
public:
    using Clock = std::function<int64_t()>; ///< Unix milliseconds

    /// Counters for the collector's status (DESIGN.md rule 11) and tests.
    struct Counters
    {
        int64_t allowed = 0;
        int64_t refusedFormat = 0; ///< malformed or bad checksum: refused before any lookup
        int64_t refusedUnknown = 0;
        int64_t refusedRevoked = 0;
        int64_t refusedExpired = 0;
        int64_t lookups = 0; ///< snapshot lookups (well-formed keys only)
    };

    /// \a clock defaults to the system clock; tests pass their own. It is
    /// called from receiver threads, so it must be thread-safe.
    explicit KeyDirectory(ControlStore& store, Clock clock = {});
    ~KeyDirectory() override;

    /// Reads every key from control.db into a new snapshot. On failure the
    /// previous snapshot stays in use and \a error says why.
    bool reload(std::string* error);

    IngestAuthDecision check(std::string_view presentedKey) const override;

    size_t keyCount() const; ///< keys in the snapshot, in any state
    size_t activeKeyCount() const; ///< keys neither revoked nor expired now
    Counters counters() const;

private:
    struct Snapshot;
    std::shared_ptr<const Snapshot> snapshot() const;

    ControlStore& m_store;
    Clock m_clock;
    std::mutex m_reloadMutex; // one reload at a time, so an older read never replaces a newer one
    mutable std::mutex m_snapshotMutex; // held only to copy or swap the pointer
    std::shared_ptr<const Snapshot> m_snapshot;
    mutable std::atomic<int64_t> m_allowed { 0 }, m_refusedFormat { 0 }, m_refusedUnknown { 0 }, m_refusedRevoked { 0 },
        m_refusedExpired { 0 }, m_lookups { 0 };
};

} // namespace spanlight
