#pragma once

#include <span>
#include <string_view>

namespace spanlight::loadgen {

/// One LLM the synthetic traffic calls, with the numbers that shape its latency.
struct ModelInfo
{
    std::string_view requestModel; ///< what the application asks for (gen_ai.request.model)
    std::string_view responseModel; ///< what the provider answers with, date-pinned (gen_ai.response.model)
    std::string_view provider; ///< gen_ai.provider.name
    std::string_view serverAddress; ///< server.address
    std::string_view exceptionPrefix; ///< SDK namespace for exception.type, e.g. "openai"
    double timeToFirstTokenMs; ///< median time before the first output token
    double outputTokensPerSecond; ///< median decoding speed
    double weight; ///< relative popularity across the fleet
    bool supportsCacheRead; ///< whether prompt caching is reported
};

/// One application that runs in several tenants: an agent plus the prompts it uses.
struct ServiceInfo
{
    std::string_view name; ///< service.name
    std::string_view agentName; ///< gen_ai.agent.name of its root span
    std::string_view tools[3]; ///< gen_ai.tool.name values it may call
    double inputTokensMedian; ///< RAG services send far larger prompts
    double outputTokensMedian;
    int maxLlmCalls; ///< upper bound on chat children per agent invocation
    bool rootIsServer; ///< the agent runs inside a request handler (SERVER) rather than a job (INTERNAL)
};

/// A named prompt template; the text feeds log bodies and optional captured content.
struct PromptInfo
{
    std::string_view name; ///< gen_ai.prompt.name
    int service; ///< index into services()
    std::string_view systemText; ///< system instructions
    std::string_view userTemplate; ///< user message; "{n}" and "{email}" are filled with varying values
};

/// One kind of failure an LLM call can end in.
struct ErrorInfo
{
    std::string_view errorType; ///< error.type (low cardinality)
    std::string_view exceptionClass; ///< suffix of exception.type after the SDK prefix
    std::string_view message; ///< status message and exception.message
    int httpStatus; ///< what the provider answered, for the http.response.status_code attribute
    double weight; ///< relative frequency among errors
    bool fast; ///< rejected before any tokens were produced (rate limits, validation)
    bool timeout; ///< ran until the client gave up
};

/// The fixed vocabulary of the synthetic fleet. Indices are stable, so a seed reproduces a run.
std::span<const std::string_view> tenantNames();
std::span<const std::string_view> environments();
std::span<const ModelInfo> models();
std::span<const ServiceInfo> services();
std::span<const PromptInfo> prompts();
std::span<const ErrorInfo> errorKinds();

/// The prompts of one service, which are contiguous in prompts().
struct PromptRange
{
    int first = 0;
    int count = 0;
};
PromptRange promptsOf(int service);

} // namespace spanlight::loadgen
