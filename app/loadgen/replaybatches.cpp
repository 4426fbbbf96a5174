#include "replaybatches.h"

#include "trafficmodel.h"

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace spanlight::loadgen {

namespace {

// Field numbers from opentelemetry-proto (see /work/shared/otlp/FACTS.md).
constexpr int kRequestResourceSpans = 1;
constexpr int kResourceSpansScopeSpans = 2;
constexpr int kScopeSpansSpans = 2;
constexpr int kSpanTraceId = 1;
constexpr int kSpanSpanId = 2;
constexpr int kSpanParentSpanId = 4;
constexpr int kSpanStartTime = 7;
constexpr int kSpanEndTime = 8;
constexpr int kSpanEvents = 11;
constexpr int kEventTime = 1;
constexpr int kWireVarint = 0;
constexpr int kWireFixed64 = 1;
constexpr int kWireLength = 2;
constexpr int kWireFixed32 = 5;

struct Field
{
    int number;
    int wireType;
    std::size_t offset; ///< of the payload
    std::size_t length;
};

std::uint64_t readVarint(const std::string& bytes, std::size_t& pos, std::size_t end)
{
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && pos < end; shift += 7) {
        const auto byte = static_cast<unsigned char>(bytes[pos++]);
        value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80))
            return value;
    }
    throw std::runtime_error("malformed varint in generated batch");
}

/// Calls @p visit for every field of the message encoded in bytes[begin, end).
template <typename Visit> void forEachField(const std::string& bytes, std::size_t begin, std::size_t end, Visit&& visit)
{
    for (std::size_t pos = begin; pos < end;) {
        const std::uint64_t tag = readVarint(bytes, pos, end);
        Field field { static_cast<int>(tag >> 3), static_cast<int>(tag & 7), pos, 0 };
        switch (field.wireType) {
        case kWireVarint:
            readVarint(bytes, pos, end);
            continue;
        case kWireFixed64:
            field.length = 8;
            break;
        case kWireLength:
            field.length = static_cast<std::size_t>(readVarint(bytes, pos, end));
            field.offset = pos;
            break;
        case kWireFixed32:
            field.length = 4;
            break;
        default:
            throw std::runtime_error("unexpected wire type in generated batch");
        }
        visit(field);
        pos = field.offset + field.length;
    }
}

void xorWord(std::string& bytes, std::size_t offset, std::uint64_t key)
{
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + offset, sizeof word);
    word ^= key;
    std::memcpy(bytes.data() + offset, &word, sizeof word);
}

void addLittleEndian64(std::string& bytes, std::size_t offset, std::uint64_t delta)
{
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i)
        value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
    value += delta;
    for (int i = 0; i < 8; ++i)
        bytes[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

std::uint64_t nowNs()
{
    using namespace std::chrono;
    return static_cast<std::uint64_t>(duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count());
}

} // namespace

ReplayBatches::ReplayBatches(TrafficModel& model, int batchCount, int spansPerBatch)
    : m_spansPerBatch(spansPerBatch)
{
    std::random_device device;
    m_keys.seed((static_cast<std::uint64_t>(device()) << 32) ^ device());
    for (int i = 0; i < batchCount; ++i) {
        Batch batch;
        batch.bytes = model.makeTraceRequest(spansPerBatch).SerializeAsString();
        batch.generatedNs = nowNs();
        indexFields(batch);
        m_batches.push_back(std::move(batch));
    }
}

void ReplayBatches::indexFields(Batch& batch)
{
    const std::string& bytes = batch.bytes;
    auto spanField = [&](const Field& f) {
        if (f.number == kSpanTraceId && f.wireType == kWireLength && f.length == 16) {
            batch.traceIds.push_back(static_cast<std::uint32_t>(f.offset));
        } else if ((f.number == kSpanSpanId || f.number == kSpanParentSpanId) && f.wireType == kWireLength
            && f.length == 8) {
            batch.spanIds.push_back(static_cast<std::uint32_t>(f.offset));
        } else if ((f.number == kSpanStartTime || f.number == kSpanEndTime) && f.wireType == kWireFixed64) {
            batch.timestamps.push_back(static_cast<std::uint32_t>(f.offset));
        } else if (f.number == kSpanEvents && f.wireType == kWireLength) {
            forEachField(bytes, f.offset, f.offset + f.length, [&](const Field& e) {
                if (e.number == kEventTime && e.wireType == kWireFixed64)
                    batch.timestamps.push_back(static_cast<std::uint32_t>(e.offset));
            });
        }
    };
    // Request > ResourceSpans > ScopeSpans > Span: descend only into the fields on that path. descend()
    // turns a visitor of a child message's fields into a visitor of the parent's fields.
    auto descend = [&bytes](int number, auto inner) {
        return [&bytes, number, inner](const Field& f) {
            if (f.number == number && f.wireType == kWireLength)
                forEachField(bytes, f.offset, f.offset + f.length, inner);
        };
    };
    auto scopeSpans = descend(kScopeSpansSpans, spanField);
    auto resourceSpans = descend(kResourceSpansScopeSpans, scopeSpans);
    forEachField(bytes, 0, bytes.size(), descend(kRequestResourceSpans, resourceSpans));
}

const std::string& ReplayBatches::next()
{
    Batch& batch = m_batches[m_next];
    m_next = (m_next + 1) % m_batches.size();

    // XOR is applied on top of the previous send's ids: every send gets new random-looking ids, and a span
    // id and the parent id that refers to it always change together.
    const std::uint64_t traceKeyHigh = m_keys();
    const std::uint64_t traceKeyLow = m_keys();
    const std::uint64_t spanKey = m_keys();
    for (std::uint32_t offset : batch.traceIds) {
        xorWord(batch.bytes, offset, traceKeyHigh);
        xorWord(batch.bytes, offset + 8, traceKeyLow);
    }
    for (std::uint32_t offset : batch.spanIds)
        xorWord(batch.bytes, offset, spanKey);

    const std::uint64_t shift = nowNs() - batch.generatedNs;
    const std::uint64_t delta = shift - batch.shiftedNs;
    for (std::uint32_t offset : batch.timestamps)
        addLittleEndian64(batch.bytes, offset, delta);
    batch.shiftedNs = shift;
    return batch.bytes;
}

} // namespace spanlight::loadgen
