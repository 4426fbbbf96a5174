#pragma once

// Internal to the dialect writers (gendbdialect.cpp, gendbotel.cpp, gendbopeninference.cpp,
// gendbopenllmetry.cpp): one planned span with everything a writer looks up, resolved once.

#include "gendbdialect.h"
#include "gendbshape.h"
#include "otlpattributes.h"
#include "trafficcatalog.h"

#include <string>
#include <string_view>

namespace spanlight::gendb {

namespace otlp = loadgen::otlp;

struct SpanView
{
    const PlannedTrace& trace;
    const PlannedSpan& span;
    const WriteNames& names;
    const GenService& service;
    const GenModel* model; ///< null for tool and retrieval spans
    const Provider* provider; ///< null with model
    const GenPrompt* prompt; ///< null when the span has none
    const loadgen::ErrorInfo* error; ///< null on success

    /// Routed through a gateway: the model name carries the provider prefix and no provider key is sent.
    bool routed() const { return trace.routed && provider && !provider->routerPrefix.empty(); }
    std::string requestModel() const;
    std::string responseModel() const;
    std::string userText() const;
    std::string_view tool() const { return service.tools[span.tool >= 0 ? span.tool : 0]; }
    /// Pseudo-random but reproducible tokens (response ids, tool call ids) drawn from the span id.
    std::string token(std::string_view prefix, int length) const;
};

void writeOTelSpan(const SpanView& view, bool legacy, opentelemetry::proto::trace::v1::Span* out);
void writeOpenInferenceSpan(const SpanView& view, opentelemetry::proto::trace::v1::Span* out);
void writeOpenLLMetrySpan(const SpanView& view, opentelemetry::proto::trace::v1::Span* out);

std::string jsonEscaped(std::string_view text);
std::string answerText(const SpanView& view);

} // namespace spanlight::gendb
