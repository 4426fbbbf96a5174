#pragma once

#include "collectorstats.h"
#include "genaisettings.h"
#include "ingestauth.h"
#include "ingestlimits.h"
#include "otlpdecoder.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace spanlight {

class ByteReservation;
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
    /// Who may ingest; null (the default) lets every request in. Set before
    /// the receivers start, like the GenAI settings.
    void setAuthenticator(std::shared_ptr<const IngestAuthenticator> authenticator)
    {
        m_authenticator = std::move(authenticator);
    }

    /// Decides from a request's "Authorization" and "x-spanlight-key" values
    /// whether it may ingest; a refusal is counted as unauthenticated. Without
    /// an authenticator every request is allowed with an empty tenant.
    IngestAuthDecision authenticate(std::string_view authorization, std::string_view spanlightKeyHeader);

    /// Decodes a (decompressed) body and queues it; \a reply runs exactly once,
    /// possibly on the writer thread after the commit. A non-empty \a keyTenant
    /// (the authenticated key's tenant) replaces every item's tenant.
    /// \a bodyBytes (optional), the body's claim on the receive budget, is
    /// given back once decoded and before \a reply can run.
    void ingestBody(Signal signal, Encoding encoding, std::string_view body, ReplyFn reply,
        const std::string& keyTenant = {}, ByteReservation* bodyBytes = nullptr);
    /// Queues an already converted request (what ingestBody does after decoding).
    void ingestConverted(Signal signal, ConvertResult converted, ReplyFn reply, const std::string& keyTenant = {});

    /// Claims \a bytes of the budget for request bodies held at once
    /// (IngestLimits::maxReceivingBytes); a refusal is counted as overload and
    /// the receiver answers 429 / UNAVAILABLE with its retry hint.
    bool reserveReceiving(int64_t bytes, ByteReservation* out);

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
    std::shared_ptr<const IngestAuthenticator> m_authenticator;
    mutable std::mutex m_mutex;
    std::condition_variable m_idle;
    int64_t m_inFlight = 0;
    bool m_closed = false; // guarded by m_mutex
};

} // namespace spanlight
