#pragma once

#include "attributeguard.h"
#include "records.h"

#include <string>
#include <string_view>

namespace spanlight {

/// The two parts of a prompt that identify it: system instructions and the
/// first user message (genai/FACTS.md "Prompt fingerprint").
struct PromptContent
{
    std::string system;
    std::string user;
    bool empty() const { return system.empty() && user.empty(); }
};

/// Prompt content a span carries, whichever dialect wrote it: OTel >= 1.37
/// gen_ai.system_instructions + gen_ai.input.messages (JSON text), OpenInference
/// llm.input_messages.N.message.*, OpenLLMetry gen_ai.prompt.N.*, then
/// OpenInference input.value. An earlier source wins per part.
PromptContent spanPromptContent(const AttributeGuard::KeyValues& attributes);

/// Fills LogRow::promptSystem / promptUser from a GenAI content event:
/// gen_ai.system.message and gen_ai.user.message (body text, or a body map with
/// "content"), gen_ai.client.inference.operation.details (its
/// gen_ai.system_instructions / gen_ai.input.messages attributes, as JSON text
/// or as structured values). Other records are left alone.
void readLogPromptContent(
    const opentelemetry::proto::common::v1::AnyValue& body, const AttributeGuard::KeyValues& attributes, LogRow& row);

} // namespace spanlight
