#include "genaimapping.h"
#include "records.h"

#include <gtest/gtest.h>
#include <set>
#include <string>
#include <vector>

using namespace spanlight;

namespace {

std::vector<std::string_view> keysOf(GenAiField field)
{
    std::vector<std::string_view> keys;
    for (const GenAiKey& row : genAiKeys())
        if (row.field == field)
            keys.push_back(row.key);
    return keys;
}

} // namespace

TEST(GenAiMapping, EveryFieldHasKeysAndNoKeyRepeatsWithinAField)
{
    for (int f = 0; f < static_cast<int>(GenAiField::Count); ++f) {
        const auto keys = keysOf(static_cast<GenAiField>(f));
        EXPECT_FALSE(keys.empty()) << "field " << f;
        EXPECT_EQ(std::set<std::string_view>(keys.begin(), keys.end()).size(), keys.size()) << "field " << f;
    }
    for (const GenAiKey& row : genAiKeys()) {
        const int c = row.convention;
        EXPECT_TRUE(c == 0 || (c & (c - 1)) == 0) << row.key << ": one convention per key";
    }
}

TEST(GenAiMapping, ReadOrderFollowsTheFacts)
{
    using V = std::vector<std::string_view>;
    EXPECT_EQ(
        keysOf(GenAiField::Provider), (V { "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system" }));
    EXPECT_EQ(keysOf(GenAiField::ResponseModel),
        (V { "gen_ai.response.model", "gen_ai.request.model", "llm.response.model_name", "llm.model_name",
            "embedding.model_name" }))
        << "FACTS.md's order, then OpenInference's embedding spans";
    EXPECT_EQ(keysOf(GenAiField::InputTokens),
        (V { "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt" }));
    EXPECT_EQ(keysOf(GenAiField::ReasoningTokens),
        (V { "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens", "llm.usage.reasoning_tokens",
            "llm.token_count.completion_details.reasoning" }));
    EXPECT_EQ(keysOf(GenAiField::EndUser), (V { "user.id", "enduser.id", "gen_ai.user", "llm.user" }));
}

TEST(GenAiMapping, ClassifiesKeys)
{
    const GenAiKeyClass requestModel = classifyGenAiKey("gen_ai.request.model");
    ASSERT_EQ(requestModel.uses.size(), 2u) << "read as request model and as the pricing model";
    EXPECT_EQ(requestModel.uses[0].field, GenAiField::ResponseModel);
    EXPECT_EQ(requestModel.uses[0].rank, 1);
    EXPECT_EQ(requestModel.uses[1].field, GenAiField::RequestModel);
    EXPECT_EQ(requestModel.uses[1].rank, 0);
    EXPECT_EQ(requestModel.convention, kConventionOTel);
    EXPECT_TRUE(requestModel.genAi);

    const GenAiKeyClass flattened = classifyGenAiKey("gen_ai.prompt.3.content");
    EXPECT_TRUE(flattened.uses.empty());
    EXPECT_EQ(flattened.convention, kConventionOpenLLMetry);
    EXPECT_EQ(classifyGenAiKey("gen_ai.prompt.name").uses[0].field, GenAiField::PromptName);
    EXPECT_EQ(classifyGenAiKey("llm.input_messages.0.message.role").convention, kConventionOpenInference);

    const GenAiKeyClass finish = classifyGenAiKey("gen_ai.response.finish_reasons");
    EXPECT_TRUE(finish.genAi);
    EXPECT_EQ(finish.convention, 0) << "shared by every gen_ai.* version";

    const GenAiKeyClass session = classifyGenAiKey("session.id");
    EXPECT_EQ(session.uses.size(), 1u);
    EXPECT_FALSE(session.genAi) << "general keys do not make a span a GenAI span";
    EXPECT_FALSE(classifyGenAiKey("http.request.method").genAi);
    EXPECT_TRUE(classifyGenAiKey("gen_ai.usage.cache_read_input_tokens").uses[0].anthropicUsageName);
    EXPECT_FALSE(classifyGenAiKey("gen_ai.usage.cache_read.input_tokens").uses[0].anthropicUsageName);
}

TEST(GenAiMapping, OperationValues)
{
    const char* kind = "openinference.span.kind";
    EXPECT_EQ(mapOperation(kind, "LLM"), "chat");
    EXPECT_EQ(mapOperation(kind, "EMBEDDING"), "embeddings");
    EXPECT_EQ(mapOperation(kind, "AGENT"), "invoke_agent");
    EXPECT_EQ(mapOperation(kind, "CHAIN"), "invoke_workflow");
    EXPECT_EQ(mapOperation(kind, "TOOL"), "execute_tool");
    EXPECT_EQ(mapOperation(kind, "RETRIEVER"), "retrieval");
    EXPECT_EQ(mapOperation(kind, "llm"), "chat") << "case-insensitive";
    EXPECT_EQ(mapOperation(kind, "SOMETHING_NEW"), "something_new");
    EXPECT_EQ(mapOperation("llm.request.type", "completion"), "text_completion");
    EXPECT_EQ(mapOperation("llm.request.type", "embedding"), "embeddings");
    EXPECT_EQ(mapOperation("gen_ai.operation.name", "create_agent"), "create_agent");

    for (const char* op : { "chat", "text_completion", "generate_content", "embeddings" })
        EXPECT_TRUE(isInferenceOperation(op)) << op;
    for (const char* op : { "execute_tool", "invoke_agent", "invoke_workflow", "retrieval", "create_agent", "" })
        EXPECT_FALSE(isInferenceOperation(op)) << op;
}
