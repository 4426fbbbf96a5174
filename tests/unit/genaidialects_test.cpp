// Every attribute dialect, as real instrumentation sends it, through the real
// convertTraces: the canonical fields, convention bits and usage flags.
#include "genaispanbuilder.h"

#include <gtest/gtest.h>

using namespace spanlight;

namespace {
// The flags the normaliser decides; pricing adds spend-counted and unpriced.
constexpr int kNormaliserFlags = kFlagGenAi | kFlagInputIncludesCache | kFlagOutputIncludesReasoning | kFlagClientCost;
}
using spanlight::test::SpanBuilder;
using Strings = std::vector<std::string>;

namespace {

constexpr int kUsageIncluded = kFlagInputIncludesCache | kFlagOutputIncludesReasoning;

/// What @opentelemetry/instrumentation-openai (opentelemetry-js-contrib) sets
/// on a chat span before the call: pre-1.37 gen_ai.system, no content.
SpanBuilder openAiJsChat()
{
    SpanBuilder span("chat gpt-4o-mini");
    span.attrs({ { "gen_ai.operation.name", "chat" }, { "gen_ai.request.model", "gpt-4o-mini" },
        { "gen_ai.system", "openai" }, { "server.address", "api.openai.com" }, { "server.port", 443 },
        { "gen_ai.request.temperature", 0.2 }, { "gen_ai.request.max_tokens", 256 } });
    return span;
}

} // namespace

TEST(GenAiDialects, OpenAiJsInstrumentationSuccess)
{
    SpanBuilder span = openAiJsChat();
    span.attrs({ { "gen_ai.response.finish_reasons", Strings { "stop" } },
        { "gen_ai.response.id", "chatcmpl-AbCdEf0123456789" }, { "gen_ai.response.model", "gpt-4o-mini-2024-07-18" },
        { "gen_ai.usage.input_tokens", 24 }, { "gen_ai.usage.output_tokens", 9 } });
    const SpanRecord r = span.convert();
    EXPECT_EQ(r.provider, "openai");
    EXPECT_EQ(r.requestModel, "gpt-4o-mini");
    EXPECT_EQ(r.responseModel, "gpt-4o-mini-2024-07-18");
    EXPECT_EQ(r.operation, "chat");
    EXPECT_EQ(r.inputTokens, 24);
    EXPECT_EQ(r.outputTokens, 9);
    EXPECT_FALSE(r.cacheReadTokens.has_value());
    EXPECT_FALSE(r.reasoningTokens.has_value());
    EXPECT_FALSE(r.costNanoUsd.has_value()) << "pricing is not the normaliser's job";
    EXPECT_EQ(r.errorType, "");
    EXPECT_EQ(r.convention, kConventionOTel | kConventionOTelLegacy) << "gen_ai.system is a pre-1.37 name";
    EXPECT_EQ(r.flags & kNormaliserFlags, kFlagGenAi | kUsageIncluded);
    EXPECT_TRUE(r.flags & kFlagSpendCounted) << "a chat call is a leaf inference operation";
    EXPECT_EQ(r.dims.tenant, "(none)");
}

TEST(GenAiDialects, OpenAiJsInstrumentationFailure)
{
    // The rejection handler: status ERROR with the message, error.type = the
    // error class name, no response or usage attributes, no exception event.
    SpanBuilder span = openAiJsChat();
    span.error("429 Rate limit reached for gpt-4o-mini").attrs({ { "error.type", "RateLimitError" } });
    const SpanRecord r = span.convert();
    EXPECT_EQ(r.statusCode, 2);
    EXPECT_EQ(r.errorType, "RateLimitError");
    EXPECT_EQ(r.responseModel, "gpt-4o-mini") << "no response: the requested model is what pricing would match";
    EXPECT_FALSE(r.inputTokens.has_value());
    EXPECT_EQ(r.flags & kNormaliserFlags, kFlagGenAi) << "no usage, so no usage assumption";
}

TEST(GenAiDialects, OpenAiJsEmbeddings)
{
    SpanBuilder span("embeddings text-embedding-3-small");
    span.attrs({ { "gen_ai.operation.name", "embeddings" }, { "gen_ai.request.model", "text-embedding-3-small" },
        { "gen_ai.system", "openai" }, { "gen_ai.request.encoding_formats", Strings { "float" } },
        { "gen_ai.response.model", "text-embedding-3-small" }, { "gen_ai.usage.input_tokens", 10 } });
    const SpanRecord r = span.convert();
    EXPECT_EQ(r.operation, "embeddings");
    EXPECT_EQ(r.inputTokens, 10);
    EXPECT_FALSE(r.outputTokens.has_value());
    EXPECT_EQ(r.flags & kNormaliserFlags, kFlagGenAi | kFlagInputIncludesCache);
}

TEST(GenAiDialects, CurrentOTelNames)
{
    SpanBuilder span("chat claude-sonnet-4-5");
    span.attrs({ { "gen_ai.operation.name", "chat" }, { "gen_ai.provider.name", "anthropic" },
        { "gen_ai.request.model", "claude-sonnet-4-5" }, { "gen_ai.response.model", "claude-sonnet-4-5-20250929" },
        { "gen_ai.usage.input_tokens", 5200 }, { "gen_ai.usage.output_tokens", 900 },
        { "gen_ai.usage.cache_read.input_tokens", 4000 }, { "gen_ai.usage.cache_creation.input_tokens", 1000 },
        { "gen_ai.usage.reasoning.output_tokens", 600 }, { "gen_ai.conversation.id", "conv_5j66UpCpwteGg4YSxUnt7lPY" },
        { "gen_ai.response.finish_reasons", Strings { "end_turn" } }, { "user.id", "u-829" } });
    const SpanRecord r = span.convert();
    EXPECT_EQ(r.provider, "anthropic");
    EXPECT_EQ(r.requestModel, "claude-sonnet-4-5");
    EXPECT_EQ(r.responseModel, "claude-sonnet-4-5-20250929");
    EXPECT_EQ(r.inputTokens, 5200);
    EXPECT_EQ(r.outputTokens, 900);
    EXPECT_EQ(r.cacheReadTokens, 4000);
    EXPECT_EQ(r.cacheWriteTokens, 1000);
    EXPECT_EQ(r.reasoningTokens, 600);
    EXPECT_EQ(r.session, "conv_5j66UpCpwteGg4YSxUnt7lPY");
    EXPECT_EQ(r.endUser, "u-829");
    EXPECT_EQ(r.convention, kConventionOTel);
    EXPECT_EQ(r.flags & kNormaliserFlags, kFlagGenAi | kUsageIncluded)
        << "current OTel: cache and reasoning are included";
}

TEST(GenAiDialects, OpenInferencePhoenixSet)
{
    // openinference-instrumentation-openai on a chat completion.
    SpanBuilder span("ChatCompletion", "support-bot");
    span.resource({ { "openinference.project.name", "acme-support" } });
    span.attrs({ { "openinference.span.kind", "LLM" }, { "llm.system", "openai" }, { "llm.provider", "openai" },
        { "llm.model_name", "gpt-4o-2024-08-06" }, { "llm.invocation_parameters", R"({"temperature": 0.1})" },
        { "input.mime_type", "application/json" },
        { "input.value", R"({"messages": [{"role": "user", "content": "Where is order 55?"}], "model": "gpt-4o"})" },
        { "llm.input_messages.0.message.role", "system" },
        { "llm.input_messages.0.message.content", "You are a support agent." },
        { "llm.input_messages.1.message.role", "user" },
        { "llm.input_messages.1.message.content", "Where is order 55?" },
        { "llm.output_messages.0.message.role", "assistant" }, { "llm.token_count.prompt", 52 },
        { "llm.token_count.completion", 12 }, { "llm.token_count.total", 64 },
        { "llm.token_count.prompt_details.cache_read", 32 }, { "llm.token_count.completion_details.reasoning", 4 },
        { "llm.cost.total", 0.00042 }, { "session.id", "sess-7" }, { "user.id", "alice" } });
    const SpanRecord r = span.convert();
    EXPECT_EQ(r.provider, "openai");
    EXPECT_EQ(r.requestModel, "gpt-4o-2024-08-06");
    EXPECT_EQ(r.responseModel, "gpt-4o-2024-08-06");
    EXPECT_EQ(r.operation, "chat");
    EXPECT_EQ(r.inputTokens, 52);
    EXPECT_EQ(r.outputTokens, 12);
    EXPECT_EQ(r.cacheReadTokens, 32);
    EXPECT_EQ(r.reasoningTokens, 4);
    EXPECT_EQ(r.costNanoUsd, 420'000);
    EXPECT_EQ(r.session, "sess-7");
    EXPECT_EQ(r.endUser, "alice");
    EXPECT_EQ(r.dims.tenant, "acme-support") << "openinference.project.name is a default tenant attribute";
    EXPECT_EQ(r.convention, kConventionOpenInference);
    EXPECT_EQ(r.flags & kNormaliserFlags, kFlagGenAi | kUsageIncluded | kFlagClientCost);
}

TEST(GenAiDialects, OpenLLMetryTraceloopSet)
{
    SpanBuilder span("openai.chat");
    span.attrs({ { "llm.request.type", "chat" }, { "gen_ai.system", "OpenAI" }, { "gen_ai.request.model", "gpt-4o" },
        { "gen_ai.response.model", "gpt-4o-2024-08-06" }, { "llm.usage.total_tokens", 80 },
        { "gen_ai.usage.prompt_tokens", 60 }, { "gen_ai.usage.completion_tokens", 20 }, { "llm.is_streaming", false },
        { "gen_ai.prompt.0.role", "user" }, { "gen_ai.prompt.0.content", "Tell me a joke about OpenTelemetry" },
        { "gen_ai.completion.0.role", "assistant" }, { "gen_ai.completion.0.finish_reason", "stop" },
        { "traceloop.workflow.name", "joke_generator" }, { "llm.user", "bob" } });
    const SpanRecord r = span.convert();
    EXPECT_EQ(r.provider, "openai") << "provider names are lower-cased";
    EXPECT_EQ(r.operation, "chat");
    EXPECT_EQ(r.inputTokens, 60);
    EXPECT_EQ(r.outputTokens, 20);
    EXPECT_EQ(r.endUser, "bob");
    EXPECT_EQ(r.convention, kConventionOTel | kConventionOTelLegacy | kConventionOpenLLMetry);
}

TEST(GenAiDialects, LlmRequestTypeValuesMapToOperations)
{
    const auto operation = [](const char* type) {
        return SpanBuilder("x").attrs({ { "llm.request.type", type } }).convert().operation;
    };
    EXPECT_EQ(operation("completion"), "text_completion");
    EXPECT_EQ(operation("embedding"), "embeddings");
    EXPECT_EQ(operation("chat"), "chat");
}

TEST(GenAiDialects, TraceloopWorkflowAndAgentSpansAreNotCountedAsSpend)
{
    for (const char* kind : { "workflow", "agent", "task" }) {
        const SpanRecord r = SpanBuilder("joke_generator.workflow")
                                 .attrs({ { "traceloop.span.kind", kind }, { "gen_ai.usage.prompt_tokens", 60 },
                                     { "gen_ai.usage.completion_tokens", 20 } })
                                 .convert();
        EXPECT_FALSE(r.operation.empty()) << kind;
        EXPECT_FALSE(r.flags & kFlagSpendCounted) << kind << " spans repeat their children's usage";
    }
    EXPECT_EQ(SpanBuilder("t").attrs({ { "traceloop.span.kind", "tool" } }).convert().operation, "execute_tool");
}

TEST(GenAiDialects, GatewayPrefixOnTheRequestModelNamesTheProvider)
{
    const SpanRecord r
        = SpanBuilder("chat")
              .attrs({ { "gen_ai.operation.name", "chat" }, { "gen_ai.request.model", "anthropic/claude-3-5-haiku" },
                  { "gen_ai.response.model", "claude-3-5-haiku-20241022" } })
              .convert();
    EXPECT_EQ(r.provider, "anthropic");
}

TEST(GenAiDialects, OpenInferenceEmbeddingModelName)
{
    const SpanRecord r
        = SpanBuilder("embed")
              .attrs({ { "openinference.span.kind", "EMBEDDING" }, { "embedding.model_name", "text-embedding-3-small" },
                  { "llm.token_count.prompt", 12 } })
              .convert();
    EXPECT_EQ(r.operation, "embeddings");
    EXPECT_EQ(r.requestModel, "text-embedding-3-small");
    EXPECT_TRUE(r.flags & kFlagSpendCounted);
}

TEST(GenAiDialects, MixedSpanTakesEachFieldFromWhoeverHasIt)
{
    SpanBuilder span("llm call");
    span.attrs({ { "openinference.span.kind", "LLM" }, { "gen_ai.request.model", "mistral-large-latest" },
        { "llm.token_count.prompt", 100 }, { "gen_ai.usage.output_tokens", 40 },
        { "gen_ai.usage.cache_read_input_tokens", 30 }, { "llm.provider", "mistralai" } });
    const SpanRecord r = span.convert();
    EXPECT_EQ(r.operation, "chat");
    EXPECT_EQ(r.provider, "mistralai");
    EXPECT_EQ(r.inputTokens, 100);
    EXPECT_EQ(r.outputTokens, 40);
    EXPECT_EQ(r.cacheReadTokens, 30);
    EXPECT_EQ(r.convention, kConventionOTel | kConventionOpenInference | kConventionOpenLLMetry);
}

TEST(GenAiDialects, FirstPresentKeyWinsWhateverTheAttributeOrder)
{
    SpanBuilder span("chat");
    // Lowest-ranked keys first, so a "last one wins" or "first seen wins" reader fails.
    span.attrs({ { "llm.token_count.prompt", 30 }, { "gen_ai.usage.prompt_tokens", 20 },
        { "gen_ai.usage.input_tokens", 10 }, { "llm.system", "x-system" }, { "gen_ai.system", "legacy-system" },
        { "gen_ai.provider.name", "current-provider" }, { "openinference.span.kind", "LLM" },
        { "gen_ai.operation.name", "generate_content" }, { "llm.model_name", "oi-model" },
        { "gen_ai.request.model", "asked" }, { "gen_ai.response.model", "answered" }, { "session.id", "s-2" },
        { "gen_ai.conversation.id", "c-1" }, { "llm.user", "u4" }, { "enduser.id", "u2" }, { "user.id", "u1" } });
    const SpanRecord r = span.convert();
    EXPECT_EQ(r.inputTokens, 10);
    EXPECT_EQ(r.provider, "current-provider");
    EXPECT_EQ(r.operation, "generate_content");
    EXPECT_EQ(r.requestModel, "asked");
    EXPECT_EQ(r.responseModel, "answered");
    EXPECT_EQ(r.session, "c-1");
    EXPECT_EQ(r.endUser, "u1");
}

TEST(GenAiDialects, UnusableValuesFallThroughToTheNextKey)
{
    const SpanRecord r = SpanBuilder("chat")
                             .attrs({ { "gen_ai.usage.input_tokens", "n/a" }, { "gen_ai.usage.prompt_tokens", 20 },
                                 { "gen_ai.usage.output_tokens", -3 }, { "llm.token_count.completion", 7 },
                                 { "gen_ai.provider.name", "  " }, { "gen_ai.system", "cohere" } })
                             .convert();
    EXPECT_EQ(r.inputTokens, 20);
    EXPECT_EQ(r.outputTokens, 7) << "a negative count is garbage";
    EXPECT_EQ(r.provider, "cohere");
}

TEST(GenAiDialects, NumbersAsIntsDoublesAndStrings)
{
    const SpanRecord r = SpanBuilder("chat")
                             .attrs({ { "gen_ai.usage.input_tokens", "1234" }, { "gen_ai.usage.output_tokens", 78.0 },
                                 { "gen_ai.usage.cache_read.input_tokens", " 56 " },
                                 { "gen_ai.usage.reasoning.output_tokens", "3.0" }, { "gen_ai.usage.cost", "0.0042" } })
                             .convert();
    EXPECT_EQ(r.inputTokens, 1234);
    EXPECT_EQ(r.outputTokens, 78);
    EXPECT_EQ(r.cacheReadTokens, 56);
    EXPECT_EQ(r.reasoningTokens, 3);
    EXPECT_EQ(r.costNanoUsd, 4'200'000);
    EXPECT_TRUE(r.flags & kFlagClientCost);

    const SpanRecord tiny = SpanBuilder("embed").attrs({ { "gen_ai.usage.cost", 1.5e-7 } }).convert();
    EXPECT_EQ(tiny.costNanoUsd, 150) << "nano-USD keeps a cheap call's cost from rounding to zero";
}

TEST(GenAiDialects, ProviderFromTheModelNamePrefix)
{
    EXPECT_EQ(SpanBuilder("chat").attrs({ { "gen_ai.request.model", "openai/gpt-4o" } }).convert().provider, "openai");
    EXPECT_EQ(SpanBuilder("chat")
                  .attrs({ { "gen_ai.request.model", "openai/gpt-4o" }, { "gen_ai.provider.name", "azure.ai.openai" } })
                  .convert()
                  .provider,
        "azure.ai.openai")
        << "an explicit provider beats the prefix";
    EXPECT_EQ(SpanBuilder("chat").attrs({ { "gen_ai.request.model", "gpt-4o" } }).convert().provider, "");
}

TEST(GenAiDialects, ErrorTypeFromTheExceptionEventOnlyWhenTheSpanFailed)
{
    const auto withException = [](bool failed) {
        SpanBuilder span("chat gpt-4o");
        span.attrs({ { "gen_ai.operation.name", "chat" } })
            .event(
                "exception", { { "exception.type", "openai.APITimeoutError" }, { "exception.message", "timed out" } });
        if (failed)
            span.error("timed out");
        return span.convert().errorType;
    };
    EXPECT_EQ(withException(true), "openai.APITimeoutError");
    EXPECT_EQ(withException(false), "") << "a handled exception is not the span's error";
    const SpanRecord both = SpanBuilder("chat")
                                .attrs({ { "error.type", "timeout" } })
                                .event("exception", { { "exception.type", "TimeoutError" } })
                                .error("x")
                                .convert();
    EXPECT_EQ(both.errorType, "timeout") << "error.type wins";
}

TEST(GenAiDialects, SessionAndUserFromTheResourceWhenTheSpanHasNone)
{
    const SpanRecord r = SpanBuilder("chat")
                             .resource({ { "user.id", "desktop-user" }, { "session.id", "res-session" } })
                             .attrs({ { "gen_ai.operation.name", "chat" }, { "session.id", "span-session" } })
                             .convert();
    EXPECT_EQ(r.session, "span-session");
    EXPECT_EQ(r.endUser, "desktop-user");
}

TEST(GenAiDialects, PlainSpansStayPlain)
{
    const SpanRecord r
        = SpanBuilder("GET /health")
              .attrs({ { "http.request.method", "GET" }, { "session.id", "s1" }, { "input.value", "x" } })
              .convert();
    EXPECT_EQ(r.flags & kNormaliserFlags, 0);
    EXPECT_EQ(r.convention, 0);
    EXPECT_EQ(r.operation, "");
    EXPECT_EQ(r.session, "s1") << "general keys are still read";
    EXPECT_EQ(r.promptFingerprint, "");
    EXPECT_EQ(r.promptSource, PromptSource::None);
}

TEST(GenAiDialects, TenantAttributesComeFromTheSettings)
{
    SpanBuilder span("chat");
    span.resource({ { "tenant.id", "default-key" }, { "org", "configured" } });
    EXPECT_EQ(span.convert().dims.tenant, "default-key");
    GenAiSettings settings;
    settings.tenantKeys = { "org" };
    EXPECT_EQ(span.convert(settings).dims.tenant, "configured");
    settings.tenantKeys = { "missing" };
    EXPECT_EQ(span.convert(settings).dims.tenant, "(none)");
}

TEST(GenAiDialects, WhetherInputIncludesCacheAndOutputIncludesReasoning)
{
    const auto flags = [](const char* provider, const char* readKey, const char* writeKey, int input) {
        return SpanBuilder("chat")
            .attrs({ { "gen_ai.provider.name", provider }, { "gen_ai.usage.input_tokens", input }, { readKey, 1000 },
                { writeKey, 200 }, { "gen_ai.usage.output_tokens", 50 } })
            .convert()
            .flags;
    };
    const char* anthropicRead = "gen_ai.usage.cache_read_input_tokens";
    const char* anthropicWrite = "gen_ai.usage.cache_creation_input_tokens";
    const char* otelRead = "gen_ai.usage.cache_read.input_tokens";
    const char* otelWrite = "gen_ai.usage.cache_creation.input_tokens";
    EXPECT_FALSE(flags("anthropic", anthropicRead, anthropicWrite, 3000) & kFlagInputIncludesCache)
        << "Anthropic's own names from Anthropic: its input_tokens exclude the cache";
    EXPECT_TRUE(flags("anthropic", otelRead, otelWrite, 3000) & kFlagInputIncludesCache)
        << "current OTel names promise inclusion, whoever the provider";
    EXPECT_TRUE(flags("openai", anthropicRead, anthropicWrite, 3000) & kFlagInputIncludesCache);
    EXPECT_FALSE(flags("openai", otelRead, otelWrite, 12) & kFlagInputIncludesCache)
        << "1200 cached tokens cannot be part of 12 input tokens";
    EXPECT_TRUE(flags("openai", otelRead, otelWrite, 1200) & kFlagInputIncludesCache);

    const auto reasoning = [](int output, int reasoningTokens) {
        return SpanBuilder("chat")
            .attrs({ { "gen_ai.usage.output_tokens", output },
                { "gen_ai.usage.reasoning.output_tokens", reasoningTokens } })
            .convert()
            .flags;
    };
    EXPECT_TRUE(reasoning(500, 400) & kFlagOutputIncludesReasoning);
    EXPECT_FALSE(reasoning(100, 400) & kFlagOutputIncludesReasoning) << "400 reasoning tokens do not fit in 100";
    EXPECT_FALSE(reasoning(100, 400) & kFlagInputIncludesCache) << "no input tokens: no input assumption";
}
