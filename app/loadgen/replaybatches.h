#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace spanlight::loadgen {

class TrafficModel;

/**
 * A pool of pre-generated, pre-serialized trace batches, replayed with fresh ids and current timestamps.
 *
 * Generating and serializing GenAI spans costs a few microseconds each, which on a two-core machine caps a
 * benchmark at what the load generator can produce rather than what the collector can take. Replaying
 * patches bytes in place instead: ids are XORed with per-send random keys (which keeps parent/child links
 * intact and makes every send's ids distinct, so deduplicating receivers keep them all) and every
 * timestamp is shifted by the time since generation.
 */
class ReplayBatches
{
public:
    /// Draws @p batchCount batches of exactly @p spansPerBatch spans from @p model.
    ReplayBatches(TrafficModel& model, int batchCount, int spansPerBatch);

    int spansPerBatch() const { return m_spansPerBatch; }
    /// The next batch, a serialized ExportTraceServiceRequest with new ids and timestamps ending near now.
    /// Patched in place: the reference stays valid (for retries) until the pool comes round to it again.
    const std::string& next();

private:
    /// Where in the serialized bytes the fields to patch sit.
    struct Batch
    {
        std::string bytes;
        std::vector<std::uint32_t> traceIds; ///< offsets of 16-byte trace ids
        std::vector<std::uint32_t> spanIds; ///< offsets of 8-byte span and parent span ids
        std::vector<std::uint32_t> timestamps; ///< offsets of fixed64 nanosecond timestamps
        std::uint64_t generatedNs = 0; ///< the clock reading the timestamps were relative to
        std::uint64_t shiftedNs = 0; ///< how far the timestamps in bytes have been moved since
    };

    static void indexFields(Batch& batch);

    std::vector<Batch> m_batches;
    int m_spansPerBatch = 0;
    std::size_t m_next = 0;
    std::mt19937_64 m_keys;
};

} // namespace spanlight::loadgen
