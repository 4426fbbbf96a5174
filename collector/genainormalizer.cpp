#include "genainormalizer.h"

#include "genaicontent.h"
#include "genaimapping.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"
#include "promptfingerprint.h"

#include <array>
#include <charconv>
#include <climits>
#include <cmath>

namespace spanlight {

namespace {

using opentelemetry::proto::common::v1::AnyValue;

constexpr size_t kLabelBytes = 80;
constexpr size_t kExampleBytes = 4096;
constexpr int kStatusError = 2; // opentelemetry.proto.trace.v1.Status.STATUS_CODE_ERROR

std::string_view trimmed(std::string_view s)
{
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string valueText(const AnyValue& v)
{
    switch (v.value_case()) {
    case AnyValue::kStringValue:
        return std::string(trimmed(v.string_value()));
    case AnyValue::kIntValue:
        return std::to_string(v.int_value());
    case AnyValue::kBoolValue:
        return v.bool_value() ? "true" : "false";
    default:
        return {};
    }
}

/// A number sent as int, double or numeric text ("1234", "0.0042").
std::optional<double> numberOf(const AnyValue& v)
{
    switch (v.value_case()) {
    case AnyValue::kIntValue:
        return static_cast<double>(v.int_value());
    case AnyValue::kDoubleValue:
        return std::isfinite(v.double_value()) ? std::optional(v.double_value()) : std::nullopt;
    case AnyValue::kStringValue: {
        const std::string_view text = trimmed(v.string_value());
        double value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(value))
            return std::nullopt;
        return value;
    }
    default:
        return std::nullopt;
    }
}

std::optional<int64_t> tokenCountOf(const AnyValue& v)
{
    if (v.value_case() == AnyValue::kIntValue)
        return v.int_value() >= 0 ? std::optional(v.int_value()) : std::nullopt;
    const std::optional<double> number = numberOf(v);
    if (!number || *number < 0 || *number > 1e15) // no call uses a quadrillion tokens: garbage
        return std::nullopt;
    return std::llround(*number);
}

/// USD → integer nano-USD; a cost above a billion dollars per call is garbage.
std::optional<int64_t> nanoUsdOf(const AnyValue& v)
{
    const std::optional<double> usd = numberOf(v);
    if (!usd || *usd < 0 || *usd > 1e9)
        return std::nullopt;
    return std::llround(*usd * 1e9);
}

bool isCount(GenAiField f)
{
    return f == GenAiField::InputTokens || f == GenAiField::OutputTokens || f == GenAiField::CacheReadTokens
        || f == GenAiField::CacheWriteTokens || f == GenAiField::ReasoningTokens;
}

bool usable(GenAiField field, const AnyValue& v)
{
    if (isCount(field))
        return tokenCountOf(v).has_value();
    if (field == GenAiField::ClientCostUsd)
        return nanoUsdOf(v).has_value();
    return !valueText(v).empty();
}

/// The best (lowest ranked, usable) attribute per field.
struct Found
{
    struct Slot
    {
        int rank = INT_MAX;
        const AnyValue* value = nullptr;
        std::string_view key;
        bool anthropicUsageName = false;
    };
    std::array<Slot, static_cast<size_t>(GenAiField::Count)> slots;
    int convention = 0;
    bool genAi = false;

    void scan(const AttributeGuard::KeyValues& attributes)
    {
        for (const auto& kv : attributes) {
            const GenAiKeyClass keyClass = classifyGenAiKey(kv.key());
            convention |= keyClass.convention;
            genAi = genAi || keyClass.genAi;
            for (const GenAiKeyUse& use : keyClass.uses) {
                Slot& slot = slots[static_cast<size_t>(use.field)];
                if (use.rank < slot.rank && usable(use.field, kv.value()))
                    slot = { use.rank, &kv.value(), kv.key(), use.anthropicUsageName };
            }
        }
    }

    const Slot& operator[](GenAiField f) const { return slots[static_cast<size_t>(f)]; }
    std::string text(GenAiField f) const { return (*this)[f].value ? valueText(*(*this)[f].value) : std::string(); }
    std::optional<int64_t> count(GenAiField f) const
    {
        return (*this)[f].value ? tokenCountOf(*(*this)[f].value) : std::nullopt;
    }
};

std::string lowered(std::string s)
{
    for (char& c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

/// "openai/gpt-4o" names its provider; a bare model name does not.
std::string providerPrefix(std::string_view model)
{
    const size_t slash = model.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == model.size())
        return {};
    return lowered(std::string(model.substr(0, slash)));
}

std::string exceptionType(const GenAiNormalizer::Events& events)
{
    for (const auto& event : events)
        if (event.name() == "exception")
            if (std::string type = attributeText(event.attributes(), "exception.type"); !type.empty())
                return type;
    return {};
}

/// Usage assumptions (genai/FACTS.md): every dialect we read defines input
/// tokens as containing cached tokens (current OTel, OpenAI's prompt_tokens,
/// OpenInference's prompt_details breakdown) and output tokens as containing
/// reasoning tokens. Two things show the opposite and win: counts that could
/// not fit (cache read + write > input, reasoning > output), and Anthropic's
/// native usage names (cache_read_input_tokens / cache_creation_input_tokens)
/// on an anthropic span — its API reports input_tokens without the cache, and
/// instrumentation that copies those names copies that meaning too.
int usageFlags(const SpanRecord& span, const Found& found)
{
    int flags = 0;
    if (span.inputTokens) {
        const int64_t cache = span.cacheReadTokens.value_or(0) + span.cacheWriteTokens.value_or(0);
        const bool anthropicNames = found[GenAiField::CacheReadTokens].anthropicUsageName
            || found[GenAiField::CacheWriteTokens].anthropicUsageName;
        if (cache <= *span.inputTokens && !(anthropicNames && span.provider == "anthropic"))
            flags |= kFlagInputIncludesCache;
    }
    if (span.outputTokens && span.reasoningTokens.value_or(0) <= *span.outputTokens)
        flags |= kFlagOutputIncludesReasoning;
    return flags;
}

std::string withVersion(std::string name, const std::string& version)
{
    return version.empty() ? name : name + "@" + version;
}

std::string excerpt(std::string_view normalised)
{
    const std::string_view cut = utf8Prefix(normalised, kLabelBytes);
    return cut.size() < normalised.size() ? std::string(cut) + "..." : std::string(cut);
}

/// Prompt identity in genai/FACTS.md order: a declared name, a template, a
/// Traceloop prompt key, the content, and for model calls without content the
/// fallback. Tool, agent and retrieval spans get no content or fallback identity.
void identifyPrompt(
    const AttributeGuard::KeyValues& attributes, const Found& found, bool captureContent, SpanRecord& span)
{
    using F = GenAiField;
    // Content means JSON parsing: read it only when it decides or illustrates the prompt.
    std::optional<PromptContent> content;
    const auto readContent = [&]() -> const PromptContent& {
        if (!content)
            content = spanPromptContent(attributes);
        return *content;
    };
    const auto keepExample = [&](std::string_view otherwise) {
        if (!captureContent)
            return;
        const PromptContent& c = readContent();
        span.promptExample = c.empty() ? std::string(utf8Prefix(otherwise, kExampleBytes))
                                       : contentPromptExample(c.system, c.user, true);
    };

    if (const std::string name = found.text(F::PromptName); !name.empty()) {
        const std::string version = found.text(F::PromptVersion);
        span.promptSource = PromptSource::Name;
        span.promptFingerprint = identityFingerprint("name", name, version);
        span.promptLabel = withVersion(name, version);
        keepExample({});
        return;
    }
    if (const std::string templateText = found.text(F::PromptTemplate); !templateText.empty()) {
        const std::string version = found.text(F::PromptTemplateVersion);
        const std::string normalised = normalisePromptText(templateText);
        span.promptSource = PromptSource::Template;
        span.promptFingerprint = identityFingerprint("template", normalised, version);
        span.promptLabel = withVersion(excerpt(normalised), version);
        keepExample(templateText);
        return;
    }
    if (const std::string key = found.text(F::PromptKey); !key.empty()) {
        const std::string version = found.text(F::PromptKeyVersion);
        span.promptSource = PromptSource::Template;
        span.promptFingerprint = identityFingerprint("traceloop", key, version);
        span.promptLabel = withVersion(key, version);
        keepExample({});
        return;
    }
    const bool modelCall = isInferenceOperation(span.operation)
        || (span.operation.empty() && !(span.requestModel.empty() && span.responseModel.empty()));
    if (!modelCall)
        return;
    if (const PromptContent& c = readContent(); !c.empty()) {
        span.promptSource = PromptSource::Content;
        span.promptFingerprint = promptFingerprint(c.system, c.user);
        span.promptLabel = contentPromptLabel(c.system, c.user);
        span.promptExample = contentPromptExample(c.system, c.user, captureContent);
        return;
    }
    const std::string& model = span.requestModel.empty() ? span.responseModel : span.requestModel;
    span.promptSource = PromptSource::Fallback;
    span.promptFingerprint = identityFingerprint("fallback", span.dims.service + '\x1f' + span.name, model);
    span.promptLabel = span.dims.service + " / " + span.name + " / " + model;
}

} // namespace

std::string contentPromptLabel(std::string_view system, std::string_view firstUser)
{
    // Only a prefix is needed for the label: normalising more would be wasted.
    const std::string s = normalisePromptText(utf8Prefix(system, kLabelBytes * 4));
    const std::string u = normalisePromptText(utf8Prefix(firstUser, kLabelBytes * 4));
    return excerpt(s.empty() ? u : u.empty() ? s : s + " | " + u);
}

std::string contentPromptExample(std::string_view system, std::string_view firstUser, bool captureContent)
{
    if (!captureContent)
        return {};
    std::string text(system);
    if (!system.empty() && !firstUser.empty())
        text += "\n\n";
    text += firstUser;
    return std::string(utf8Prefix(text, kExampleBytes));
}

void GenAiNormalizer::normalise(const AttributeGuard::KeyValues& attributes, const AttributeGuard::KeyValues& resource,
    const Events& events, SpanRecord& span) const
{
    Found found;
    found.scan(attributes);
    using F = GenAiField;

    span.requestModel = found.text(F::RequestModel);
    span.responseModel = found.text(F::ResponseModel);
    span.provider = lowered(found.text(F::Provider));
    if (span.provider.empty())
        span.provider = providerPrefix(span.responseModel);
    if (span.provider.empty()) // a gateway may prefix only the model it was asked for
        span.provider = providerPrefix(span.requestModel);
    if (const auto& op = found[F::Operation]; op.value)
        span.operation = mapOperation(op.key, valueText(*op.value));
    span.inputTokens = found.count(F::InputTokens);
    span.outputTokens = found.count(F::OutputTokens);
    span.cacheReadTokens = found.count(F::CacheReadTokens);
    span.cacheWriteTokens = found.count(F::CacheWriteTokens);
    span.reasoningTokens = found.count(F::ReasoningTokens);
    if (const auto& cost = found[F::ClientCostUsd]; cost.value) {
        span.costNanoUsd = nanoUsdOf(*cost.value);
        span.flags |= kFlagClientCost;
    }
    span.session = found.text(F::Session);
    span.endUser = found.text(F::EndUser);
    if (span.session.empty() || span.endUser.empty()) {
        // A per-user process (a desktop app) may name them once, on its resource.
        Found fromResource;
        fromResource.scan(resource);
        if (span.session.empty())
            span.session = fromResource.text(F::Session);
        if (span.endUser.empty())
            span.endUser = fromResource.text(F::EndUser);
    }
    span.errorType = found.text(F::ErrorType);
    if (span.errorType.empty() && span.statusCode == kStatusError)
        span.errorType = exceptionType(events);

    span.convention |= found.convention;
    if (found.genAi)
        span.flags |= kFlagGenAi;
    span.flags |= usageFlags(span, found);

    if (!found.genAi)
        return;
    identifyPrompt(attributes, found, m_settings.captureContent, span);
}

} // namespace spanlight
