#include "trafficmodel.h"

#include "otlpattributes.h"
#include "trafficcatalog.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace spanlight::loadgen {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
namespace tracepb = opentelemetry::proto::trace::v1;

namespace {

// Open conversations per tenant and service; a new trace joins one of them most of the time.
constexpr std::size_t kConversationPool = 24;
constexpr double kNewConversationShare = 0.3;
// Share of LLM calls that use a different model than the agent's main one (routers, cheap classifiers).
constexpr double kSecondaryModelShare = 0.2;
// Share of LLM calls in a trace that use the trace's main prompt; the rest use another of the service's.
constexpr double kMainPromptShare = 0.6;
constexpr double kCacheReadShare = 0.3;
constexpr double kLengthStopShare = 0.03;
// How often an agent retries a transient LLM failure instead of giving up; and how many times at most.
constexpr double kRetryShare = 0.6;
constexpr int kMaxRetries = 2;
constexpr double kChatMinMs = 200;
constexpr double kChatMaxMs = 20000;

std::uint64_t nowNs()
{
    using namespace std::chrono;
    return static_cast<std::uint64_t>(duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count());
}

std::uint64_t msToNs(double ms)
{
    return static_cast<std::uint64_t>(ms * 1e6);
}

bool isTransient(const ErrorInfo& error)
{
    return error.timeout || error.httpStatus == 429 || error.httpStatus >= 500;
}

} // namespace

struct TrafficModel::ResourceSlot
{
    int tenant = 0;
    int service = 0;
    int environment = 0;
    tracepb::ScopeSpans* agentScope = nullptr; ///< invoke_agent and execute_tool spans
    tracepb::ScopeSpans* llmScope = nullptr; ///< chat spans, from the LLM client instrumentation
};

TrafficModel::TrafficModel(TrafficOptions options)
    : m_options(options)
    , m_rng(options.seed)
{
    buildTenants();
    // Everything after the fleet is drawn from the worker's own stream.
    m_rng.seed(options.seed ^ (0x9E3779B97F4A7C15ULL * (options.stream + 1)));
    std::uint64_t idSeed = options.idSeed;
    if (idSeed == 0) {
        std::random_device device;
        idSeed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    }
    m_idRng.seed(idSeed ^ (0xD1B54A32D192ED03ULL * (options.stream + 1)));
    std::vector<double> errorWeights;
    for (const ErrorInfo& error : errorKinds())
        errorWeights.push_back(error.weight);
    m_errorPick = std::discrete_distribution<int>(errorWeights.begin(), errorWeights.end());
    m_conversations.resize(m_tenants.size() * services().size());
}

void TrafficModel::buildTenants()
{
    const int count = std::max(1, m_options.tenants);
    const auto names = tenantNames();
    std::vector<double> tenantWeights;
    for (int i = 0; i < count; ++i) {
        Tenant tenant;
        tenant.name = i < static_cast<int>(names.size()) ? std::string(names[i]) : "tenant-" + std::to_string(i + 1);
        // Zipf-like: the first tenants carry most of the traffic, the tail stays visible.
        tenant.weight = 1.0 / std::pow(i + 1, 0.8);
        std::vector<int> all(services().size());
        for (std::size_t s = 0; s < all.size(); ++s)
            all[s] = static_cast<int>(s);
        std::shuffle(all.begin(), all.end(), m_rng);
        tenant.services.assign(all.begin(), all.begin() + uniformInt(2, 4));

        std::vector<int> modelIndices(models().size());
        for (std::size_t m = 0; m < modelIndices.size(); ++m)
            modelIndices[m] = static_cast<int>(m);
        std::shuffle(modelIndices.begin(), modelIndices.end(), m_rng);
        tenant.models.assign(modelIndices.begin(), modelIndices.begin() + uniformInt(2, 3));
        std::vector<double> modelWeights;
        for (int m : tenant.models)
            modelWeights.push_back(models()[m].weight * (0.5 + uniform()));
        tenant.modelPick = std::discrete_distribution<int>(modelWeights.begin(), modelWeights.end());
        tenant.users = uniformInt(50, 2000);
        tenantWeights.push_back(tenant.weight);
        m_tenants.push_back(std::move(tenant));
    }
    m_tenantPick = std::discrete_distribution<int>(tenantWeights.begin(), tenantWeights.end());
}

ExportTraceServiceRequest TrafficModel::makeTraceRequest(int spans)
{
    ExportTraceServiceRequest request;
    appendTraces(request, spans);
    return request;
}

void TrafficModel::appendTraces(ExportTraceServiceRequest& request, int spans)
{
    std::vector<ResourceSlot> slots;
    for (int remaining = spans; remaining > 0;)
        remaining -= addTrace(request, slots, remaining);
}

TrafficModel::ResourceSlot& TrafficModel::slotFor(
    ExportTraceServiceRequest& request, std::vector<ResourceSlot>& slots, int tenant, int service, int environment)
{
    for (ResourceSlot& slot : slots) {
        if (slot.tenant == tenant && slot.service == service && slot.environment == environment)
            return slot;
    }
    auto* resourceSpans = request.add_resource_spans();
    fillResource(resourceSpans->mutable_resource()->mutable_attributes(), tenant, service, environment);
    ResourceSlot slot { tenant, service, environment, resourceSpans->add_scope_spans(),
        resourceSpans->add_scope_spans() };
    slot.agentScope->mutable_scope()->set_name("opentelemetry.instrumentation.agents");
    slot.agentScope->mutable_scope()->set_version("0.4.0");
    slot.llmScope->mutable_scope()->set_name("opentelemetry.instrumentation.genai");
    slot.llmScope->mutable_scope()->set_version("0.3b0");
    slots.push_back(slot);
    return slots.back();
}

void TrafficModel::fillResource(KeyValues* attributes, int tenant, int service, int environment) const
{
    const ServiceInfo& info = services()[service];
    otlp::addString(attributes, "service.name", info.name);
    otlp::addString(attributes, "service.version", "1." + std::to_string(service + 2) + ".0");
    otlp::addString(attributes, "deployment.environment.name", environments()[environment]);
    otlp::addString(attributes, "tenant.id", m_tenants[tenant].name);
    otlp::addString(attributes, "telemetry.sdk.name", "opentelemetry");
    otlp::addString(attributes, "telemetry.sdk.language", "python");
    otlp::addString(attributes, "telemetry.sdk.version", "1.38.0");
}

std::vector<TrafficModel::ChildPlan> TrafficModel::planChildren(
    const Tenant& tenant, int service, int mainModel, int mainPrompt, int budget)
{
    const ServiceInfo& info = services()[service];
    const PromptRange servicePrompts = promptsOf(service);

    // Mostly one or two calls, occasionally the service's maximum.
    const double u = uniform();
    int calls = 1 + static_cast<int>(info.maxLlmCalls * u * u);
    const bool withTool = uniform() < m_options.toolCallRate;
    if (withTool)
        calls = std::max(calls, 2); // the tool's result goes back to the model
    const int toolAfter = withTool ? uniformInt(0, calls - 2) : -1;

    std::vector<ChildPlan> plan;
    int retries = 0;
    for (int i = 0; i < calls && static_cast<int>(plan.size()) < budget; ++i) {
        ChildPlan chat;
        if (retries > 0 && !plan.empty() && plan.back().error >= 0) {
            chat = plan.back(); // retrying the same request
            chat.error = -1;
        } else {
            chat.model = uniform() < kSecondaryModelShare ? tenant.models[tenant.modelPick(m_rng)] : mainModel;
            chat.prompt = uniform() < kMainPromptShare ? mainPrompt
                                                       : servicePrompts.first + uniformInt(0, servicePrompts.count - 1);
        }
        if (uniform() < m_options.errorRate)
            chat.error = m_errorPick(m_rng);
        chat.toolFollows = (i == toolAfter && chat.error < 0);
        plan.push_back(chat);
        if (chat.error >= 0) {
            if (!isTransient(errorKinds()[chat.error]) || retries >= kMaxRetries || uniform() >= kRetryShare)
                break; // the agent gives up; the invocation fails with this error
            ++retries;
            --i;
            continue;
        }
        retries = 0;
        if (chat.toolFollows) {
            ChildPlan tool;
            tool.tool = true;
            tool.prompt = uniformInt(0, 2); // which of the service's tools
            plan.push_back(tool);
        }
    }
    if (static_cast<int>(plan.size()) > budget)
        plan.resize(budget);
    return plan;
}

void TrafficModel::layOutChild(const ServiceInfo& service, ChildPlan& child)
{
    if (child.tool) {
        child.durationNs = msToNs(std::clamp(logNormal(150, 0.8), 5.0, 10000.0));
        return;
    }
    const ModelInfo& model = models()[child.model];
    if (child.error >= 0) {
        const ErrorInfo& error = errorKinds()[child.error];
        double ms = error.timeout ? 20000 + uniform() * 50
            : error.fast          ? std::clamp(logNormal(120, 0.5), 30.0, 1500.0)
                                  : std::clamp(logNormal(model.timeToFirstTokenMs * 2, 0.5), kChatMinMs, kChatMaxMs);
        child.durationNs = msToNs(ms);
        return;
    }
    child.inputTokens
        = static_cast<std::int64_t>(std::clamp(logNormal(service.inputTokensMedian, 0.6), 20.0, 120000.0));
    child.outputTokens = static_cast<std::int64_t>(std::clamp(logNormal(service.outputTokensMedian, 0.7), 1.0, 8000.0));
    static constexpr std::int64_t kMaxTokenChoices[] = { 1024, 2048, 4096 };
    child.maxTokens = kMaxTokenChoices[uniformInt(0, 2)];
    child.finishReason = child.toolFollows ? "tool_calls" : "stop";
    if (child.outputTokens >= child.maxTokens || uniform() < kLengthStopShare) {
        child.outputTokens = child.maxTokens;
        child.finishReason = "length";
    }
    // Cached tokens are included in input_tokens (current convention), so they never exceed it.
    if (model.supportsCacheRead && uniform() < kCacheReadShare)
        child.cacheReadTokens = static_cast<std::int64_t>(child.inputTokens * (0.3 + 0.6 * uniform()));
    const double prefillMs = static_cast<double>(child.inputTokens) / 20.0; // ~20k tokens/s prompt processing
    const double decodeMs
        = static_cast<double>(child.outputTokens) * 1000.0 / logNormal(model.outputTokensPerSecond, 0.25);
    child.durationNs
        = msToNs(std::clamp(logNormal(model.timeToFirstTokenMs, 0.35) + prefillMs + decodeMs, kChatMinMs, kChatMaxMs));
}

int TrafficModel::addTrace(ExportTraceServiceRequest& request, std::vector<ResourceSlot>& slots, int budget)
{
    TraceContext trace;
    trace.tenant = m_tenantPick(m_rng);
    const Tenant& tenant = m_tenants[trace.tenant];
    trace.service = tenant.services[uniformInt(0, static_cast<int>(tenant.services.size()) - 1)];
    trace.environment = uniform() < m_options.stagingShare ? 1 : 0;
    const double u = uniform();
    trace.user = static_cast<int>(tenant.users * u * u); // a few heavy users, a long tail
    trace.userId = "user-" + std::to_string(10000 + trace.user);
    trace.conversation = conversationFor(trace.tenant, trace.service);
    trace.traceId = randomId(16);
    trace.rootSpanId = randomId(8);

    const ServiceInfo& service = services()[trace.service];
    const int mainModel = tenant.models[tenant.modelPick(m_rng)];
    const PromptRange servicePrompts = promptsOf(trace.service);
    const int mainPrompt = servicePrompts.first + uniformInt(0, servicePrompts.count - 1);
    std::vector<ChildPlan> children = planChildren(tenant, trace.service, mainModel, mainPrompt, budget - 1);

    // Children run one after another, as an agent loop runs them; the whole trace ends shortly before now.
    std::uint64_t cursor = msToNs(5 + uniform() * 30);
    for (ChildPlan& child : children) {
        cursor += msToNs(2 + uniform() * 40); // the agent's own work between calls
        layOutChild(service, child);
        child.startNs = cursor;
        cursor += child.durationNs;
    }
    const std::uint64_t rootDurationNs = cursor + msToNs(3 + uniform() * 25);
    const std::uint64_t rootStartNs = nowNs() - msToNs(uniform() * 1000) - rootDurationNs;

    ResourceSlot& slot = slotFor(request, slots, trace.tenant, trace.service, trace.environment);
    auto* root = slot.agentScope->add_spans();
    root->set_trace_id(trace.traceId);
    root->set_span_id(trace.rootSpanId);
    root->set_name("invoke_agent " + std::string(service.agentName));
    root->set_kind(service.rootIsServer ? tracepb::Span::SPAN_KIND_SERVER : tracepb::Span::SPAN_KIND_INTERNAL);
    root->set_start_time_unix_nano(rootStartNs);
    root->set_end_time_unix_nano(rootStartNs + rootDurationNs);
    root->set_flags(otlp::kLocalSampledFlags);
    auto* attributes = root->mutable_attributes();
    otlp::addString(attributes, "gen_ai.operation.name", "invoke_agent");
    otlp::addString(attributes, "gen_ai.agent.name", service.agentName);
    otlp::addString(attributes, "gen_ai.agent.id", "asst_" + tenant.name + "_" + std::string(service.agentName));
    otlp::addString(attributes, "gen_ai.provider.name", models()[mainModel].provider);
    otlp::addString(attributes, "gen_ai.request.model", models()[mainModel].requestModel);
    otlp::addString(attributes, "gen_ai.conversation.id", trace.conversation);
    otlp::addString(attributes, "user.id", trace.userId);

    std::int64_t inputSum = 0;
    std::int64_t outputSum = 0;
    const ChildPlan* lastChat = nullptr;
    for (const ChildPlan& child : children) {
        const std::uint64_t startNs = rootStartNs + child.startNs;
        const std::uint64_t endNs = startNs + child.durationNs;
        if (child.tool) {
            addToolSpan(trace, service.tools[child.prompt], startNs, endNs, slot.agentScope);
            continue;
        }
        addChatSpan(trace, child, startNs, endNs, slot.llmScope);
        inputSum += child.inputTokens;
        outputSum += child.outputTokens;
        lastChat = &child;
    }
    if (uniform() < m_options.agentUsageRate && (inputSum > 0 || outputSum > 0)) {
        otlp::addInt(attributes, "gen_ai.usage.input_tokens", inputSum);
        otlp::addInt(attributes, "gen_ai.usage.output_tokens", outputSum);
    }
    // An invocation fails when its last LLM call failed: the agent gave up (or was cut short).
    if (lastChat && lastChat->error >= 0) {
        const ErrorInfo& error = errorKinds()[lastChat->error];
        otlp::addString(attributes, "error.type", error.errorType);
        root->mutable_status()->set_code(tracepb::Status::STATUS_CODE_ERROR);
        root->mutable_status()->set_message(std::string(error.message));
    }
    return 1 + static_cast<int>(children.size());
}

void TrafficModel::addToolSpan(const TraceContext& trace, std::string_view tool, std::uint64_t startNs,
    std::uint64_t endNs, tracepb::ScopeSpans* scope)
{
    auto* span = scope->add_spans();
    span->set_trace_id(trace.traceId);
    span->set_span_id(randomId(8));
    span->set_parent_span_id(trace.rootSpanId);
    span->set_name("execute_tool " + std::string(tool));
    span->set_kind(tracepb::Span::SPAN_KIND_INTERNAL);
    span->set_start_time_unix_nano(startNs);
    span->set_end_time_unix_nano(endNs);
    span->set_flags(otlp::kLocalSampledFlags);
    auto* attributes = span->mutable_attributes();
    otlp::addString(attributes, "gen_ai.operation.name", "execute_tool");
    otlp::addString(attributes, "gen_ai.tool.name", tool);
    otlp::addString(attributes, "gen_ai.tool.type", "function");
    otlp::addString(attributes, "gen_ai.tool.call.id", randomToken("call_", 24));
    otlp::addString(attributes, "gen_ai.conversation.id", trace.conversation);
}

double TrafficModel::logNormal(double median, double sigma)
{
    return median * std::exp(sigma * std::normal_distribution<double>(0.0, 1.0)(m_rng));
}

std::string TrafficModel::randomId(int bytes)
{
    return otlp::randomId(m_idRng, bytes);
}

std::string TrafficModel::randomToken(std::string_view prefix, int length)
{
    static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string token(prefix);
    std::uint64_t word = 0;
    for (int i = 0; i < length; ++i) {
        if (i % 10 == 0)
            word = m_rng(); // 62^10 < 2^64: ten characters per draw
        token += kAlphabet[word % kAlphabet.size()];
        word /= kAlphabet.size();
    }
    return token;
}

std::string TrafficModel::conversationFor(int tenant, int service)
{
    auto& pool
        = m_conversations[static_cast<std::size_t>(tenant) * services().size() + static_cast<std::size_t>(service)];
    if (!pool.empty() && uniform() >= kNewConversationShare)
        return pool[static_cast<std::size_t>(uniformInt(0, static_cast<int>(pool.size()) - 1))];
    std::string conversation = randomToken("conv_", 20);
    if (pool.size() < kConversationPool)
        pool.push_back(conversation);
    else
        pool[static_cast<std::size_t>(uniformInt(0, static_cast<int>(pool.size()) - 1))] = conversation;
    return conversation;
}

} // namespace spanlight::loadgen
