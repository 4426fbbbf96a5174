// OpenTelemetry GenAI semantic conventions: the current names (>= 1.37: gen_ai.provider.name,
// usage.input_tokens, cache_read.input_tokens, opt-in content attributes) and the older ones instrumentation
// keeps emitting without OTEL_SEMCONV_STABILITY_OPT_IN (gen_ai.system, prompt_tokens/completion_tokens,
// content only in log events).

#include "gendbwriters.h"
#include "otlpattributes.h"

namespace spanlight::gendb {

namespace tracepb = opentelemetry::proto::trace::v1;

namespace {

void addProvider(const SpanView& view, bool legacy, KeyValues* attributes)
{
    if (!view.provider || view.routed())
        return; // a gateway's model name says it: "openai/gpt-4o-mini"
    if (legacy)
        otlp::addString(attributes, "gen_ai.system", view.provider->legacySystem);
    else
        otlp::addString(attributes, "gen_ai.provider.name", view.provider->otelName);
}

void addUsage(const PlannedSpan& span, bool legacy, KeyValues* attributes)
{
    if (legacy) {
        // Before 1.37 there were no cache or reasoning attributes at all.
        otlp::addInt(attributes, "gen_ai.usage.prompt_tokens", span.inputTokens);
        if (span.role != SpanRole::Embeddings)
            otlp::addInt(attributes, "gen_ai.usage.completion_tokens", span.outputTokens);
        return;
    }
    otlp::addInt(attributes, "gen_ai.usage.input_tokens", span.inputTokens);
    if (span.role != SpanRole::Embeddings)
        otlp::addInt(attributes, "gen_ai.usage.output_tokens", span.outputTokens);
    if (span.cacheReadTokens > 0)
        otlp::addInt(attributes, "gen_ai.usage.cache_read.input_tokens", span.cacheReadTokens);
    if (span.cacheWriteTokens > 0)
        otlp::addInt(attributes, "gen_ai.usage.cache_creation.input_tokens", span.cacheWriteTokens);
    if (span.reasoningTokens > 0)
        otlp::addInt(attributes, "gen_ai.usage.reasoning.output_tokens", span.reasoningTokens);
}

void addSessionAndUser(const SpanView& view, bool legacy, KeyValues* attributes)
{
    otlp::addString(attributes, legacy ? "session.id" : "gen_ai.conversation.id", view.trace.conversation);
    otlp::addString(attributes, legacy ? "enduser.id" : "user.id", "user-" + std::to_string(10000 + view.trace.user));
}

void addContent(const SpanView& view, KeyValues* attributes)
{
    // The JSON shapes of the opt-in content attributes.
    otlp::addString(attributes, "gen_ai.system_instructions",
        R"([{"type":"text","content":")" + jsonEscaped(view.prompt->systemText) + R"("}])");
    otlp::addString(attributes, "gen_ai.input.messages",
        R"([{"role":"user","parts":[{"type":"text","content":")" + jsonEscaped(view.userText()) + R"("}]}])");
    if (!view.error) {
        otlp::addString(attributes, "gen_ai.output.messages",
            R"([{"role":"assistant","parts":[{"type":"text","content":")" + jsonEscaped(answerText(view))
                + R"("}],"finish_reason":")" + std::string(view.span.finishReason) + R"("}])");
    }
}

void writeChat(const SpanView& view, bool legacy, tracepb::Span* out)
{
    const PlannedSpan& span = view.span;
    const bool embeddings = span.role == SpanRole::Embeddings;
    const std::string requestModel = view.requestModel();
    out->set_name((embeddings ? "embeddings " : "chat ") + requestModel);
    auto* attributes = out->mutable_attributes();
    otlp::addString(attributes, "gen_ai.operation.name", embeddings ? "embeddings" : "chat");
    addProvider(view, legacy, attributes);
    otlp::addString(attributes, "gen_ai.request.model", requestModel);
    otlp::addString(attributes, "server.address", view.provider->serverAddress);
    otlp::addInt(attributes, "server.port", 443);
    if (embeddings) {
        otlp::addInt(attributes, "gen_ai.embeddings.dimension.count", 1536);
    } else {
        otlp::addInt(attributes, "gen_ai.request.max_tokens", span.maxTokens > 0 ? span.maxTokens : 4096);
        otlp::addDouble(attributes, "gen_ai.request.temperature", (span.fill % 11) / 10.0);
        addSessionAndUser(view, legacy, attributes);
    }
    if (view.error) {
        otlp::addString(attributes, "error.type", view.error->errorType);
        if (view.error->httpStatus > 0)
            otlp::addInt(attributes, "http.response.status_code", view.error->httpStatus);
    } else {
        otlp::addString(attributes, "gen_ai.response.model", view.responseModel());
        if (!embeddings) {
            otlp::addString(attributes, "gen_ai.response.id",
                view.token(view.provider->otelName == "anthropic" ? "msg_" : "chatcmpl-", 24));
            otlp::addStringArray(attributes, "gen_ai.response.finish_reasons", { span.finishReason });
        }
        addUsage(span, legacy, attributes);
    }
    if (!view.prompt || legacy)
        return; // older instrumentation puts content in log events, if anywhere
    if (view.trace.promptMode == PromptMode::Name) {
        otlp::addString(attributes, "gen_ai.prompt.name", view.prompt->name);
        otlp::addString(attributes, "gen_ai.prompt.version", std::to_string(view.prompt->version));
    } else if (view.trace.promptMode == PromptMode::Content) {
        addContent(view, attributes);
    }
}

} // namespace

void writeOTelSpan(const SpanView& view, bool legacy, tracepb::Span* out)
{
    const PlannedSpan& span = view.span;
    auto* attributes = out->mutable_attributes();
    switch (span.role) {
    case SpanRole::Chat:
    case SpanRole::Embeddings:
        writeChat(view, legacy, out);
        return;
    case SpanRole::Root: {
        const std::string_view operation = view.service.workflowRoot ? "invoke_workflow" : "invoke_agent";
        out->set_name(std::string(operation) + " " + std::string(view.service.agentName));
        otlp::addString(attributes, "gen_ai.operation.name", operation);
        otlp::addString(attributes, "gen_ai.agent.name", view.service.agentName);
        otlp::addString(
            attributes, "gen_ai.agent.id", "asst_" + view.names.tenant + "_" + std::string(view.service.agentName));
        addProvider(view, legacy, attributes);
        otlp::addString(attributes, "gen_ai.request.model", view.requestModel());
        addSessionAndUser(view, legacy, attributes);
        // Some agent frameworks repeat the usage of the calls beneath them: spend must not count it twice.
        if (view.trace.repeatUsage && span.inputTokens > 0)
            addUsage(span, legacy, attributes);
        if (view.error)
            otlp::addString(attributes, "error.type", view.error->errorType);
        return;
    }
    case SpanRole::Tool:
        out->set_name("execute_tool " + std::string(view.tool()));
        otlp::addString(attributes, "gen_ai.operation.name", "execute_tool");
        otlp::addString(attributes, "gen_ai.tool.name", view.tool());
        otlp::addString(attributes, "gen_ai.tool.type", "function");
        otlp::addString(attributes, "gen_ai.tool.call.id", view.token("call_", 24));
        return;
    case SpanRole::Retrieval:
        if (legacy) {
            // No retrieval operation before 1.37: the vector store's database span stands in.
            out->set_name("search " + std::string(view.service.dataSource));
            otlp::addString(attributes, "db.system.name", "qdrant");
            otlp::addString(attributes, "db.operation.name", "search");
            otlp::addString(attributes, "db.collection.name", view.service.dataSource);
        } else {
            out->set_name("retrieval " + std::string(view.service.dataSource));
            otlp::addString(attributes, "gen_ai.operation.name", "retrieval");
            otlp::addString(attributes, "gen_ai.data_source.id", view.service.dataSource);
            otlp::addInt(attributes, "gen_ai.request.top_k", 8);
        }
        if (view.error)
            otlp::addString(attributes, "error.type", view.error->errorType);
        return;
    }
}

} // namespace spanlight::gendb
