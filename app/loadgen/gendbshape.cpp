#include "gendbshape.h"

#include "gendboptions.h"
#include "otlpattributes.h"
#include "trafficcatalog.h"

#include <algorithm>
#include <cmath>

namespace spanlight::gendb {

namespace {

// Failed LLM calls per failed span: a trace whose agent gives up fails its root as well, and retried
// calls add successful spans. Measured over the default mix so that --error-rate is the span share.
constexpr double kCallErrorsPerSpanError = 0.95;
constexpr double kSecondaryModelShare = 0.2; // routers, cheap classifiers next to the main model
constexpr double kMainPromptShare = 0.6; // calls of one trace mostly reuse its main prompt
constexpr double kRepeatUsageShare = 0.5;
constexpr double kLogsFirstShare = 0.3;
constexpr double kRetryShare = 0.6;
constexpr int kMaxRetries = 2;
constexpr double kCacheReadShare = 0.3;
constexpr double kCacheWriteShare = 0.1;
constexpr double kLengthStopShare = 0.03;
constexpr double kSlowFactor = 2.5; // the slow tenant x model combination
constexpr int kContextLengthError = 2; // index of context_length_exceeded in loadgen::errorKinds()
constexpr double kFragileContextShare = 0.7;
constexpr std::uint64_t kConversationWindowNs = 30ULL * 60 * 1'000'000'000; // a session lasts half an hour

std::uint64_t msToNs(double ms)
{
    return static_cast<std::uint64_t>(std::max(0.0, ms) * 1e6);
}

std::uint64_t mix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

bool isTransient(const loadgen::ErrorInfo& error)
{
    return error.timeout || error.httpStatus == 429 || error.httpStatus >= 500;
}

} // namespace

TraceShaper::TraceShaper(const GenDbOptions& options)
    : m_rng(options.seed)
    , m_idRng(mix(options.seed ^ 0xD1B54A32D192ED03ULL))
{
    buildFleet(options);
}

void TraceShaper::buildFleet(const GenDbOptions& options)
{
    m_serviceCount = std::clamp(options.services, 1, static_cast<int>(allServices().size()));
    m_modelCount = std::clamp(options.models, 2, static_cast<int>(allModels().size()));

    m_prompts = makePrompts(std::max(1, options.prompts), m_serviceCount, options.seed);
    m_servicePrompts.assign(static_cast<std::size_t>(m_serviceCount), {});
    double weightSum = 0;
    double factorSum = 0;
    for (int k = 0; k < static_cast<int>(m_prompts.size()); ++k) {
        m_servicePrompts[static_cast<std::size_t>(m_prompts[k].service)].push_back(k);
        const double weight = 1.0 / std::pow(k + 1, options.zipf);
        weightSum += weight;
        factorSum += weight * m_prompts[k].errorFactor;
    }
    for (auto& list : m_servicePrompts) {
        if (list.empty())
            list = m_servicePrompts.front(); // fewer prompts than services: borrow service 0's
        std::vector<double> weights;
        for (int k : list)
            weights.push_back(1.0 / std::pow(k + 1, options.zipf));
        m_promptPick.emplace_back(weights.begin(), weights.end());
    }
    // Fragile prompts fail ten times as often; scale the rest so the overall share stays --error-rate.
    m_callErrorRate = options.errorRate * kCallErrorsPerSpanError * weightSum / factorSum;

    std::vector<double> errorWeights;
    for (const loadgen::ErrorInfo& error : loadgen::errorKinds())
        errorWeights.push_back(error.weight);
    m_errorPick = std::discrete_distribution<int>(errorWeights.begin(), errorWeights.end());

    std::vector<double> environmentWeights;
    for (int e = 0; e < std::max(1, options.environments); ++e) {
        m_environments.push_back(gendb::environmentName(e));
        environmentWeights.push_back(e == 0 ? 6.0 : 2.0 / e); // production carries most traffic
    }
    m_environmentPick = std::discrete_distribution<int>(environmentWeights.begin(), environmentWeights.end());

    std::vector<int> chatModels;
    int embeddingModel = -1;
    for (int m = 0; m < m_modelCount; ++m) {
        if (allModels()[static_cast<std::size_t>(m)].kind != ModelKind::Embedding)
            chatModels.push_back(m);
        else if (embeddingModel < 0)
            embeddingModel = m;
    }
    const int unknownModel = static_cast<int>(allModels().size()) - 1;
    std::vector<double> tenantWeights;
    for (int i = 0; i < std::max(1, options.tenants); ++i) {
        Tenant tenant;
        tenant.name = gendb::tenantName(i);
        // Every service runs somewhere: tenant i always runs service i, plus one to three others.
        tenant.services.push_back(i % m_serviceCount);
        std::vector<int> others;
        for (int s = 0; s < m_serviceCount; ++s)
            if (s != i % m_serviceCount)
                others.push_back(s);
        std::shuffle(others.begin(), others.end(), m_rng);
        const int extra = std::min(static_cast<int>(others.size()), uniformInt(1, 3));
        tenant.services.insert(tenant.services.end(), others.begin(), others.begin() + extra);

        std::vector<int> models = chatModels;
        std::shuffle(models.begin(), models.end(), m_rng);
        models.resize(static_cast<std::size_t>(std::min(static_cast<int>(models.size()), uniformInt(2, 4))));
        // One tenant runs the made-up model, so unpriced usage shows up.
        if (i == 1 && unknownModel < m_modelCount
            && std::find(models.begin(), models.end(), unknownModel) == models.end())
            models.back() = unknownModel;
        tenant.models = models;
        std::vector<double> modelWeights;
        for (std::size_t j = 0; j < models.size(); ++j)
            modelWeights.push_back(1.0 / static_cast<double>(j + 1));
        tenant.modelPick = std::discrete_distribution<int>(modelWeights.begin(), modelWeights.end());
        tenant.embeddingModel = embeddingModel;
        tenant.users = uniformInt(50, 2000);
        tenantWeights.push_back(1.0 / std::pow(i + 1, 0.8)); // a few tenants dominate, the tail stays visible
        m_tenants.push_back(std::move(tenant));
    }
    m_tenantPick = std::discrete_distribution<int>(tenantWeights.begin(), tenantWeights.end());
    m_slowTenant = std::min(2, static_cast<int>(m_tenants.size()) - 1);
    m_slowModel = m_tenants[static_cast<std::size_t>(m_slowTenant)].models.front();
}

double TraceShaper::logNormal(double median, double sigma)
{
    return median * std::exp(sigma * std::normal_distribution<double>(0.0, 1.0)(m_rng));
}

int TraceShaper::pickPrompt(int service)
{
    const auto& list = m_servicePrompts[static_cast<std::size_t>(service)];
    return list[static_cast<std::size_t>(m_promptPick[static_cast<std::size_t>(service)](m_rng))];
}

int TraceShaper::pickError(int prompt)
{
    if (prompt >= 0 && m_prompts[static_cast<std::size_t>(prompt)].fragile && uniform() < kFragileContextShare)
        return kContextLengthError;
    return m_errorPick(m_rng);
}

int TraceShaper::addSpan(PlannedTrace& trace, SpanRole role, int parent, std::uint64_t startNs)
{
    PlannedSpan& span = trace.spans.emplace_back();
    span.role = role;
    span.parent = parent;
    span.spanId = loadgen::otlp::randomId(m_idRng, 8);
    span.startNs = startNs;
    span.endNs = startNs;
    return static_cast<int>(trace.spans.size()) - 1;
}

std::string TraceShaper::conversationId(const PlannedTrace& trace, std::uint64_t startNs) const
{
    // The same user of the same service within one window continues one conversation.
    std::uint64_t h = mix(static_cast<std::uint64_t>(trace.tenant) << 40
        ^ static_cast<std::uint64_t>(trace.service) << 32 ^ static_cast<std::uint64_t>(trace.user));
    h = mix(h ^ startNs / kConversationWindowNs);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "conv_";
    for (int i = 0; i < 16; ++i)
        id += kHex[(h >> (4 * i)) & 0xF];
    return id;
}

void TraceShaper::plan(PlannedTrace& trace, std::uint64_t startNs, int budget)
{
    trace.spans.clear();
    trace.tenant = m_tenantPick(m_rng);
    Tenant& tenant = m_tenants[static_cast<std::size_t>(trace.tenant)];
    trace.service
        = tenant.services[static_cast<std::size_t>(uniformInt(0, static_cast<int>(tenant.services.size()) - 1))];
    const GenService& service = allServices()[static_cast<std::size_t>(trace.service)];
    trace.environment = m_environmentPick(m_rng);
    const double u = uniform();
    trace.user = static_cast<int>(tenant.users * u * u); // a few heavy users, a long tail
    const Flavour& flavour = uniform() < service.flavours[0].share ? service.flavours[0] : service.flavours[1];
    trace.dialect = flavour.dialect;
    trace.promptMode = flavour.prompt;
    trace.routed = uniform() < service.routerShare;
    trace.repeatUsage = uniform() < kRepeatUsageShare;
    trace.logsFirst = uniform() < kLogsFirstShare;
    trace.traceId = loadgen::otlp::randomId(m_idRng, 16);
    trace.conversation = conversationId(trace, startNs);

    const int root = addSpan(trace, SpanRole::Root, -1, startNs);
    std::uint64_t cursor = startNs + msToNs(2 + uniform() * 18);
    if (!service.dataSource.empty() && uniform() < service.retrievalShare)
        addRetrieval(trace, tenant, cursor, budget);
    addChats(trace, tenant, cursor, budget);
    trace.spans[static_cast<std::size_t>(root)].endNs = cursor + msToNs(2 + uniform() * 23);
}

void TraceShaper::addRetrieval(PlannedTrace& trace, const Tenant& tenant, std::uint64_t& cursor, int budget)
{
    if (static_cast<int>(trace.spans.size()) >= budget)
        return;
    const int retrieval = addSpan(trace, SpanRole::Retrieval, 0, cursor);
    std::uint64_t at = cursor + msToNs(1 + uniform() * 2);
    if (tenant.embeddingModel >= 0 && static_cast<int>(trace.spans.size()) < budget) {
        const int index = addSpan(trace, SpanRole::Embeddings, retrieval, at);
        PlannedSpan& embedding = trace.spans[static_cast<std::size_t>(index)];
        embedding.model = tenant.embeddingModel;
        embedding.inputTokens = static_cast<std::int64_t>(std::clamp(logNormal(60, 0.8), 3.0, 8000.0));
        embedding.outputTokens = 0;
        if (uniform() < m_callErrorRate)
            embedding.error = pickError(-1);
        const GenModel& model = allModels()[static_cast<std::size_t>(embedding.model)];
        embedding.endNs = at + msToNs(std::clamp(logNormal(model.ttftMs, 0.45), 8.0, 5000.0));
        at = embedding.endNs;
        trace.spans[static_cast<std::size_t>(retrieval)].error = embedding.error;
    }
    PlannedSpan& span = trace.spans[static_cast<std::size_t>(retrieval)];
    span.endNs = at + msToNs(std::clamp(logNormal(40, 0.5), 3.0, 3000.0)); // the vector store's own search
    cursor = span.endNs;
}

void TraceShaper::addChats(PlannedTrace& trace, Tenant& tenant, std::uint64_t& cursor, int budget)
{
    // Spans are addressed by index: adding one may move the others.
    auto& spans = trace.spans;
    const GenService& service = allServices()[static_cast<std::size_t>(trace.service)];
    const int mainModel = tenant.models[static_cast<std::size_t>(tenant.modelPick(m_rng))];
    const int mainPrompt = pickPrompt(trace.service);
    spans[0].model = mainModel;
    spans[0].prompt = mainPrompt;
    const int calls = uniformInt(service.minChats, service.maxChats);
    int retries = 0;
    int previous = -1;
    for (int i = 0; i < calls && static_cast<int>(spans.size()) < budget; ++i) {
        const int index = addSpan(trace, SpanRole::Chat, 0, cursor + msToNs(2 + uniform() * 40));
        PlannedSpan& chat = spans[static_cast<std::size_t>(index)];
        if (retries > 0 && previous >= 0) {
            const PlannedSpan& failed = spans[static_cast<std::size_t>(previous)];
            chat.model = failed.model; // the same request again
            chat.prompt = failed.prompt;
            chat.fill = failed.fill;
        } else {
            chat.model = uniform() < kSecondaryModelShare
                ? tenant.models[static_cast<std::size_t>(tenant.modelPick(m_rng))]
                : mainModel;
            chat.prompt = uniform() < kMainPromptShare ? mainPrompt : pickPrompt(trace.service);
            chat.fill = uniformInt(1, 99999);
        }
        const double errorRate = m_callErrorRate * m_prompts[static_cast<std::size_t>(chat.prompt)].errorFactor;
        if (uniform() < errorRate)
            chat.error = pickError(chat.prompt);
        const bool toolFollows = chat.error < 0 && i + 1 < calls && uniform() < service.toolShare && index + 1 < budget;
        chat.finishReason = toolFollows ? "tool_calls" : "stop";
        layOutChat(trace, chat);
        cursor = chat.endNs;
        spans[0].inputTokens += chat.inputTokens;
        spans[0].outputTokens += chat.outputTokens;
        spans[0].cacheReadTokens += chat.cacheReadTokens;
        spans[0].cacheWriteTokens += chat.cacheWriteTokens;
        spans[0].reasoningTokens += chat.reasoningTokens;
        previous = index;
        if (chat.error >= 0) {
            const auto& error = loadgen::errorKinds()[static_cast<std::size_t>(chat.error)];
            if (isTransient(error) && retries < kMaxRetries && uniform() < kRetryShare) {
                ++retries;
                --i;
                continue;
            }
            spans[0].error = chat.error; // the agent gives up: the invocation fails with the call's error
            break;
        }
        retries = 0;
        if (toolFollows) {
            const int tool = addSpan(trace, SpanRole::Tool, 0, cursor + msToNs(1 + uniform() * 10));
            PlannedSpan& span = spans[static_cast<std::size_t>(tool)];
            span.tool = uniformInt(0, 2);
            span.endNs = span.startNs + msToNs(std::clamp(logNormal(150, 0.9), 2.0, 30000.0));
            cursor = span.endNs;
        }
    }
}

void TraceShaper::layOutChat(const PlannedTrace& trace, PlannedSpan& span)
{
    const GenModel& model = allModels()[static_cast<std::size_t>(span.model)];
    const GenService& service = allServices()[static_cast<std::size_t>(trace.service)];
    const double slow = trace.tenant == m_slowTenant && span.model == m_slowModel ? kSlowFactor : 1.0;
    double ms = 0;
    if (span.error >= 0) {
        // Failures have the heavier tail: timeouts run to the client's limit, server errors vary widely.
        const auto& error = loadgen::errorKinds()[static_cast<std::size_t>(span.error)];
        ms = error.timeout ? (uniform() < 0.7 ? 30000.0 : 60000.0) + uniform() * 80
            : error.fast   ? std::clamp(logNormal(150, 0.6), 20.0, 3000.0)
                           : std::clamp(logNormal(model.ttftMs * 4, 1.0), 100.0, 120000.0);
        span.endNs = span.startNs + msToNs(ms * (error.timeout ? 1.0 : slow));
        return;
    }
    span.inputTokens = static_cast<std::int64_t>(std::clamp(logNormal(service.inputTokensMedian, 0.6), 20.0, 200000.0));
    std::int64_t visible
        = static_cast<std::int64_t>(std::clamp(logNormal(service.outputTokensMedian, 0.7), 1.0, 8000.0));
    static constexpr int kMaxTokenChoices[] = { 1024, 2048, 4096, 8192 };
    span.maxTokens = kMaxTokenChoices[uniformInt(0, 3)];
    if (visible >= span.maxTokens || uniform() < kLengthStopShare) {
        visible = span.maxTokens;
        span.finishReason = "length";
    }
    if (model.kind == ModelKind::Reasoning)
        span.reasoningTokens = static_cast<std::int64_t>(visible * std::clamp(logNormal(2.0, 0.6), 0.2, 20.0));
    span.outputTokens = visible + span.reasoningTokens; // output includes reasoning (current convention)
    if (model.cacheRead && uniform() < kCacheReadShare)
        span.cacheReadTokens = static_cast<std::int64_t>(span.inputTokens * (0.3 + 0.6 * uniform()));
    else if (model.cacheWrite && uniform() < kCacheWriteShare)
        span.cacheWriteTokens = static_cast<std::int64_t>(span.inputTokens * (0.1 + 0.4 * uniform()));
    const double prefillMs = static_cast<double>(span.inputTokens - span.cacheReadTokens) / 20.0;
    const double decodeMs = static_cast<double>(span.outputTokens) * 1000.0 / logNormal(model.tokensPerSecond, 0.25);
    ms = std::clamp(logNormal(model.ttftMs, 0.35) + prefillMs + decodeMs, 150.0, 120000.0);
    span.endNs = span.startNs + msToNs(ms * slow);
}

} // namespace spanlight::gendb
