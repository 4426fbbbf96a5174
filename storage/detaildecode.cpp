#include "detaildecode.h"

#include "opentelemetry/proto/resource/v1/resource.pb.h"
#include "spanlight/stored.pb.h"

#include <cstring>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace spanlight {

namespace {

namespace common = opentelemetry::proto::common::v1;

// SpanDetail.attributes: field 1, length-delimited.
constexpr uint32_t kAttributesTag = (1u << 3) | 2u;

void appendText(const common::AnyValue& v, std::string& out, int depth);

void appendQuoted(const std::string& s, std::string& out)
{
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
}

// Nested values are quoted, so "[\"a, b\"]" and "[a, b]" stay distinguishable.
void appendNested(const common::AnyValue& v, std::string& out, int depth)
{
    if (v.value_case() == common::AnyValue::kStringValue)
        appendQuoted(v.string_value(), out);
    else
        appendText(v, out, depth + 1);
}

void appendText(const common::AnyValue& v, std::string& out, int depth)
{
    static constexpr char kHex[] = "0123456789abcdef";
    if (depth > 8) { // the ingest limits bound nesting; this guards the decoder alone
        out += "…";
        return;
    }
    switch (v.value_case()) {
    case common::AnyValue::kStringValue:
        out += v.string_value();
        break;
    case common::AnyValue::kBoolValue:
        out += v.bool_value() ? "true" : "false";
        break;
    case common::AnyValue::kIntValue:
        out += std::to_string(v.int_value());
        break;
    case common::AnyValue::kDoubleValue: {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.17g", v.double_value());
        out += buffer;
        break;
    }
    case common::AnyValue::kBytesValue:
        for (unsigned char c : v.bytes_value()) {
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
        break;
    case common::AnyValue::kArrayValue:
        out += '[';
        for (int i = 0; i < v.array_value().values_size(); ++i) {
            if (i)
                out += ", ";
            appendNested(v.array_value().values(i), out, depth);
        }
        out += ']';
        break;
    case common::AnyValue::kKvlistValue:
        out += '{';
        for (int i = 0; i < v.kvlist_value().values_size(); ++i) {
            if (i)
                out += ", ";
            appendQuoted(v.kvlist_value().values(i).key(), out);
            out += ": ";
            appendNested(v.kvlist_value().values(i).value(), out, depth);
        }
        out += '}';
        break;
    case common::AnyValue::VALUE_NOT_SET:
        break;
    }
}

template <typename KeyValues> void toText(const KeyValues& in, std::vector<AttributeText>* out)
{
    out->reserve(out->size() + static_cast<size_t>(in.size()));
    for (const auto& kv : in) {
        AttributeText a;
        a.key = kv.key();
        appendText(kv.value(), a.value, 0);
        out->push_back(std::move(a));
    }
}

template <typename Message> bool parse(std::string_view blob, Message* message)
{
    return message->ParseFromArray(blob.data(), static_cast<int>(blob.size()));
}

template <size_t N> void copyId(const std::string& raw, std::array<uint8_t, N>* out)
{
    if (raw.size() == N)
        std::memcpy(out->data(), raw.data(), N);
}

} // namespace

bool decodeSpanDetail(std::string_view blob, SpanDetailText* out)
{
    stored::SpanDetail detail;
    if (!parse(blob, &detail))
        return false;
    toText(detail.attributes(), &out->attributes);
    for (const auto& e : detail.events()) {
        SpanEventText event;
        event.timeNs = static_cast<int64_t>(e.time_unix_nano());
        event.name = e.name();
        toText(e.attributes(), &event.attributes);
        out->events.push_back(std::move(event));
    }
    for (const auto& l : detail.links()) {
        SpanLinkText link;
        copyId(l.trace_id(), &link.traceId);
        copyId(l.span_id(), &link.spanId);
        toText(l.attributes(), &link.attributes);
        out->links.push_back(std::move(link));
    }
    out->traceState = detail.trace_state();
    out->droppedAttributes = detail.dropped_attributes_count();
    out->droppedEvents = detail.dropped_events_count();
    out->droppedLinks = detail.dropped_links_count();
    out->truncatedByLimits = detail.truncated_by_limits();
    return true;
}

bool decodeSpanAttributes(std::string_view blob, std::vector<AttributeText>* out)
{
    // Field 1 only: parsing the events and links of every sampled span would
    // dominate a comparison's cost.
    google::protobuf::io::CodedInputStream in(
        reinterpret_cast<const uint8_t*>(blob.data()), static_cast<int>(blob.size()));
    common::KeyValue kv;
    std::string bytes;
    while (const uint32_t tag = in.ReadTag()) {
        if (tag != kAttributesTag) {
            if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag))
                return false;
            continue;
        }
        uint32_t size = 0;
        if (!in.ReadVarint32(&size) || !in.ReadString(&bytes, static_cast<int>(size)) || !kv.ParseFromString(bytes))
            return false;
        AttributeText a;
        a.key = kv.key();
        appendText(kv.value(), a.value, 0);
        out->push_back(std::move(a));
    }
    return in.ConsumedEntireMessage();
}

bool decodeResourceAttributes(std::string_view blob, std::vector<AttributeText>* out)
{
    opentelemetry::proto::resource::v1::Resource resource;
    if (!parse(blob, &resource))
        return false;
    toText(resource.attributes(), out);
    return true;
}

bool decodeLogAttributes(std::string_view blob, std::vector<AttributeText>* out)
{
    stored::Attributes attributes;
    if (!parse(blob, &attributes))
        return false;
    toText(attributes.attributes(), out);
    return true;
}

std::string decodeAnyValueText(std::string_view blob)
{
    common::AnyValue value;
    std::string out;
    if (parse(blob, &value))
        appendText(value, out, 0);
    return out;
}

} // namespace spanlight
