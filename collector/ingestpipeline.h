#pragma once

#include "collectorstats.h"
#include "genaisettings.h"
#include "ingestlimits.h"
#include "otlpdecoder.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

namespace spanlight {

class TelemetryWriter;

/// The transport-neutral outcome of one export; each receiver maps it onto its
/// own status codes (DESIGN.md rule 2).
enum class IngestStatus { Ok, BadRequest, TooLarge, Overloaded, Unavailable };

struct IngestReply
{
    IngestStatus status = IngestStatus::Ok;
    std::string message; ///< for errors
    int64_t rejected = 0; ///< partial success
    std::string partialMessage;
};

/// What both receivers share between "a body arrived" and "answer the
/// exporter": the decode budget, conversion, the writer queue, counters, and
/// the count of exports still waiting for their answer (for a graceful drain).
class IngestPipeline
{
public:
    using ReplyFn = std::function<void(const IngestReply&)>;

    IngestPipeline(const IngestLimits& limits, TelemetryWriter& writer, CollectorStats& stats);

    /// How spans are read as GenAI calls. Set before the receivers start: the
    /// receivers' threads read it without a lock.
    void setGenAiSettings(GenAiSettings genai) { m_genai = std::move(genai); }
    const GenAiSettings& genAiSettings() const { return m_genai; }

    /// Decodes a (decompressed) body and queues it; \a reply runs exactly once,
    /// possibly on the writer thread after the commit.
    void ingestBody(Signal signal, Encoding encoding, std::string_view body, ReplyFn reply);
    /// Queues an already converted request (gRPC hands over parsed messages).
    void ingestConverted(Signal signal, ConvertResult converted, ReplyFn reply);

    /// From now on every export is answered 503 / UNAVAILABLE (draining).
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    /// Blocks until every accepted export has been answered.
    void waitUntilIdle();
    int64_t inFlight() const;

    const IngestLimits& limits() const { return m_limits; }
    CollectorStats& stats() { return m_stats; }

private:
    void finish(ReplyFn reply, const IngestReply& answer);

    const IngestLimits& m_limits;
    TelemetryWriter& m_writer;
    CollectorStats& m_stats;
    GenAiSettings m_genai;
    mutable std::mutex m_mutex;
    std::condition_variable m_idle;
    int64_t m_inFlight = 0;
    bool m_closed = false; // guarded by m_mutex
};

} // namespace spanlight
