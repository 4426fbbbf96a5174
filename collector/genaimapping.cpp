#include "genaimapping.h"

#include "records.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>
#include <vector>

namespace spanlight {

namespace {

using F = GenAiField;
constexpr int kOTel = kConventionOTel;
constexpr int kLegacy = kConventionOTelLegacy;
constexpr int kOpenInference = kConventionOpenInference;
constexpr int kOpenLLMetry = kConventionOpenLLMetry;
constexpr int kGeneral = 0;

// genai/FACTS.md "Read order per canonical field". Supporting another dialect
// is adding its rows here, in the place its keys rank within each field.
constexpr GenAiKey kKeys[] = {
    { F::Provider, "gen_ai.provider.name", kOTel },
    { F::Provider, "gen_ai.system", kLegacy },
    { F::Provider, "llm.provider", kOpenInference },
    { F::Provider, "llm.system", kOpenInference },

    { F::ResponseModel, "gen_ai.response.model", kOTel },
    { F::ResponseModel, "gen_ai.request.model", kOTel },
    { F::ResponseModel, "llm.response.model_name", kOpenInference },
    { F::ResponseModel, "llm.model_name", kOpenInference },
    { F::ResponseModel, "embedding.model_name", kOpenInference },

    { F::RequestModel, "gen_ai.request.model", kOTel },
    { F::RequestModel, "llm.request.model_name", kOpenInference },
    { F::RequestModel, "llm.model_name", kOpenInference },
    { F::RequestModel, "embedding.model_name", kOpenInference },

    { F::Operation, "gen_ai.operation.name", kOTel },
    { F::Operation, "openinference.span.kind", kOpenInference },
    { F::Operation, "llm.request.type", kOpenLLMetry },
    { F::Operation, "traceloop.span.kind", kOpenLLMetry },

    { F::InputTokens, "gen_ai.usage.input_tokens", kOTel },
    { F::InputTokens, "gen_ai.usage.prompt_tokens", kLegacy },
    { F::InputTokens, "llm.token_count.prompt", kOpenInference },

    { F::OutputTokens, "gen_ai.usage.output_tokens", kOTel },
    { F::OutputTokens, "gen_ai.usage.completion_tokens", kLegacy },
    { F::OutputTokens, "llm.token_count.completion", kOpenInference },

    { F::CacheReadTokens, "gen_ai.usage.cache_read.input_tokens", kOTel },
    // Anthropic's own usage field names, as OpenLLMetry copies them.
    { F::CacheReadTokens, "gen_ai.usage.cache_read_input_tokens", kOpenLLMetry, true },
    { F::CacheReadTokens, "llm.token_count.prompt_details.cache_read", kOpenInference },

    { F::CacheWriteTokens, "gen_ai.usage.cache_creation.input_tokens", kOTel },
    { F::CacheWriteTokens, "gen_ai.usage.cache_creation_input_tokens", kOpenLLMetry, true },
    { F::CacheWriteTokens, "llm.token_count.prompt_details.cache_write", kOpenInference },

    { F::ReasoningTokens, "gen_ai.usage.reasoning.output_tokens", kOTel },
    { F::ReasoningTokens, "gen_ai.usage.reasoning_tokens", kOpenLLMetry },
    { F::ReasoningTokens, "llm.usage.reasoning_tokens", kOpenLLMetry },
    { F::ReasoningTokens, "llm.token_count.completion_details.reasoning", kOpenInference },

    // Not in the conventions: an extension in the gen_ai namespace (LiteLLM,
    // OpenLIT), counted with the current names.
    { F::ClientCostUsd, "gen_ai.usage.cost", kOTel },
    { F::ClientCostUsd, "llm.cost.total", kOpenInference },

    { F::Session, "gen_ai.conversation.id", kOTel },
    { F::Session, "session.id", kGeneral },

    { F::EndUser, "user.id", kGeneral },
    { F::EndUser, "enduser.id", kGeneral },
    { F::EndUser, "gen_ai.user", kLegacy },
    { F::EndUser, "llm.user", kOpenLLMetry },

    { F::ErrorType, "error.type", kGeneral },

    { F::PromptName, "gen_ai.prompt.name", kOTel },
    { F::PromptVersion, "gen_ai.prompt.version", kOTel },
    { F::PromptTemplate, "llm.prompt_template.template", kOpenInference },
    { F::PromptTemplateVersion, "llm.prompt_template.version", kOpenInference },
    { F::PromptKey, "traceloop.prompt.key", kOpenLLMetry },
    { F::PromptKeyVersion, "traceloop.prompt.version", kOpenLLMetry },

    { F::SystemInstructions, "gen_ai.system_instructions", kOTel },
    { F::InputMessages, "gen_ai.input.messages", kOTel },
    // OpenInference puts it on every span kind (chains, tools): not a GenAI marker.
    { F::InputValue, "input.value", kGeneral },
};

struct KeyPrefix
{
    std::string_view prefix;
    int convention;
};

// Keys not read as a field that still say which dialect spoke; first match
// wins, so more specific prefixes come first.
constexpr KeyPrefix kPrefixes[] = {
    { "gen_ai.prompt.", kOpenLLMetry }, // gen_ai.prompt.0.content (exact rows above win)
    { "gen_ai.completion.", kOpenLLMetry }, { "traceloop.", kOpenLLMetry }, { "llm.usage.", kOpenLLMetry },
    { "llm.is_streaming", kOpenLLMetry }, { "llm.input_messages.", kOpenInference },
    { "llm.output_messages.", kOpenInference }, { "llm.token_count.", kOpenInference },
    { "llm.invocation_parameters", kOpenInference }, { "llm.prompt_template.", kOpenInference },
    { "llm.tools.", kOpenInference },
    { "gen_ai.", kGeneral }, // names shared by every gen_ai.* version (finish_reasons, response.id)
};

struct OperationValue
{
    std::string_view key;
    std::string_view value; ///< compared case-insensitively
    std::string_view operation;
};

constexpr OperationValue kOperationValues[] = {
    { "openinference.span.kind", "llm", "chat" },
    { "openinference.span.kind", "embedding", "embeddings" },
    { "openinference.span.kind", "agent", "invoke_agent" },
    { "openinference.span.kind", "chain", "invoke_workflow" },
    { "openinference.span.kind", "tool", "execute_tool" },
    { "openinference.span.kind", "retriever", "retrieval" },
    { "openinference.span.kind", "reranker", "rerank" },
    { "openinference.span.kind", "guardrail", "guardrail" },
    { "openinference.span.kind", "evaluator", "evaluate" },
    { "llm.request.type", "chat", "chat" },
    { "llm.request.type", "completion", "text_completion" },
    { "llm.request.type", "embedding", "embeddings" },
    { "llm.request.type", "rerank", "rerank" },
    // Traceloop's own span kinds: its workflow and agent spans repeat their
    // children's usage, so they must not look like leaf inference calls.
    { "traceloop.span.kind", "workflow", "invoke_workflow" },
    { "traceloop.span.kind", "task", "invoke_workflow" },
    { "traceloop.span.kind", "agent", "invoke_agent" },
    { "traceloop.span.kind", "tool", "execute_tool" },
};

constexpr std::string_view kInferenceOperations[] = { "chat", "text_completion", "generate_content", "embeddings" };

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

/// Exact keys → their fields and ranks, built once from kKeys.
struct KeyIndex
{
    struct Entry
    {
        std::vector<GenAiKeyUse> uses;
        int convention = 0;
    };
    std::unordered_map<std::string_view, Entry> byKey;

    KeyIndex()
    {
        std::array<int, static_cast<size_t>(F::Count)> nextRank {};
        for (const GenAiKey& row : kKeys) {
            Entry& entry = byKey[row.key];
            entry.uses.push_back({ row.field, nextRank[static_cast<size_t>(row.field)]++, row.anthropicUsageName });
            entry.convention |= row.convention;
        }
    }
};

const KeyIndex& keyIndex()
{
    static const KeyIndex index;
    return index;
}

} // namespace

std::span<const GenAiKey> genAiKeys()
{
    return kKeys;
}

GenAiKeyClass classifyGenAiKey(std::string_view key)
{
    GenAiKeyClass result;
    const auto& byKey = keyIndex().byKey;
    if (const auto it = byKey.find(key); it != byKey.end()) {
        result.uses = it->second.uses;
        result.convention = it->second.convention;
        result.genAi = result.convention != kGeneral;
        return result;
    }
    for (const KeyPrefix& p : kPrefixes)
        if (key.starts_with(p.prefix)) {
            result.convention = p.convention;
            result.genAi = true;
            return result;
        }
    return result;
}

std::string mapOperation(std::string_view key, std::string_view value)
{
    for (const OperationValue& v : kOperationValues)
        if (v.key == key && equalsIgnoringCase(v.value, value))
            return std::string(v.operation);
    std::string lowered(value);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lowered;
}

bool isInferenceOperation(std::string_view operation)
{
    return std::find(std::begin(kInferenceOperations), std::end(kInferenceOperations), operation)
        != std::end(kInferenceOperations);
}

} // namespace spanlight
