#pragma once

#include "gendbcatalog.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace spanlight::gendb {

struct GenDbOptions;

enum class SpanRole { Root, Chat, Embeddings, Tool, Retrieval };

/// One span of a planned trace, before any dialect has named its attributes.
struct PlannedSpan
{
    SpanRole role = SpanRole::Chat;
    int parent = -1; ///< index in PlannedTrace::spans; -1 for the root
    std::string spanId; ///< 8 raw bytes
    std::uint64_t startNs = 0;
    std::uint64_t endNs = 0;
    int model = -1; ///< index into allModels()
    int prompt = -1; ///< index into TraceShaper::prompts()
    int tool = -1; ///< index into the service's tools
    int error = -1; ///< index into loadgen::errorKinds(); -1 for success
    int fill = 0; ///< the number put into the prompt template
    int maxTokens = 0;
    std::int64_t inputTokens = 0; ///< includes cache read and write tokens (current OTel convention)
    std::int64_t outputTokens = 0; ///< includes reasoning tokens
    std::int64_t cacheReadTokens = 0;
    std::int64_t cacheWriteTokens = 0;
    std::int64_t reasoningTokens = 0;
    std::string_view finishReason;
};

/// One trace: what all its spans share, then its spans, parents before children.
struct PlannedTrace
{
    int tenant = 0;
    int service = 0;
    int environment = 0;
    int user = 0;
    Dialect dialect = Dialect::OTel;
    PromptMode promptMode = PromptMode::Name;
    bool routed = false; ///< model names carry a gateway prefix ("openai/") and no provider key
    bool repeatUsage = false; ///< the root repeats its children's usage (spend must still count once)
    bool logsFirst = false; ///< LogsOnly content is exported before the spans' batch, not after
    std::string traceId; ///< 16 raw bytes
    std::string conversation;
    std::vector<PlannedSpan> spans;
};

/// The synthetic fleet (tenants with their services and models) and the planning of one trace in it:
/// span tree, models, prompts (Zipf), tokens, lognormal latency per model, errors. Deterministic for a seed.
class TraceShaper
{
public:
    explicit TraceShaper(const GenDbOptions& options);

    /// Plans the next trace starting at @p startNs with at most @p budget spans (a cut trace keeps its root).
    void plan(PlannedTrace& trace, std::uint64_t startNs, int budget);

    const std::vector<GenPrompt>& prompts() const { return m_prompts; }
    int tenantCount() const { return static_cast<int>(m_tenants.size()); }
    const std::string& tenantName(int tenant) const { return m_tenants[static_cast<std::size_t>(tenant)].name; }
    const std::string& environmentName(int environment) const
    {
        return m_environments[static_cast<std::size_t>(environment)];
    }
    /// The tenant whose calls to one model are much slower than anyone else's (for the heatmap comparison).
    int slowTenant() const { return m_slowTenant; }
    int slowModel() const { return m_slowModel; }

private:
    struct Tenant
    {
        std::string name;
        std::vector<int> services;
        std::vector<int> models; ///< chat and reasoning models, the tenant's favourite first
        std::discrete_distribution<int> modelPick;
        int embeddingModel = -1;
        int users = 100;
    };

    void buildFleet(const GenDbOptions& options);
    void addRetrieval(PlannedTrace& trace, const Tenant& tenant, std::uint64_t& cursor, int budget);
    void addChats(PlannedTrace& trace, Tenant& tenant, std::uint64_t& cursor, int budget);
    int pickPrompt(int service);
    int pickError(int prompt);
    void layOutChat(const PlannedTrace& trace, PlannedSpan& span);
    int addSpan(PlannedTrace& trace, SpanRole role, int parent, std::uint64_t startNs);
    std::string conversationId(const PlannedTrace& trace, std::uint64_t startNs) const;

    double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng); }
    int uniformInt(int low, int high) { return std::uniform_int_distribution<int>(low, high)(m_rng); }
    double logNormal(double median, double sigma);

    std::mt19937_64 m_rng;
    std::mt19937_64 m_idRng; ///< ids apart, so a change in the shape leaves the id sequence alone
    int m_serviceCount = 0;
    int m_modelCount = 0;
    double m_callErrorRate = 0; ///< per LLM call, before the prompt's factor
    std::vector<GenPrompt> m_prompts;
    std::vector<std::discrete_distribution<int>> m_promptPick; ///< per service, over its prompts (Zipf)
    std::vector<std::vector<int>> m_servicePrompts;
    std::vector<Tenant> m_tenants;
    std::discrete_distribution<int> m_tenantPick;
    std::vector<std::string> m_environments;
    std::discrete_distribution<int> m_environmentPick;
    std::discrete_distribution<int> m_errorPick;
    int m_slowTenant = 0;
    int m_slowModel = 0;
};

} // namespace spanlight::gendb
