#pragma once

#include "records.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spanlight {

/// An attribute with its value as display text (arrays and maps as JSON-like text).
struct AttributeText
{
    std::string key;
    std::string value;

    bool operator==(const AttributeText&) const = default;
};

struct SpanEventText
{
    int64_t timeNs = 0;
    std::string name;
    std::vector<AttributeText> attributes;
};

struct SpanLinkText
{
    TraceId traceId {};
    SpanId spanId {};
    std::vector<AttributeText> attributes;
};

/// The decoded `spans.detail` blob (spanlight.stored.SpanDetail).
struct SpanDetailText
{
    std::vector<AttributeText> attributes;
    std::vector<SpanEventText> events;
    std::vector<SpanLinkText> links;
    std::string traceState;
    uint32_t droppedAttributes = 0;
    uint32_t droppedEvents = 0;
    uint32_t droppedLinks = 0;
    uint32_t truncatedByLimits = 0;
};

/// Each returns false when the blob is malformed (the output is then partial).
bool decodeSpanDetail(std::string_view blob, SpanDetailText* out);
/// Only the attributes of a SpanDetail: what the comparison needs, cheaper.
bool decodeSpanAttributes(std::string_view blob, std::vector<AttributeText>* out);
/// An encoded opentelemetry.proto.resource.v1.Resource (`resources.attributes`).
bool decodeResourceAttributes(std::string_view blob, std::vector<AttributeText>* out);
/// An encoded spanlight.stored.Attributes (`logs.attributes`).
bool decodeLogAttributes(std::string_view blob, std::vector<AttributeText>* out);
/// An encoded opentelemetry.proto.common.v1.AnyValue (`logs.body`) as text.
std::string decodeAnyValueText(std::string_view blob);

} // namespace spanlight
