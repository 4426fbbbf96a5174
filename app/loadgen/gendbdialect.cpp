#include "gendbdialect.h"

#include "gendbwriters.h"
#include "otlpattributes.h"

namespace spanlight::gendb {

namespace tracepb = opentelemetry::proto::trace::v1;
namespace logspb = opentelemetry::proto::logs::v1;

namespace {

constexpr std::string_view kFirstNames[]
    = { "maria", "john", "aiko", "lukas", "fatima", "diego", "chloe", "omar", "ingrid", "raj", "sofia", "kwame" };
constexpr std::string_view kLastNames[]
    = { "garcia", "smith", "tanaka", "muller", "khan", "silva", "martin", "haddad", "berg", "patel" };

std::string replaced(std::string text, std::string_view placeholder, const std::string& value)
{
    for (std::size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size()))
        text.replace(at, placeholder.size(), value);
    return text;
}

std::uint64_t idWord(const std::string& id)
{
    std::uint64_t word = 0;
    for (std::size_t i = 0; i < id.size() && i < 8; ++i)
        word |= static_cast<std::uint64_t>(static_cast<unsigned char>(id[i])) << (8 * i);
    return word;
}

} // namespace

std::string userText(const GenPrompt& prompt, int fill, int user, const std::string& tenant)
{
    // Different people and numbers per call: the fingerprint must see through them.
    std::string email = std::string(kFirstNames[user % 12]) + "." + std::string(kLastNames[(user / 12) % 10]);
    if (user >= 120)
        email += std::to_string(user / 120);
    email += "@" + tenant + ".example";
    return replaced(replaced(prompt.userTemplate, "{n}", std::to_string(fill)), "{email}", email);
}

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

std::string answerText(const SpanView& view)
{
    return "Here is the result for request " + std::to_string(view.span.fill) + ". Let me know if you need more.";
}

std::string SpanView::requestModel() const
{
    if (!model)
        return {};
    return routed() ? std::string(provider->routerPrefix) + std::string(model->requestModel)
                    : std::string(model->requestModel);
}

std::string SpanView::responseModel() const
{
    return model ? std::string(model->responseModel) : std::string();
}

std::string SpanView::userText() const
{
    return prompt ? gendb::userText(*prompt, span.fill, trace.user, names.tenant) : std::string();
}

std::string SpanView::token(std::string_view prefix, int length) const
{
    static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string out(prefix);
    std::uint64_t word = idWord(span.spanId) ^ (idWord(trace.traceId) * 0x9E3779B97F4A7C15ULL);
    for (int i = 0; i < length; ++i) {
        word = word * 6364136223846793005ULL + 1442695040888963407ULL; // an LCG: cheap and reproducible
        out += kAlphabet[(word >> 33) % kAlphabet.size()];
    }
    return out;
}

void writeResource(const ResourceKey& key, const WriteNames& names, KeyValues* attributes)
{
    const GenService& service = allServices()[static_cast<std::size_t>(key.service)];
    otlp::addString(attributes, "service.name", service.name);
    otlp::addString(attributes, "service.version", "2." + std::to_string(key.service + 1) + ".0");
    otlp::addString(attributes, std::string(tenantKey(key.tenant, key.dialect)), names.tenant);
    const bool oldSdk = key.dialect == Dialect::OTelLegacy || key.dialect == Dialect::OpenLLMetry;
    otlp::addString(attributes, oldSdk ? "deployment.environment" : "deployment.environment.name", names.environment);
    otlp::addString(attributes, "telemetry.sdk.name", "opentelemetry");
    otlp::addString(attributes, "telemetry.sdk.language", "python");
    otlp::addString(attributes, "telemetry.sdk.version", oldSdk ? "1.27.0" : "1.38.0");
}

void writeScope(Dialect dialect, bool llmClient, opentelemetry::proto::common::v1::InstrumentationScope* scope)
{
    switch (dialect) {
    case Dialect::OTel:
        scope->set_name(llmClient ? "opentelemetry.instrumentation.openai_v2" : "opentelemetry.instrumentation.agents");
        scope->set_version(llmClient ? "2.2b0" : "0.4.0");
        break;
    case Dialect::OTelLegacy:
        scope->set_name(llmClient ? "opentelemetry.instrumentation.openai_v2" : "app.pipeline");
        scope->set_version(llmClient ? "2.0b0" : "1.0.0");
        break;
    case Dialect::OpenInference:
        scope->set_name("openinference.instrumentation.langchain");
        scope->set_version("0.1.43");
        break;
    case Dialect::OpenLLMetry:
        scope->set_name(llmClient ? "opentelemetry.instrumentation.openai.v1" : "traceloop.tracer");
        scope->set_version("0.38.7");
        break;
    }
}

bool isLlmClientSpan(const PlannedTrace& trace, int index)
{
    const SpanRole role = trace.spans[static_cast<std::size_t>(index)].role;
    return role == SpanRole::Chat || role == SpanRole::Embeddings;
}

void writeSpan(const PlannedTrace& trace, int index, const WriteNames& names, tracepb::Span* out)
{
    const PlannedSpan& span = trace.spans[static_cast<std::size_t>(index)];
    const bool hasModel = span.model >= 0 && span.role != SpanRole::Tool && span.role != SpanRole::Retrieval;
    const GenModel* model = hasModel ? &allModels()[static_cast<std::size_t>(span.model)] : nullptr;
    const SpanView view { trace, span, names, allServices()[static_cast<std::size_t>(trace.service)], model,
        model ? &providers()[static_cast<std::size_t>(model->provider)] : nullptr,
        span.prompt >= 0 && span.role != SpanRole::Embeddings ? &names.prompts[static_cast<std::size_t>(span.prompt)]
                                                              : nullptr,
        span.error >= 0 ? &loadgen::errorKinds()[static_cast<std::size_t>(span.error)] : nullptr };

    out->set_trace_id(trace.traceId);
    out->set_span_id(span.spanId);
    if (span.parent >= 0)
        out->set_parent_span_id(trace.spans[static_cast<std::size_t>(span.parent)].spanId);
    out->set_start_time_unix_nano(span.startNs);
    out->set_end_time_unix_nano(span.endNs);
    out->set_flags(otlp::kLocalSampledFlags);
    switch (span.role) {
    case SpanRole::Root:
        out->set_kind(view.service.rootIsServer ? tracepb::Span::SPAN_KIND_SERVER : tracepb::Span::SPAN_KIND_INTERNAL);
        break;
    case SpanRole::Chat:
    case SpanRole::Embeddings:
        out->set_kind(tracepb::Span::SPAN_KIND_CLIENT);
        break;
    case SpanRole::Tool:
    case SpanRole::Retrieval:
        out->set_kind(tracepb::Span::SPAN_KIND_INTERNAL);
        break;
    }
    if (view.error) {
        out->mutable_status()->set_code(tracepb::Status::STATUS_CODE_ERROR);
        out->mutable_status()->set_message(std::string(view.error->message));
        auto* event = out->add_events();
        event->set_time_unix_nano(span.endNs);
        event->set_name("exception");
        const std::string_view prefix = view.provider ? view.provider->exceptionPrefix : "openai";
        otlp::addString(event->mutable_attributes(), "exception.type",
            std::string(prefix) + "." + std::string(view.error->exceptionClass));
        otlp::addString(event->mutable_attributes(), "exception.message", view.error->message);
    }
    switch (trace.dialect) {
    case Dialect::OTel:
        writeOTelSpan(view, false, out);
        break;
    case Dialect::OTelLegacy:
        writeOTelSpan(view, true, out);
        break;
    case Dialect::OpenInference:
        writeOpenInferenceSpan(view, out);
        break;
    case Dialect::OpenLLMetry:
        writeOpenLLMetrySpan(view, out);
        break;
    }
}

ContentLog contentLogFor(const PlannedTrace& trace, int index)
{
    const PlannedSpan& span = trace.spans[static_cast<std::size_t>(index)];
    return { { trace.tenant, trace.service, trace.environment, trace.dialect }, trace.traceId, span.spanId,
        span.startNs, span.model, span.prompt, span.fill, trace.user };
}

int writeContentLogs(const ContentLog& log, const WriteNames& names, logspb::ScopeLogs* scope)
{
    const GenPrompt& prompt = names.prompts[static_cast<std::size_t>(log.prompt)];
    const GenModel& model = allModels()[static_cast<std::size_t>(log.model)];
    const std::string_view system = providers()[static_cast<std::size_t>(model.provider)].legacySystem;
    auto add = [&](std::string_view eventName, const std::string& content) {
        auto* record = scope->add_log_records();
        record->set_time_unix_nano(log.timeNs);
        record->set_observed_time_unix_nano(log.timeNs);
        record->set_severity_number(logspb::SEVERITY_NUMBER_INFO);
        record->set_trace_id(log.traceId);
        record->set_span_id(log.spanId);
        record->set_flags(1);
        record->set_event_name(std::string(eventName));
        otlp::addString(record->mutable_attributes(), "gen_ai.system", system);
        otlp::addString(record->mutable_body()->mutable_kvlist_value()->mutable_values(), "content", content);
    };
    add("gen_ai.system.message", prompt.systemText);
    add("gen_ai.user.message", userText(prompt, log.fill, log.user, names.tenant));
    return 2;
}

} // namespace spanlight::gendb
