#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spanlight::gendb {

/// The attribute conventions a span can speak (genai/FACTS.md); each has its own writer.
enum class Dialect { OTel, OTelLegacy, OpenInference, OpenLLMetry };

/// How a span says which prompt it ran.
enum class PromptMode {
    Name, ///< the dialect's name attribute: gen_ai.prompt.name, traceloop.prompt.key, llm.prompt_template.*
    Content, ///< the dialect's content attributes (gen_ai.input.messages, gen_ai.prompt.0.content, ...)
    LogsOnly, ///< nothing on the span; gen_ai.system.message / gen_ai.user.message log records carry the text
    None, ///< default instrumentation: no content at all, so the fingerprint falls back
};

/// One provider as each dialect names it (the same company has four spellings in real traffic).
struct Provider
{
    std::string_view otelName; ///< gen_ai.provider.name
    std::string_view legacySystem; ///< gen_ai.system before semantic conventions 1.37
    std::string_view openInference; ///< llm.provider
    std::string_view traceloopSystem; ///< gen_ai.system as OpenLLMetry writes it
    std::string_view spanPrefix; ///< "openai" in OpenLLMetry's span name "openai.chat"
    std::string_view langchainChat; ///< OpenInference (LangChain) span name of a chat call
    std::string_view routerPrefix; ///< "openai/" as LiteLLM / OpenRouter spell model names
    std::string_view serverAddress;
    std::string_view exceptionPrefix; ///< SDK namespace of exception.type
};

enum class ModelKind { Chat, Reasoning, Embedding };

/// One model with the numbers that shape its latency and usage.
struct GenModel
{
    std::string_view requestModel;
    std::string_view responseModel; ///< sometimes date-pinned, sometimes the same name
    int provider; ///< index into providers()
    ModelKind kind;
    double ttftMs; ///< median time to first token (embeddings: whole call)
    double tokensPerSecond; ///< median decoding speed
    bool cacheRead;
    bool cacheWrite; ///< reports cache creation tokens (Anthropic)
};

/// One way a service's instrumentation is set up; a service has one or two (a migration in progress).
struct Flavour
{
    Dialect dialect;
    PromptMode prompt;
    double share;
};

/// One application that runs in several tenants.
struct GenService
{
    std::string_view name; ///< service.name
    std::string_view agentName; ///< the agent or workflow at the root of its traces
    std::string_view domain; ///< what its system prompts talk about
    std::string_view tools[3];
    std::string_view dataSource; ///< the store its retrieval spans query; empty: no retrieval
    Flavour flavours[2]; ///< the second has share 0 when the service speaks one dialect
    double inputTokensMedian;
    double outputTokensMedian;
    int minChats;
    int maxChats;
    double toolShare; ///< share of chat calls (but the last) followed by a tool call
    double retrievalShare; ///< share of traces that start with retrieval (with an embeddings child)
    double routerShare; ///< share of traces whose model names carry a provider prefix and no provider key
    bool workflowRoot; ///< invoke_workflow / CHAIN / traceloop workflow rather than an agent
    bool rootIsServer;
};

/// One prompt template; the texts contain no digits, so fingerprints separate templates, not fills.
struct GenPrompt
{
    std::string name;
    int service = 0;
    std::string systemText;
    std::string userTemplate; ///< "{n}" and "{email}" are filled per call
    double errorFactor = 1.0; ///< how much more often than average calls with this prompt fail
    bool fragile = false; ///< fails far more often, mostly with context_length_exceeded
    int version = 1;
};

std::span<const Provider> providers();
std::span<const GenModel> allModels(); ///< 12; --models N uses the first N
std::span<const GenService> allServices(); ///< 8; --services N uses the first N (the first 4 cover every dialect)
std::string environmentName(int index); ///< production, staging, development, canary, env-5, ...
std::string tenantName(int index); ///< the load generator's names, then tenant-17, ...

/// The resource attribute that names the tenant: every key of the default list appears in a run.
std::string_view tenantKey(int tenant, Dialect dialect);

/// @p count prompt templates, prompt k belonging to service k % services; k is also its popularity rank.
std::vector<GenPrompt> makePrompts(int count, int services, std::uint64_t seed);

/// The longest prompt list makePrompts() can make distinct.
constexpr int kMaxPrompts = 40000;

} // namespace spanlight::gendb
