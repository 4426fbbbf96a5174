#include "gendbgenerator.h"

#include <google/protobuf/arena.h>

#include <algorithm>

namespace spanlight::gendb {

using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
namespace tracepb = opentelemetry::proto::trace::v1;
namespace logspb = opentelemetry::proto::logs::v1;

namespace {

constexpr std::int64_t kDayNs = 86400LL * 1'000'000'000;
constexpr int kMaxLaterBatches = 3; // content trails its span by up to this many batches
constexpr double kMeanTraceSpans = 8; // spreads a trace's start over the progress it consumes

GenRequest newRequest()
{
    GenRequest request;
    google::protobuf::ArenaOptions options;
    options.start_block_size = 256 << 10; // a batch needs a few hundred KiB; skip the small first blocks
    request.arena = std::make_unique<google::protobuf::Arena>(options);
    return request;
}

} // namespace

GenRequest::GenRequest() = default;
GenRequest::~GenRequest() = default;
GenRequest::GenRequest(GenRequest&&) noexcept = default;
GenRequest& GenRequest::operator=(GenRequest&&) noexcept = default;

GenDbGenerator::GenDbGenerator(const GenDbOptions& options)
    : m_options(options)
    , m_shaper(options)
    , m_timeLine(options.endNs
              - (options.periodMinutes > 0 ? options.periodMinutes * 60'000'000'000LL : options.days * kDayNs),
          options.endNs)
    , m_rng(options.seed ^ 0x5851F42D4C957F2DULL)
{
}

GenDbGenerator::~GenDbGenerator() = default;

bool GenDbGenerator::next(GenRequest& request)
{
    while (m_ready.empty()) {
        if (m_spans < m_options.spans) {
            makeTraceBatch();
            continue;
        }
        if (m_later.empty())
            return false;
        // The run is over: whatever content still trails goes out now.
        std::vector<ContentLog> rest;
        for (LaterLog& later : m_later)
            rest.push_back(std::move(later.log));
        m_later.clear();
        m_ready.push_back(makeLogsRequest(rest));
    }
    request = std::move(m_ready.front());
    m_ready.pop_front();
    return true;
}

void GenDbGenerator::makeTraceBatch()
{
    struct Slot
    {
        ResourceKey key;
        tracepb::ScopeSpans* scopes[2]; ///< framework spans, LLM client spans
    };
    GenRequest request = newRequest();
    request.traces = google::protobuf::Arena::CreateMessage<ExportTraceServiceRequest>(request.arena.get());
    std::vector<Slot> slots;
    const auto total = static_cast<double>(m_options.spans);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    while (request.spans < m_options.batchSpans && m_spans < m_options.spans) {
        const double progress = (static_cast<double>(m_spans) + unit(m_rng) * kMeanTraceSpans) / total;
        m_currentNs = m_timeLine.at(progress);
        const auto budget = static_cast<int>(std::min<std::int64_t>(m_options.spans - m_spans, 1 << 20));
        m_shaper.plan(m_trace, static_cast<std::uint64_t>(m_currentNs), budget);
        // A trace that would outlast --end moves back whole: every span of the
        // period starts and ends before it (the root, first, ends last).
        const auto endNs = static_cast<std::uint64_t>(m_options.endNs);
        if (const std::uint64_t traceEnd = m_trace.spans.front().endNs; traceEnd >= endNs) {
            for (PlannedSpan& span : m_trace.spans) {
                span.startNs -= traceEnd - endNs + 1;
                span.endNs -= traceEnd - endNs + 1;
            }
        }

        const ResourceKey key { m_trace.tenant, m_trace.service, m_trace.environment, m_trace.dialect };
        const WriteNames names { m_shaper.prompts(), m_shaper.tenantName(m_trace.tenant),
            m_shaper.environmentName(m_trace.environment) };
        auto slot = std::find_if(slots.begin(), slots.end(), [&](const Slot& s) { return s.key == key; });
        if (slot == slots.end()) {
            auto* resourceSpans = request.traces->add_resource_spans();
            writeResource(key, names, resourceSpans->mutable_resource()->mutable_attributes());
            Slot made { key, { resourceSpans->add_scope_spans(), resourceSpans->add_scope_spans() } };
            writeScope(key.dialect, false, made.scopes[0]->mutable_scope());
            writeScope(key.dialect, true, made.scopes[1]->mutable_scope());
            slots.push_back(made);
            slot = slots.end() - 1;
        }
        for (int i = 0; i < static_cast<int>(m_trace.spans.size()); ++i) {
            const bool llmClient = isLlmClientSpan(m_trace, i);
            writeSpan(m_trace, i, names, slot->scopes[llmClient ? 1 : 0]->add_spans());
            const PlannedSpan& span = m_trace.spans[static_cast<std::size_t>(i)];
            if (m_trace.promptMode != PromptMode::LogsOnly || span.role != SpanRole::Chat || span.prompt < 0)
                continue;
            if (m_trace.logsFirst)
                m_before.push_back(contentLogFor(m_trace, i));
            else
                m_later.push_back(
                    { m_batch + static_cast<std::int64_t>(m_rng() % kMaxLaterBatches), contentLogFor(m_trace, i) });
        }
        request.spans += static_cast<int>(m_trace.spans.size());
        ++request.traceCount;
        m_spans += static_cast<std::int64_t>(m_trace.spans.size());
        ++m_traces;
    }
    // An exporter's log pipeline can run ahead of its trace pipeline: this content goes first.
    if (!m_before.empty())
        m_ready.push_back(makeLogsRequest(m_before));
    m_ready.push_back(std::move(request));
    std::vector<ContentLog> due;
    auto stays = std::partition(
        m_later.begin(), m_later.end(), [this](const LaterLog& later) { return later.dueBatch > m_batch; });
    for (auto it = stays; it != m_later.end(); ++it)
        due.push_back(std::move(it->log));
    m_later.erase(stays, m_later.end());
    if (!due.empty())
        m_ready.push_back(makeLogsRequest(due));
    ++m_batch;
}

GenRequest GenDbGenerator::makeLogsRequest(std::vector<ContentLog>& logs)
{
    struct Slot
    {
        ResourceKey key;
        logspb::ScopeLogs* scope;
    };
    GenRequest request = newRequest();
    request.logs = google::protobuf::Arena::CreateMessage<ExportLogsServiceRequest>(request.arena.get());
    std::vector<Slot> slots;
    for (const ContentLog& log : logs) {
        const WriteNames names { m_shaper.prompts(), m_shaper.tenantName(log.resource.tenant),
            m_shaper.environmentName(log.resource.environment) };
        auto slot = std::find_if(slots.begin(), slots.end(), [&](const Slot& s) { return s.key == log.resource; });
        if (slot == slots.end()) {
            auto* resourceLogs = request.logs->add_resource_logs();
            writeResource(log.resource, names, resourceLogs->mutable_resource()->mutable_attributes());
            slots.push_back({ log.resource, resourceLogs->add_scope_logs() });
            writeScope(log.resource.dialect, true, slots.back().scope->mutable_scope());
            slot = slots.end() - 1;
        }
        request.logRecords += writeContentLogs(log, names, slot->scope);
    }
    m_logs += request.logRecords;
    logs.clear();
    return request;
}

} // namespace spanlight::gendb
