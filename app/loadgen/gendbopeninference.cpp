// OpenInference (Arize Phoenix), as its LangChain instrumentation writes it: openinference.span.kind,
// llm.model_name / llm.provider, llm.token_count.*, flattened llm.input_messages.N.*, prompt templates.
// It sets no error.type: a failure is the span status and an exception event.

#include "gendbwriters.h"
#include "otlpattributes.h"

namespace spanlight::gendb {

namespace tracepb = opentelemetry::proto::trace::v1;

namespace {

void addTokenCounts(const PlannedSpan& span, KeyValues* attributes)
{
    otlp::addInt(attributes, "llm.token_count.prompt", span.inputTokens);
    if (span.role != SpanRole::Embeddings)
        otlp::addInt(attributes, "llm.token_count.completion", span.outputTokens);
    otlp::addInt(attributes, "llm.token_count.total", span.inputTokens + span.outputTokens);
    if (span.cacheReadTokens > 0)
        otlp::addInt(attributes, "llm.token_count.prompt_details.cache_read", span.cacheReadTokens);
    if (span.cacheWriteTokens > 0)
        otlp::addInt(attributes, "llm.token_count.prompt_details.cache_write", span.cacheWriteTokens);
    if (span.reasoningTokens > 0)
        otlp::addInt(attributes, "llm.token_count.completion_details.reasoning", span.reasoningTokens);
}

void addSessionAndUser(const SpanView& view, KeyValues* attributes)
{
    otlp::addString(attributes, "session.id", view.trace.conversation);
    otlp::addString(attributes, "user.id", "user-" + std::to_string(10000 + view.trace.user));
}

void writeLlm(const SpanView& view, tracepb::Span* out)
{
    const PlannedSpan& span = view.span;
    auto* attributes = out->mutable_attributes();
    out->set_name(std::string(view.provider->langchainChat));
    otlp::addString(attributes, "openinference.span.kind", "LLM");
    otlp::addString(attributes, "llm.model_name", view.error ? view.requestModel() : view.responseModel());
    otlp::addString(attributes, "llm.provider", view.provider->openInference);
    otlp::addString(attributes, "llm.system", view.provider->openInference);
    otlp::addString(attributes, "llm.invocation_parameters",
        R"({"model":")" + view.requestModel() + R"(","temperature":)" + std::to_string((span.fill % 11) / 10.0)
            + R"(,"max_tokens":)" + std::to_string(span.maxTokens > 0 ? span.maxTokens : 4096) + "}");
    addSessionAndUser(view, attributes);
    if (!view.error)
        addTokenCounts(span, attributes);
    if (!view.prompt)
        return;
    const std::string user = view.userText();
    if (view.trace.promptMode == PromptMode::Name) {
        // The template before its variables are filled: the same for every call of the prompt.
        otlp::addString(
            attributes, "llm.prompt_template.template", view.prompt->systemText + "\n" + view.prompt->userTemplate);
        otlp::addString(attributes, "llm.prompt_template.version", 'v' + std::to_string(view.prompt->version));
        otlp::addString(attributes, "llm.prompt_template.variables", R"({"n":")" + std::to_string(span.fill) + R"("})");
    }
    otlp::addString(attributes, "llm.input_messages.0.message.role", "system");
    otlp::addString(attributes, "llm.input_messages.0.message.content", view.prompt->systemText);
    otlp::addString(attributes, "llm.input_messages.1.message.role", "user");
    otlp::addString(attributes, "llm.input_messages.1.message.content", user);
    otlp::addString(attributes, "input.value", user);
    otlp::addString(attributes, "input.mime_type", "text/plain");
    if (!view.error) {
        const std::string answer = answerText(view);
        otlp::addString(attributes, "llm.output_messages.0.message.role", "assistant");
        otlp::addString(attributes, "llm.output_messages.0.message.content", answer);
        otlp::addString(attributes, "output.value", answer);
    }
}

} // namespace

void writeOpenInferenceSpan(const SpanView& view, tracepb::Span* out)
{
    const PlannedSpan& span = view.span;
    auto* attributes = out->mutable_attributes();
    switch (span.role) {
    case SpanRole::Chat:
        writeLlm(view, out);
        return;
    case SpanRole::Embeddings:
        out->set_name("OpenAIEmbeddings");
        otlp::addString(attributes, "openinference.span.kind", "EMBEDDING");
        otlp::addString(attributes, "embedding.model_name", view.responseModel());
        otlp::addString(attributes, "llm.provider", view.provider->openInference);
        if (!view.error)
            addTokenCounts(span, attributes);
        return;
    case SpanRole::Root:
        out->set_name(std::string(view.service.agentName));
        otlp::addString(attributes, "openinference.span.kind", view.service.workflowRoot ? "CHAIN" : "AGENT");
        addSessionAndUser(view, attributes);
        if (view.prompt)
            otlp::addString(attributes, "input.value", view.userText());
        // LangGraph-style agents roll their children's usage up into the agent span.
        if (view.trace.repeatUsage && span.inputTokens > 0)
            addTokenCounts(span, attributes);
        return;
    case SpanRole::Tool:
        out->set_name(std::string(view.tool()));
        otlp::addString(attributes, "openinference.span.kind", "TOOL");
        otlp::addString(attributes, "tool.name", view.tool());
        otlp::addString(attributes, "tool.description", "Runs " + std::string(view.tool()) + " for the agent");
        otlp::addString(attributes, "input.value", R"({"id":")" + view.token("", 10) + R"("})");
        otlp::addString(attributes, "input.mime_type", "application/json");
        return;
    case SpanRole::Retrieval:
        out->set_name("VectorStoreRetriever");
        otlp::addString(attributes, "openinference.span.kind", "RETRIEVER");
        otlp::addString(attributes, "input.value", "search " + std::string(view.service.dataSource));
        if (!view.error) {
            for (int i = 0; i < 3; ++i) {
                const std::string prefix = "retrieval.documents." + std::to_string(i) + ".document.";
                otlp::addString(attributes, prefix + "id", view.token("doc-", 8));
                otlp::addDouble(attributes, prefix + "score", 0.9 - 0.1 * i);
            }
        }
        return;
    }
}

} // namespace spanlight::gendb
