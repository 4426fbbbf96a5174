// Prompt identity on spans (name › template › Traceloop key › content ›
// fallback) and prompt content in log records, through the real converters.
#include "genaispanbuilder.h"
#include "promptfingerprint.h"

#include <gtest/gtest.h>

using namespace spanlight;
using spanlight::test::SpanBuilder;
namespace otlp = opentelemetry::proto;

namespace {

GenAiSettings capturing(bool captureContent)
{
    GenAiSettings settings;
    settings.captureContent = captureContent;
    return settings;
}

SpanBuilder otelChatWithContent(const std::string& userText)
{
    SpanBuilder span("chat gpt-4o");
    span.attrs({ { "gen_ai.operation.name", "chat" }, { "gen_ai.provider.name", "openai" },
        { "gen_ai.request.model", "gpt-4o" },
        { "gen_ai.system_instructions", R"([{"type":"text","content":"You are a billing assistant."}])" },
        { "gen_ai.input.messages",
            R"([{"role":"user","parts":[{"type":"text","content":")" + userText + R"("}]},)"
                + R"({"role":"assistant","parts":[{"type":"text","content":"ok"}]},)"
                + R"({"role":"user","parts":[{"type":"text","content":"second message"}]}])" } });
    return span;
}

} // namespace

TEST(PromptIdentity, ContentFromOTelJsonAttributes)
{
    const SpanRecord r = otelChatWithContent("Refund order 1042 for ann@example.com").convert();
    EXPECT_EQ(r.promptSource, PromptSource::Content);
    EXPECT_EQ(
        r.promptFingerprint, promptFingerprint("You are a billing assistant.", "Refund order 1042 for ann@example.com"))
        << "system instructions + the first user message, not the second";
    EXPECT_EQ(r.promptLabel, "You are a billing assistant. | Refund order <num> for <email>");
    EXPECT_EQ(r.promptExample, "") << "content capture is off by default";
}

TEST(PromptIdentity, SameTemplateDifferentValuesIsOnePrompt)
{
    const SpanRecord a = otelChatWithContent("Refund order 1042 for ann@example.com").convert();
    const SpanRecord b = otelChatWithContent("Refund order 77 for bob@example.org").convert();
    const SpanRecord c = otelChatWithContent("Cancel order 77 for bob@example.org").convert();
    EXPECT_EQ(a.promptFingerprint, b.promptFingerprint);
    EXPECT_NE(a.promptFingerprint, c.promptFingerprint);
}

TEST(PromptIdentity, CaptureChangesTheExampleNotTheFingerprint)
{
    const SpanBuilder span = otelChatWithContent("Refund order 1042");
    const SpanRecord off = span.convert(capturing(false));
    const SpanRecord on = span.convert(capturing(true));
    EXPECT_EQ(off.promptFingerprint, on.promptFingerprint);
    EXPECT_EQ(off.promptExample, "");
    EXPECT_EQ(on.promptExample, "You are a billing assistant.\n\nRefund order 1042");

    const SpanRecord huge = otelChatWithContent(std::string(10000, 'x')).convert(capturing(true));
    EXPECT_EQ(huge.promptExample.size(), 4096u) << "one example is bounded";
}

TEST(PromptIdentity, ContentFromOlderMessageShapes)
{
    const SpanRecord r
        = SpanBuilder("chat")
              .attrs({ { "gen_ai.operation.name", "chat" },
                  { "gen_ai.input.messages",
                      R"([{"role":"system","content":"Be terse."},{"role":"user","content":"Hi 3"}])" } })
              .convert();
    EXPECT_EQ(r.promptSource, PromptSource::Content);
    EXPECT_EQ(r.promptFingerprint, promptFingerprint("Be terse.", "Hi 3"));
}

TEST(PromptIdentity, ContentFromOpenInferenceAndOpenLLMetry)
{
    const SpanRecord oi
        = SpanBuilder("ChatCompletion")
              .attrs({ { "openinference.span.kind", "LLM" }, { "llm.input_messages.1.message.role", "user" },
                  { "llm.input_messages.1.message.content", "Hello 1" },
                  { "llm.input_messages.0.message.role", "system" },
                  { "llm.input_messages.0.message.content", "Sys" } })
              .convert();
    EXPECT_EQ(oi.promptFingerprint, promptFingerprint("Sys", "Hello 1"));
    const SpanRecord ll = SpanBuilder("openai.chat")
                              .attrs({ { "llm.request.type", "chat" }, { "gen_ai.prompt.0.role", "system" },
                                  { "gen_ai.prompt.0.content", "Sys" }, { "gen_ai.prompt.1.role", "user" },
                                  { "gen_ai.prompt.1.content", "Hello 2" } })
                              .convert();
    EXPECT_EQ(ll.promptFingerprint, oi.promptFingerprint) << "same prompt, other dialect, same fingerprint";
    const SpanRecord input = SpanBuilder("llm")
                                 .attrs({ { "openinference.span.kind", "LLM" }, { "input.value", "Plain question 9" } })
                                 .convert();
    EXPECT_EQ(input.promptSource, PromptSource::Content);
    EXPECT_EQ(input.promptFingerprint, promptFingerprint("", "Plain question 9"));
}

TEST(PromptIdentity, DeclaredNameBeatsTemplateBeatsKeyBeatsContent)
{
    SpanBuilder span = otelChatWithContent("Refund order 5");
    span.attrs({ { "traceloop.prompt.key", "refunds" }, { "traceloop.prompt.version", 7 } });
    const SpanRecord key = span.convert();
    EXPECT_EQ(key.promptSource, PromptSource::Template);
    EXPECT_EQ(key.promptLabel, "refunds@7");

    span.attrs({ { "llm.prompt_template.template", "Refund order {order_id} for {email}" },
        { "llm.prompt_template.version", "v2" } });
    const SpanRecord templated = span.convert(capturing(true));
    EXPECT_EQ(templated.promptSource, PromptSource::Template);
    EXPECT_EQ(templated.promptLabel, "Refund order {order_id} for {email}@v2");
    EXPECT_NE(templated.promptFingerprint, key.promptFingerprint);
    EXPECT_EQ(templated.promptExample, "You are a billing assistant.\n\nRefund order 5") << "content makes the example";

    span.attrs({ { "gen_ai.prompt.name", "refund-request" }, { "gen_ai.prompt.version", "3" } });
    const SpanRecord named = span.convert();
    EXPECT_EQ(named.promptSource, PromptSource::Name);
    EXPECT_EQ(named.promptLabel, "refund-request@3");
    EXPECT_EQ(named.promptFingerprint, identityFingerprint("name", "refund-request", "3"));
    EXPECT_NE(named.promptFingerprint, identityFingerprint("name", "refund-request", "4"));
}

TEST(PromptIdentity, FallbackForModelCallsWithoutContent)
{
    const auto chat = [](const char* model, const char* service) {
        return SpanBuilder(std::string("chat ") + model, service)
            .attrs({ { "gen_ai.operation.name", "chat" }, { "gen_ai.system", "openai" },
                { "gen_ai.request.model", model }, { "gen_ai.usage.input_tokens", 5 } })
            .convert(capturing(true));
    };
    const SpanRecord a = chat("gpt-4o-mini", "checkout");
    EXPECT_EQ(a.promptSource, PromptSource::Fallback);
    EXPECT_EQ(a.promptLabel, "checkout / chat gpt-4o-mini / gpt-4o-mini");
    EXPECT_EQ(a.promptFingerprint.size(), 16u);
    EXPECT_EQ(a.promptExample, "") << "nothing to show";
    EXPECT_EQ(chat("gpt-4o-mini", "checkout").promptFingerprint, a.promptFingerprint);
    EXPECT_NE(chat("gpt-4o", "checkout").promptFingerprint, a.promptFingerprint);
    EXPECT_NE(chat("gpt-4o-mini", "search").promptFingerprint, a.promptFingerprint);

    const SpanRecord noOperation = SpanBuilder("completion").attrs({ { "llm.model_name", "llama3" } }).convert();
    EXPECT_EQ(noOperation.promptSource, PromptSource::Fallback) << "a model and no operation: a model call";
}

TEST(PromptIdentity, ToolAgentRetrievalAndWorkflowSpansHaveNoPrompt)
{
    for (const char* kind : { "TOOL", "AGENT", "CHAIN", "RETRIEVER" }) {
        const SpanRecord r = SpanBuilder("step")
                                 .attrs({ { "openinference.span.kind", kind }, { "input.value", "look up order 5" },
                                     { "llm.model_name", "gpt-4o" } })
                                 .convert();
        EXPECT_TRUE(r.flags & kFlagGenAi) << kind;
        EXPECT_EQ(r.promptSource, PromptSource::None) << kind;
        EXPECT_EQ(r.promptFingerprint, "") << kind;
    }
    const SpanRecord tool
        = SpanBuilder("execute_tool get_weather")
              .attrs({ { "gen_ai.operation.name", "execute_tool" }, { "gen_ai.tool.name", "get_weather" } })
              .convert();
    EXPECT_EQ(tool.promptSource, PromptSource::None);
}

namespace {

using otlp::collector::logs::v1::ExportLogsServiceRequest;
using otlp::logs::v1::LogRecord;

LogRecord* addLog(ExportLogsServiceRequest& request)
{
    if (request.resource_logs_size() == 0)
        request.add_resource_logs()->add_scope_logs();
    auto* log = request.mutable_resource_logs(0)->mutable_scope_logs(0)->add_log_records();
    log->set_trace_id(std::string(16, '\x11'));
    log->set_span_id(std::string(8, '\x22'));
    log->set_time_unix_nano(1'700'000'000'000'000'000);
    return log;
}

/// The OpenAI JS instrumentation's message event: event.name as an attribute
/// and a {content: "..."} body (empty {} when content capture is off).
void addOpenAiMessageEvent(ExportLogsServiceRequest& request, const char* event, const char* content)
{
    LogRecord* log = addLog(request);
    log->set_severity_number(otlp::logs::v1::SEVERITY_NUMBER_INFO);
    test::addAttrs(log->mutable_attributes(), { { "event.name", event }, { "gen_ai.system", "openai" } });
    auto* body = log->mutable_body()->mutable_kvlist_value();
    if (content) {
        auto* kv = body->add_values();
        kv->set_key("content");
        kv->mutable_value()->set_string_value(content);
    }
}

std::vector<LogRow> convertedLogs(const ExportLogsServiceRequest& request)
{
    const ConvertResult result = convertLogs(request, {}, GenAiSettings());
    EXPECT_TRUE(result.fatal.empty()) << result.fatal;
    return result.batch ? result.batch->logs : std::vector<LogRow>();
}

} // namespace

TEST(PromptContentLogs, OpenAiJsMessageEvents)
{
    ExportLogsServiceRequest request;
    addOpenAiMessageEvent(request, "gen_ai.system.message", "You are a billing assistant.");
    addOpenAiMessageEvent(request, "gen_ai.user.message", "Refund order 1042");
    addOpenAiMessageEvent(request, "gen_ai.choice", nullptr);
    addOpenAiMessageEvent(request, "gen_ai.user.message", nullptr); // capture off: {}
    const std::vector<LogRow> logs = convertedLogs(request);
    ASSERT_EQ(logs.size(), 4u);
    EXPECT_EQ(logs[0].eventName, "gen_ai.system.message");
    EXPECT_EQ(logs[0].promptSystem, "You are a billing assistant.");
    EXPECT_EQ(logs[0].promptUser, "");
    EXPECT_EQ(logs[1].promptUser, "Refund order 1042");
    EXPECT_EQ(logs[1].promptSystem, "");
    EXPECT_EQ(logs[2].promptSystem + logs[2].promptUser, "");
    EXPECT_EQ(logs[3].promptSystem + logs[3].promptUser, "");
}

TEST(PromptContentLogs, EventNameFieldAndStringBody)
{
    ExportLogsServiceRequest request;
    LogRecord* log = addLog(request);
    log->set_event_name("gen_ai.user.message");
    log->mutable_body()->set_string_value("What is 2+2?");
    const std::vector<LogRow> logs = convertedLogs(request);
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0].promptUser, "What is 2+2?");
}

TEST(PromptContentLogs, InferenceOperationDetailsStructuredOrJsonText)
{
    ExportLogsServiceRequest request;
    // Structured values, as a log record may carry them.
    LogRecord* structured = addLog(request);
    structured->set_event_name("gen_ai.client.inference.operation.details");
    auto* instructions = structured->add_attributes();
    instructions->set_key("gen_ai.system_instructions");
    auto* part = instructions->mutable_value()->mutable_array_value()->add_values()->mutable_kvlist_value();
    test::addAttrs(part->mutable_values(), { { "type", "text" }, { "content", "Be kind." } });
    auto* messages = structured->add_attributes();
    messages->set_key("gen_ai.input.messages");
    auto* message = messages->mutable_value()->mutable_array_value()->add_values()->mutable_kvlist_value();
    test::addAttrs(message->mutable_values(), { { "role", "user" } });
    auto* parts = message->add_values();
    parts->set_key("parts");
    test::addAttrs(
        parts->mutable_value()->mutable_array_value()->add_values()->mutable_kvlist_value()->mutable_values(),
        { { "type", "text" }, { "content", "Hello 42" } });
    // The same as JSON text, with event.name as an attribute.
    LogRecord* json = addLog(request);
    test::addAttrs(json->mutable_attributes(),
        { { "event.name", "gen_ai.client.inference.operation.details" },
            { "gen_ai.system_instructions", R"([{"type":"text","content":"Be kind."}])" },
            { "gen_ai.input.messages", R"([{"role":"user","parts":[{"type":"text","content":"Hello 42"}]}])" } });

    const std::vector<LogRow> logs = convertedLogs(request);
    ASSERT_EQ(logs.size(), 2u);
    for (const LogRow& row : logs) {
        EXPECT_EQ(row.promptSystem, "Be kind.");
        EXPECT_EQ(row.promptUser, "Hello 42");
    }
}
