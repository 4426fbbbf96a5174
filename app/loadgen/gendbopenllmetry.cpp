// OpenLLMetry (Traceloop): llm.request.type, gen_ai.system spelled "OpenAI", pre-1.37 usage names plus
// llm.usage.*, traceloop.* workflow attributes, and content flattened into gen_ai.prompt.N.* /
// gen_ai.completion.N.* (captured by default). Managed prompts carry traceloop.prompt.key.

#include "gendbwriters.h"
#include "otlpattributes.h"

namespace spanlight::gendb {

namespace tracepb = opentelemetry::proto::trace::v1;

namespace {

void addWorkflow(const SpanView& view, std::string_view entity, KeyValues* attributes)
{
    otlp::addString(attributes, "traceloop.workflow.name", view.service.agentName);
    otlp::addString(attributes, "traceloop.entity.name", entity);
    otlp::addString(
        attributes, "traceloop.association.properties.user_id", "user-" + std::to_string(10000 + view.trace.user));
    otlp::addString(attributes, "traceloop.association.properties.session_id", view.trace.conversation);
}

void addUsage(const PlannedSpan& span, KeyValues* attributes)
{
    otlp::addInt(attributes, "gen_ai.usage.prompt_tokens", span.inputTokens);
    if (span.role != SpanRole::Embeddings)
        otlp::addInt(attributes, "gen_ai.usage.completion_tokens", span.outputTokens);
    otlp::addInt(attributes, "llm.usage.total_tokens", span.inputTokens + span.outputTokens);
    if (span.cacheReadTokens > 0)
        otlp::addInt(attributes, "gen_ai.usage.cache_read_input_tokens", span.cacheReadTokens);
    if (span.cacheWriteTokens > 0)
        otlp::addInt(attributes, "gen_ai.usage.cache_creation_input_tokens", span.cacheWriteTokens);
    // Both spellings are in the wild, depending on the instrumentation's version.
    if (span.reasoningTokens > 0)
        otlp::addInt(attributes, span.fill % 2 ? "gen_ai.usage.reasoning_tokens" : "llm.usage.reasoning_tokens",
            span.reasoningTokens);
}

void writeLlm(const SpanView& view, tracepb::Span* out)
{
    const PlannedSpan& span = view.span;
    const bool embeddings = span.role == SpanRole::Embeddings;
    auto* attributes = out->mutable_attributes();
    out->set_name(std::string(view.provider->spanPrefix) + (embeddings ? ".embeddings" : ".chat"));
    otlp::addString(attributes, "llm.request.type", embeddings ? "embedding" : "chat");
    if (!view.routed())
        otlp::addString(attributes, "gen_ai.system", view.provider->traceloopSystem);
    otlp::addString(attributes, "gen_ai.request.model", view.requestModel());
    addWorkflow(view, embeddings ? "embed" : "generate", attributes);
    if (!embeddings) {
        otlp::addInt(attributes, "gen_ai.request.max_tokens", span.maxTokens > 0 ? span.maxTokens : 4096);
        otlp::addDouble(attributes, "gen_ai.request.temperature", (span.fill % 11) / 10.0);
        otlp::addString(attributes, "llm.is_streaming", span.fill % 3 ? "false" : "true");
        otlp::addString(attributes, "llm.user", "user-" + std::to_string(10000 + view.trace.user));
    }
    if (view.error) {
        otlp::addString(attributes, "error.type", view.error->errorType);
    } else {
        otlp::addString(attributes, "gen_ai.response.model", view.responseModel());
        if (!embeddings)
            otlp::addString(attributes, "gen_ai.response.id", view.token("chatcmpl-", 24));
        addUsage(span, attributes);
    }
    if (embeddings) {
        otlp::addString(attributes, "gen_ai.prompt.0.content", "search " + std::string(view.service.dataSource));
        return;
    }
    if (!view.prompt)
        return;
    if (view.trace.promptMode == PromptMode::Name) {
        otlp::addString(attributes, "traceloop.prompt.managed", "true");
        otlp::addString(attributes, "traceloop.prompt.key", view.prompt->name);
        otlp::addInt(attributes, "traceloop.prompt.version", view.prompt->version);
    }
    otlp::addString(attributes, "gen_ai.prompt.0.role", "system");
    otlp::addString(attributes, "gen_ai.prompt.0.content", view.prompt->systemText);
    otlp::addString(attributes, "gen_ai.prompt.1.role", "user");
    otlp::addString(attributes, "gen_ai.prompt.1.content", view.userText());
    if (!view.error) {
        otlp::addString(attributes, "gen_ai.completion.0.role", "assistant");
        otlp::addString(attributes, "gen_ai.completion.0.content", answerText(view));
        otlp::addString(attributes, "gen_ai.completion.0.finish_reason", span.finishReason);
    }
}

} // namespace

void writeOpenLLMetrySpan(const SpanView& view, tracepb::Span* out)
{
    const PlannedSpan& span = view.span;
    auto* attributes = out->mutable_attributes();
    switch (span.role) {
    case SpanRole::Chat:
    case SpanRole::Embeddings:
        writeLlm(view, out);
        return;
    case SpanRole::Root: {
        const std::string_view kind = view.service.workflowRoot ? "workflow" : "agent";
        out->set_name(std::string(view.service.agentName) + "." + std::string(kind));
        otlp::addString(attributes, "traceloop.span.kind", kind);
        addWorkflow(view, view.service.agentName, attributes);
        if (view.trace.repeatUsage && span.inputTokens > 0)
            addUsage(span, attributes);
        if (view.error)
            otlp::addString(attributes, "error.type", view.error->errorType);
        return;
    }
    case SpanRole::Tool:
        out->set_name(std::string(view.tool()) + ".tool");
        otlp::addString(attributes, "traceloop.span.kind", "tool");
        addWorkflow(view, view.tool(), attributes);
        otlp::addString(
            attributes, "traceloop.entity.input", R"({"args":[],"kwargs":{"id":")" + view.token("", 10) + R"("}})");
        return;
    case SpanRole::Retrieval:
        out->set_name("chroma.query");
        otlp::addString(attributes, "db.system", "chroma");
        otlp::addString(attributes, "db.operation", "query");
        otlp::addString(attributes, "db.chroma.query.collection", view.service.dataSource);
        otlp::addInt(attributes, "db.chroma.query.n_results", 8);
        if (view.error)
            otlp::addString(attributes, "error.type", view.error->errorType);
        return;
    }
}

} // namespace spanlight::gendb
