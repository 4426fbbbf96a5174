#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace spanlight {

/// The canonical GenAI facts a span can carry, whatever dialect named them.
enum class GenAiField : uint8_t {
    Provider,
    /// The model that answered, else the one asked for: what pricing matches
    /// (genai/FACTS.md "model (for pricing)").
    ResponseModel,
    RequestModel,
    Operation,
    InputTokens,
    OutputTokens,
    CacheReadTokens,
    CacheWriteTokens,
    ReasoningTokens,
    ClientCostUsd,
    Session,
    EndUser,
    ErrorType,
    PromptName,
    PromptVersion,
    PromptTemplate,
    PromptTemplateVersion,
    PromptKey,
    PromptKeyVersion,
    SystemInstructions,
    InputMessages,
    InputValue,
    Count
};

/// One attribute key of the read-order table and the convention it belongs to
/// (ConventionBits; 0 for general keys such as error.type that say nothing
/// about the dialect and do not make a span a GenAI span).
struct GenAiKey
{
    GenAiField field;
    std::string_view key;
    int convention;
    /// Anthropic's own usage field name, copied verbatim: from an anthropic
    /// provider, its cache counts are not part of the input tokens.
    bool anthropicUsageName = false;
};

/// Every key of every field, in read order within a field (first present wins).
std::span<const GenAiKey> genAiKeys();

/// One field an attribute key is read as.
struct GenAiKeyUse
{
    GenAiField field;
    int rank = 0; ///< position among the keys of the field: lower wins
    bool anthropicUsageName = false;
};

/// What an attribute key means to the normaliser.
struct GenAiKeyClass
{
    /// Fields the key is read as (gen_ai.request.model serves two); empty when
    /// the key only tells the convention.
    std::span<const GenAiKeyUse> uses;
    int convention = 0; ///< ConventionBits the key shows
    bool genAi = false; ///< the key only appears on GenAI spans
};

/// Classifies one attribute key: an exact row of the table, or a key prefix
/// that only says which convention spoke (gen_ai.prompt.0.content ...).
GenAiKeyClass classifyGenAiKey(std::string_view key);

/// The canonical operation (gen_ai.operation.name values) for a dialect's
/// operation value, e.g. openinference.span.kind "LLM" → "chat". Values of
/// gen_ai.operation.name come back unchanged; unknown values lower-cased.
std::string mapOperation(std::string_view key, std::string_view value);

/// Leaf model calls (chat, text_completion, generate_content, embeddings):
/// the operations that carry a prompt and whose usage is real spend.
bool isInferenceOperation(std::string_view operation);

} // namespace spanlight
