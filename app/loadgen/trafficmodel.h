#pragma once

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace spanlight::loadgen {

struct ServiceInfo;

/// Knobs of the synthetic fleet. The defaults give a busy but believable multi-tenant mix.
struct TrafficOptions
{
    /// Decides the fleet (which tenant runs which services on which models). Same seed, same fleet.
    std::uint64_t seed = 1;
    /// Decides the traffic drawn from that fleet. Parallel workers share the seed and use distinct streams,
    /// so they simulate one fleet instead of several unrelated ones.
    std::uint64_t stream = 0;
    /// Seeds trace and span ids. 0 (the default) draws a fresh seed, so that two runs with the same seed
    /// never send the same ids: a receiver that deduplicates by (trace id, span id) would drop the repeats.
    std::uint64_t idSeed = 0;
    int tenants = 8; ///< catalog names first ("acme", "globex", ...), then "tenant-17", ...
    double errorRate = 0.03; ///< share of LLM calls that fail
    double stagingShare = 0.2; ///< share of traces from the staging environment
    double toolCallRate = 0.35; ///< share of traces with an execute_tool span
    /// Share of agent spans that repeat the token usage of their LLM children, as some agent frameworks do.
    /// Spend must still be counted once, from the chat spans.
    double agentUsageRate = 0.5;
    /// Share of chat spans carrying opt-in content (gen_ai.system_instructions, gen_ai.input.messages,
    /// gen_ai.output.messages). Default instrumentation captures none.
    double contentCaptureRate = 0.0;
};

/**
 * Generates OTLP requests that look like GenAI applications of several tenants: each trace is an
 * `invoke_agent` root with `chat` children (and sometimes an `execute_tool` child), attributes named as the
 * OpenTelemetry GenAI conventions name them, and a share of failed calls. Not thread-safe: give each
 * thread its own model (same seed, different stream).
 */
class TrafficModel
{
public:
    explicit TrafficModel(TrafficOptions options = {});

    /// Exactly @p spans spans (whole traces, the last one cut short if needed), grouped into one
    /// ResourceSpans per tenant + service + environment. Timestamps end shortly before now.
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest makeTraceRequest(int spans);

    /// Like makeTraceRequest(), but appends to @p request, which may live on a protobuf Arena: that halves
    /// the cost of generating a batch, which matters when the load generator drives a benchmark.
    void appendTraces(opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request, int spans);

    /// Up to @p records GenAI event log records (gen_ai.system.message, gen_ai.user.message, gen_ai.choice),
    /// each tied by trace and span id to a chat span from an earlier makeTraceRequest(); empty before the first.
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest makeLogsRequest(int records);

    const TrafficOptions& options() const { return m_options; }
    int tenantCount() const { return static_cast<int>(m_tenants.size()); }
    const std::string& tenantName(int tenant) const { return m_tenants[tenant].name; }

private:
    struct Tenant
    {
        std::string name;
        double weight = 1.0; ///< share of the fleet's traffic (a few tenants dominate, as in real life)
        std::vector<int> services;
        std::vector<int> models;
        mutable std::discrete_distribution<int> modelPick; ///< operator() is non-const, yet keeps no state
        int users = 100;
    };

    /// A chat span kept so later log records can refer to it.
    struct LlmCall
    {
        std::string traceId;
        std::string spanId;
        std::uint64_t startNs;
        std::uint64_t endNs;
        int tenant;
        int service;
        int environment;
        int model;
        int prompt;
        int fill; ///< the number substituted into the prompt template
        int user;
        bool failed;
        std::string_view finishReason;
    };

    /// What every span of one trace shares.
    struct TraceContext
    {
        int tenant = 0;
        int service = 0;
        int environment = 0;
        int user = 0;
        std::string traceId; ///< 16 raw bytes
        std::string rootSpanId; ///< 8 raw bytes
        std::string conversation;
        std::string userId;
    };

    /// One child of an agent span: decided first, then given tokens and a duration.
    struct ChildPlan
    {
        bool tool = false;
        int model = 0;
        int prompt = 0; ///< index into prompts(); for a tool, which of the service's tools
        int error = -1; ///< index into errorKinds(), -1 for success
        bool toolFollows = false; ///< the call asked for a tool, so its finish reason is tool_calls
        std::int64_t inputTokens = 0;
        std::int64_t outputTokens = 0;
        std::int64_t cacheReadTokens = 0;
        std::int64_t maxTokens = 0;
        std::string_view finishReason;
        std::uint64_t startNs = 0; ///< relative to the root span's start
        std::uint64_t durationNs = 0;
    };

    struct ResourceSlot;
    using TraceRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
    using KeyValues = google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;

    void buildTenants();
    int addTrace(TraceRequest& request, std::vector<ResourceSlot>& slots, int budget);
    std::vector<ChildPlan> planChildren(const Tenant& tenant, int service, int mainModel, int mainPrompt, int budget);
    void layOutChild(const ServiceInfo& service, ChildPlan& child);
    void addChatSpan(const TraceContext& trace, const ChildPlan& plan, std::uint64_t startNs, std::uint64_t endNs,
        opentelemetry::proto::trace::v1::ScopeSpans* scope);
    void addCapturedContent(KeyValues* attributes, const ChildPlan& plan, const LlmCall& call);
    void addToolSpan(const TraceContext& trace, std::string_view tool, std::uint64_t startNs, std::uint64_t endNs,
        opentelemetry::proto::trace::v1::ScopeSpans* scope);
    ResourceSlot& slotFor(
        TraceRequest& request, std::vector<ResourceSlot>& slots, int tenant, int service, int environment);
    void fillResource(KeyValues* attributes, int tenant, int service, int environment) const;
    void remember(const LlmCall& call);

    double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng); }
    int uniformInt(int low, int high) { return std::uniform_int_distribution<int>(low, high)(m_rng); }
    double logNormal(double median, double sigma);
    std::string randomId(int bytes);
    std::string randomToken(std::string_view prefix, int length);
    std::string conversationFor(int tenant, int service);
    std::string promptText(int prompt, int fill, int tenant, int user) const;

    TrafficOptions m_options;
    std::mt19937_64 m_rng;
    std::mt19937_64 m_idRng; ///< separate from m_rng so ids can differ between otherwise identical runs
    std::vector<Tenant> m_tenants;
    std::discrete_distribution<int> m_tenantPick;
    std::discrete_distribution<int> m_errorPick;
    /// Open conversations per tenant and service, so several traces share a gen_ai.conversation.id.
    std::vector<std::vector<std::string>> m_conversations;
    std::deque<LlmCall> m_recentCalls;
};

} // namespace spanlight::loadgen
