#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spanlight {

using TraceId = std::array<uint8_t, 16>;
using SpanId = std::array<uint8_t, 8>;

/// Low-cardinality dimensions shared by spans, logs and metric points. They are
/// dictionary-encoded to integer ids when stored.
struct Dimensions
{
    std::string tenant;
    std::string environment;
    std::string service;
};

/// Which attribute conventions a span spoke (bit set, spans.convention).
enum ConventionBits : int {
    kConventionOTel = 1, ///< current gen_ai.* names (semantic conventions >= 1.37)
    kConventionOTelLegacy = 2, ///< pre-1.37 gen_ai.* names (gen_ai.system, prompt_tokens ...)
    kConventionOpenInference = 4, ///< Arize Phoenix: llm.*, openinference.span.kind
    kConventionOpenLLMetry = 8, ///< Traceloop: llm.request.type, traceloop.*, gen_ai.prompt.N.*
};

/// Facts about how a span's usage and cost were read (bit set, spans.flags).
enum SpanFlags : int {
    kFlagGenAi = 1, ///< carried GenAI attributes of any convention
    kFlagInputIncludesCache = 2, ///< input tokens already contain cache read/write tokens (current OTel)
    kFlagOutputIncludesReasoning = 4, ///< output tokens already contain reasoning tokens
    kFlagClientCost = 8, ///< cost is what the client reported, not computed here
    kFlagUnpriced = 16, ///< usage present but no price row matched the model: cost unknown, not 0
    kFlagSpendCounted = 32, ///< a leaf inference operation: its tokens and cost count towards spend
};

/// Where a span's prompt fingerprint came from (spans.flags bits 8..10, prompts.source).
enum class PromptSource : int {
    None = 0,
    Name = 1, ///< gen_ai.prompt.name (+ version)
    Template = 2, ///< hash of llm.prompt_template.template (+ version) or traceloop.prompt.key
    Content = 3, ///< normalised system instructions + first user message
    Fallback = 4, ///< no content: service + span name + request model
};
constexpr int kPromptSourceShift = 8;

/// One span after normalisation (DESIGN.md "Core records"). Strings are UTF-8.
struct SpanRecord
{
    TraceId traceId {};
    SpanId spanId {};
    SpanId parentSpanId {}; // all zero for a root span
    Dimensions dims;
    std::string name;
    int kind = 0;
    int64_t startNs = 0;
    int64_t durationNs = 0;
    int statusCode = 0;
    std::string statusMessage;
    std::string errorType;

    std::string provider;
    std::string requestModel;
    std::string responseModel;
    std::string operation;
    std::optional<int64_t> inputTokens;
    std::optional<int64_t> outputTokens;
    std::optional<int64_t> cacheReadTokens;
    std::optional<int64_t> cacheWriteTokens;
    std::optional<int64_t> reasoningTokens;
    std::optional<int64_t> costNanoUsd;
    std::optional<int64_t> priceRowId;
    std::string session;
    std::string endUser;
    int convention = 0; ///< ConventionBits
    int flags = 0; ///< SpanFlags
    std::string promptFingerprint; ///< 16 hex characters, empty when the span is not a prompt call
    PromptSource promptSource = PromptSource::None;
    std::string promptLabel; ///< human name: prompt name@version, or "service / span / model" for a fallback
    std::string promptExample; ///< one example text; only filled when content capture is on

    uint32_t resourceIndex = 0; // into IngestBatch::resources
    std::string scope; // "name@version" of the instrumentation scope
    std::string detail; // encoded attributes, events and links (spanlight.stored.SpanDetail)
};

struct LogRow
{
    int64_t timeNs = 0;
    int64_t observedNs = 0;
    TraceId traceId {};
    SpanId spanId {};
    Dimensions dims;
    int severityNumber = 0;
    std::string severityText;
    std::string eventName;
    std::string body; // encoded AnyValue
    std::string bodyText; // the body when it is a string, for search
    uint32_t resourceIndex = 0;
    std::string scope;
    std::string attributes; // encoded spanlight.stored.Attributes

    /// GenAI content this record carries for the span it refers to (joined by
    /// span id in the writer, whichever of log and span arrives first).
    std::string promptSystem; ///< system instructions
    std::string promptUser; ///< the first user message
};

enum class MetricType { Gauge = 1, Sum = 2, Histogram = 3, ExponentialHistogram = 4, Summary = 5 };

struct MetricPointRow
{
    std::string name;
    std::string unit;
    MetricType type = MetricType::Gauge;
    int temporality = 0;
    bool monotonic = false;
    int64_t startNs = 0;
    int64_t timeNs = 0;
    std::optional<double> valueDouble;
    std::optional<int64_t> valueInt;
    std::optional<uint64_t> count;
    std::optional<double> sum;
    std::optional<double> min;
    std::optional<double> max;
    Dimensions dims;
    uint32_t resourceIndex = 0;
    std::string scope;
    std::string point; // the whole data point, encoded as OTLP protobuf
};

enum class Signal { Traces, Logs, Metrics };

/// What one export request turned into; handed to the writer as a unit.
struct IngestBatch
{
    Signal signal = Signal::Traces;
    std::vector<std::string> resources; // encoded opentelemetry.proto.resource.v1.Resource
    std::vector<SpanRecord> spans;
    std::vector<LogRow> logs;
    std::vector<MetricPointRow> points;

    size_t itemCount() const { return spans.size() + logs.size() + points.size(); }
    size_t approxBytes = 0;
};

} // namespace spanlight
