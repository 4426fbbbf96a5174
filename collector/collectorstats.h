#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace spanlight {

/// Why a request or item was turned away; one counter each.
enum class RejectReason : int {
    BadRequest = 0, ///< undecodable or invalid (400)
    TooLarge, ///< over a size limit (413)
    QueueFull, ///< writer queue, receive or decode budget exhausted (429)
    StorageUnavailable, ///< commit failed (503)
    Unauthenticated, ///< bad ingest key (401)
    UnsupportedMedia, ///< wrong content type (415)
    NotFound, ///< wrong path or method (404/405)
    TooManyConnections, ///< connection cap
    Timeout, ///< header/body timeout
    InvalidItems, ///< spans/records rejected inside an accepted request (partial success)
    Count
};

const char* rejectReasonName(RejectReason reason);

/// The collector's own counters (DESIGN.md rule 11). Lock-free: every receiver
/// thread bumps them, the UI and CLI read snapshots.
struct CollectorStats
{
    std::atomic<int64_t> httpRequests { 0 };
    std::atomic<int64_t> grpcRequests { 0 };
    std::atomic<int64_t> spansReceived { 0 };
    std::atomic<int64_t> logsReceived { 0 };
    std::atomic<int64_t> pointsReceived { 0 };
    std::atomic<int64_t> attributesTruncated { 0 };
    std::atomic<int64_t> openConnections { 0 };
    std::atomic<int64_t> decodingBytes { 0 };
    std::atomic<int64_t> receivingBytes { 0 }; ///< request bodies held (IngestLimits::maxReceivingBytes)
    std::atomic<int64_t> receivingBytesPeak { 0 };
    std::atomic<int64_t> grpcReading { 0 }; ///< gRPC calls holding a reading slot (message awaited or being decoded)
    std::array<std::atomic<int64_t>, static_cast<size_t>(RejectReason::Count)> rejected {};

    void reject(RejectReason reason, int64_t n = 1) { rejected[static_cast<size_t>(reason)] += n; }
    int64_t rejectedFor(RejectReason reason) const { return rejected[static_cast<size_t>(reason)].load(); }
};

} // namespace spanlight
