// The LLM-call half of TrafficModel: chat spans, optional captured content and the GenAI event log
// records that refer to those spans.

#include "otlpattributes.h"
#include "trafficcatalog.h"
#include "trafficmodel.h"

#include <chrono>

namespace spanlight::loadgen {

using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
namespace logspb = opentelemetry::proto::logs::v1;
namespace tracepb = opentelemetry::proto::trace::v1;

namespace {

constexpr std::size_t kRecentCallLimit = 4096; // bounded even when nobody asks for logs

std::string jsonEscaped(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

std::string replaceAll(std::string text, std::string_view placeholder, const std::string& value)
{
    for (std::size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size()))
        text.replace(at, placeholder.size(), value);
    return text;
}

std::string answerText(int fill)
{
    return "Here is the result for request " + std::to_string(fill) + ".";
}

} // namespace

void TrafficModel::addChatSpan(const TraceContext& trace, const ChildPlan& plan, std::uint64_t startNs,
    std::uint64_t endNs, tracepb::ScopeSpans* scope)
{
    const ModelInfo& model = models()[plan.model];
    auto* span = scope->add_spans();
    span->set_trace_id(trace.traceId);
    span->set_span_id(randomId(8));
    span->set_parent_span_id(trace.rootSpanId);
    span->set_name("chat " + std::string(model.requestModel)); // "{operation} {request model}", per the conventions
    span->set_kind(tracepb::Span::SPAN_KIND_CLIENT);
    span->set_start_time_unix_nano(startNs);
    span->set_end_time_unix_nano(endNs);
    span->set_flags(otlp::kLocalSampledFlags);

    auto* attributes = span->mutable_attributes();
    otlp::addString(attributes, "gen_ai.operation.name", "chat");
    otlp::addString(attributes, "gen_ai.provider.name", model.provider);
    otlp::addString(attributes, "gen_ai.request.model", model.requestModel);
    otlp::addInt(attributes, "gen_ai.request.max_tokens", plan.maxTokens > 0 ? plan.maxTokens : 4096);
    otlp::addDouble(attributes, "gen_ai.request.temperature", uniformInt(0, 10) / 10.0);
    otlp::addString(attributes, "gen_ai.prompt.name", prompts()[plan.prompt].name);
    otlp::addString(attributes, "gen_ai.conversation.id", trace.conversation);
    otlp::addString(attributes, "user.id", trace.userId);
    otlp::addString(attributes, "server.address", model.serverAddress);
    otlp::addInt(attributes, "server.port", 443);

    if (plan.error < 0) {
        otlp::addString(attributes, "gen_ai.response.model", model.responseModel);
        otlp::addString(
            attributes, "gen_ai.response.id", randomToken(model.provider == "anthropic" ? "msg_" : "chatcmpl-", 24));
        otlp::addStringArray(attributes, "gen_ai.response.finish_reasons", { plan.finishReason });
        otlp::addInt(attributes, "gen_ai.usage.input_tokens", plan.inputTokens);
        otlp::addInt(attributes, "gen_ai.usage.output_tokens", plan.outputTokens);
        if (plan.cacheReadTokens > 0)
            otlp::addInt(attributes, "gen_ai.usage.cache_read.input_tokens", plan.cacheReadTokens);
    } else {
        // A failed call has no response and no usage: nothing was billed.
        const ErrorInfo& error = errorKinds()[plan.error];
        otlp::addString(attributes, "error.type", error.errorType);
        span->mutable_status()->set_code(tracepb::Status::STATUS_CODE_ERROR);
        span->mutable_status()->set_message(std::string(error.message));
        auto* event = span->add_events();
        event->set_time_unix_nano(endNs);
        event->set_name("exception");
        otlp::addString(event->mutable_attributes(), "exception.type",
            std::string(model.exceptionPrefix) + "." + std::string(error.exceptionClass));
        otlp::addString(event->mutable_attributes(), "exception.message", error.message);
    }

    LlmCall call { trace.traceId, span->span_id(), startNs, endNs, trace.tenant, trace.service, trace.environment,
        plan.model, plan.prompt, uniformInt(1, 9999), trace.user, plan.error >= 0, plan.finishReason };
    if (uniform() < m_options.contentCaptureRate)
        addCapturedContent(attributes, plan, call);
    remember(call);
}

void TrafficModel::addCapturedContent(KeyValues* attributes, const ChildPlan& plan, const LlmCall& call)
{
    const std::string userText = promptText(call.prompt, call.fill, call.tenant, call.user);
    // The JSON shapes of the opt-in content attributes (OTel GenAI >= 1.37).
    const PromptInfo& prompt = prompts()[plan.prompt];
    otlp::addString(attributes, "gen_ai.system_instructions",
        R"([{"type":"text","content":")" + jsonEscaped(prompt.systemText) + R"("}])");
    otlp::addString(attributes, "gen_ai.input.messages",
        R"([{"role":"user","parts":[{"type":"text","content":")" + jsonEscaped(userText) + R"("}]}])");
    if (plan.error < 0) {
        otlp::addString(attributes, "gen_ai.output.messages",
            R"([{"role":"assistant","parts":[{"type":"text","content":")" + answerText(call.fill)
                + R"("}],"finish_reason":")" + std::string(plan.finishReason) + R"("}])");
    }
}

std::string TrafficModel::promptText(int prompt, int fill, int tenant, int user) const
{
    std::string text(prompts()[prompt].userTemplate);
    text = replaceAll(std::move(text), "{n}", std::to_string(fill));
    return replaceAll(
        std::move(text), "{email}", "user" + std::to_string(user) + "@" + m_tenants[tenant].name + ".example");
}

void TrafficModel::remember(const LlmCall& call)
{
    m_recentCalls.push_back(call);
    if (m_recentCalls.size() > kRecentCallLimit)
        m_recentCalls.pop_front();
}

ExportLogsServiceRequest TrafficModel::makeLogsRequest(int records)
{
    struct Slot
    {
        int tenant;
        int service;
        int environment;
        logspb::ScopeLogs* scope;
    };
    ExportLogsServiceRequest request;
    std::vector<Slot> slots;
    const auto observedNs = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    // Oldest calls first, each with its whole conversation turn, so every chat span gets its events once.
    int written = 0;
    while (written < records && !m_recentCalls.empty()) {
        const LlmCall call = m_recentCalls.front();
        m_recentCalls.pop_front();
        logspb::ScopeLogs* scope = nullptr;
        for (const Slot& slot : slots) {
            if (slot.tenant == call.tenant && slot.service == call.service && slot.environment == call.environment)
                scope = slot.scope;
        }
        if (!scope) {
            auto* resourceLogs = request.add_resource_logs();
            fillResource(
                resourceLogs->mutable_resource()->mutable_attributes(), call.tenant, call.service, call.environment);
            scope = resourceLogs->add_scope_logs();
            scope->mutable_scope()->set_name("opentelemetry.instrumentation.genai");
            scope->mutable_scope()->set_version("0.3b0");
            slots.push_back({ call.tenant, call.service, call.environment, scope });
        }
        const PromptInfo& prompt = prompts()[call.prompt];
        auto addRecord = [&](std::string_view eventName, std::uint64_t timeNs) {
            auto* record = scope->add_log_records();
            record->set_time_unix_nano(timeNs);
            record->set_observed_time_unix_nano(observedNs);
            record->set_severity_number(logspb::SEVERITY_NUMBER_INFO);
            record->set_trace_id(call.traceId);
            record->set_span_id(call.spanId);
            record->set_flags(1);
            record->set_event_name(std::string(eventName));
            otlp::addString(record->mutable_attributes(), "gen_ai.provider.name", models()[call.model].provider);
            ++written;
            return record->mutable_body()->mutable_kvlist_value()->mutable_values();
        };
        otlp::addString(addRecord("gen_ai.system.message", call.startNs), "content", prompt.systemText);
        if (written < records)
            otlp::addString(addRecord("gen_ai.user.message", call.startNs), "content",
                promptText(call.prompt, call.fill, call.tenant, call.user));
        if (written < records && !call.failed) {
            auto* body = addRecord("gen_ai.choice", call.endNs);
            otlp::addInt(body, "index", 0);
            otlp::addString(body, "finish_reason", call.finishReason);
            auto* message = otlp::addKey(body, "message")->mutable_kvlist_value()->mutable_values();
            otlp::addString(message, "role", "assistant");
            otlp::addString(message, "content", answerText(call.fill));
        }
    }
    return request;
}

} // namespace spanlight::loadgen
