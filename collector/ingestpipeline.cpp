#include "ingestpipeline.h"

#include "bytereservation.h"
#include "telemetrywriter.h"

#include <optional>
#include <utility>

namespace spanlight {

IngestPipeline::IngestPipeline(const IngestLimits& limits, TelemetryWriter& writer, CollectorStats& stats)
    : m_limits(limits)
    , m_writer(writer)
    , m_stats(stats)
{
}

namespace {

/// With ingest auth on, the key decides the tenant: whatever the resource or
/// item attributes claim is overridden, so one tenant's key cannot write
/// another tenant's telemetry.
void assignTenant(IngestBatch& batch, const std::string& tenant)
{
    for (SpanRecord& span : batch.spans)
        span.dims.tenant = tenant;
    for (LogRow& log : batch.logs)
        log.dims.tenant = tenant;
    for (MetricPointRow& point : batch.points)
        point.dims.tenant = tenant;
}

} // namespace

IngestAuthDecision IngestPipeline::authenticate(std::string_view authorization, std::string_view spanlightKeyHeader)
{
    if (!m_authenticator)
        return { true, {}, {} };
    const std::string_view key = presentedIngestKey(authorization, spanlightKeyHeader);
    IngestAuthDecision decision = key.empty() ? IngestAuthDecision { false, {}, missingIngestKeyReason(authorization) }
                                              : m_authenticator->check(key);
    if (decision.allowed && decision.tenant.empty())
        decision = { false, {}, "the ingest key has no tenant" }; // never store under "whatever the attributes say"
    if (!decision.allowed)
        m_stats.reject(RejectReason::Unauthenticated);
    return decision;
}

void IngestPipeline::ingestBody(Signal signal, Encoding encoding, std::string_view body, ReplyFn reply,
    const std::string& keyTenant, ByteReservation* bodyBytes)
{
    ConvertResult converted;
    std::optional<IngestReply> refusal;
    {
        // Bound the memory spent decoding at once: protobuf objects take a few
        // times the wire size, so many large bodies in parallel could exhaust RAM.
        ByteReservation decoding;
        if (!ByteReservation::tryTake(m_stats.decodingBytes, static_cast<int64_t>(body.size()),
                static_cast<int64_t>(m_limits.maxDecodingBytes), &decoding)) {
            refusal
                = { IngestStatus::Overloaded, "the collector is decoding too much data at once; retry later", 0, {} };
        } else {
            try {
                converted = decodeExport(signal, encoding, body, m_limits, m_genai);
            } catch (const std::bad_alloc&) {
                refusal
                    = { IngestStatus::Overloaded, "the collector is out of memory for decoding; retry later", 0, {} };
            }
        }
    }
    // Given back before any answer can go out, so a client that has its answer
    // never sees its bytes still counted.
    if (bodyBytes)
        bodyBytes->release();
    if (refusal) {
        m_stats.reject(RejectReason::QueueFull);
        reply(*refusal);
        return;
    }
    ingestConverted(signal, std::move(converted), std::move(reply), keyTenant);
}

void IngestPipeline::ingestConverted(
    Signal signal, ConvertResult converted, ReplyFn reply, const std::string& keyTenant)
{
    if (!converted.fatal.empty()) {
        m_stats.reject(RejectReason::BadRequest);
        reply({ IngestStatus::BadRequest, converted.fatal, 0, {} });
        return;
    }
    if (!keyTenant.empty())
        assignTenant(*converted.batch, keyTenant);
    m_stats.attributesTruncated += converted.truncated;
    if (converted.rejected > 0)
        m_stats.reject(RejectReason::InvalidItems, converted.rejected);
    const IngestBatch& batch = *converted.batch;
    switch (signal) {
    case Signal::Traces:
        m_stats.spansReceived += static_cast<int64_t>(batch.spans.size());
        break;
    case Signal::Logs:
        m_stats.logsReceived += static_cast<int64_t>(batch.logs.size());
        break;
    case Signal::Metrics:
        m_stats.pointsReceived += static_cast<int64_t>(batch.points.size());
        break;
    }

    IngestReply partial { IngestStatus::Ok, {}, converted.rejected, converted.rejectMessage };
    if (batch.itemCount() == 0) {
        reply(partial); // nothing to store: answer at once
        return;
    }
    bool closed;
    {
        // Checked and counted under one lock: close() + waitUntilIdle() must
        // never miss an export that is about to be submitted.
        std::lock_guard lock(m_mutex);
        closed = m_closed;
        if (!closed)
            ++m_inFlight;
    }
    if (closed) {
        m_stats.reject(RejectReason::StorageUnavailable);
        reply({ IngestStatus::Unavailable, "the collector is shutting down; retry later", 0, {} });
        return;
    }
    // The completion hands its reply over to finish(), which destroys it before
    // counting the export done, so nothing of a receiver outlives the drain.
    auto pending = std::make_shared<ReplyFn>(reply);
    TelemetryWriter::Admission admission = TelemetryWriter::Admission::QueueFull;
    try {
        admission = m_writer.submit(converted.batch, [this, pending, partial](const WriteOutcome& outcome) {
            ReplyFn answer = std::exchange(*pending, nullptr);
            if (outcome.committed) {
                finish(std::move(answer), partial);
                return;
            }
            m_stats.reject(RejectReason::StorageUnavailable);
            finish(std::move(answer), { IngestStatus::Unavailable, "storage is unavailable: " + outcome.error, 0, {} });
        });
    } catch (const std::bad_alloc&) {
        admission = TelemetryWriter::Admission::QueueFull; // answered 429 below; the drain never waits for it
    }
    if (admission == TelemetryWriter::Admission::Accepted)
        return;
    ReplyFn answer = std::exchange(*pending, nullptr);
    if (admission == TelemetryWriter::Admission::QueueFull) {
        m_stats.reject(RejectReason::QueueFull);
        finish(std::move(answer), { IngestStatus::Overloaded, "the ingest queue is full; retry later", 0, {} });
    } else {
        m_stats.reject(RejectReason::StorageUnavailable);
        finish(std::move(answer), { IngestStatus::Unavailable, "the collector is shutting down; retry later", 0, {} });
    }
}

bool IngestPipeline::reserveReceiving(int64_t bytes, ByteReservation* out)
{
    if (ByteReservation::tryTake(m_stats.receivingBytes, bytes, static_cast<int64_t>(m_limits.maxReceivingBytes), out,
            &m_stats.receivingBytesPeak))
        return true;
    m_stats.reject(RejectReason::QueueFull);
    return false;
}

void IngestPipeline::finish(ReplyFn reply, const IngestReply& answer)
{
    reply(answer);
    reply = nullptr; // release what it holds before the export counts as done
    std::lock_guard lock(m_mutex);
    if (--m_inFlight == 0)
        m_idle.notify_all();
}

void IngestPipeline::waitUntilIdle()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_inFlight == 0; });
}

int64_t IngestPipeline::inFlight() const
{
    std::lock_guard lock(m_mutex);
    return m_inFlight;
}

} // namespace spanlight
