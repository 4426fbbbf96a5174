#pragma once

#include "gendbdialect.h"
#include "gendboptions.h"
#include "gendbshape.h"
#include "gendbtimeline.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <vector>

namespace google::protobuf {
class Arena;
}

namespace spanlight::gendb {

/// One export request the generator made: traces or logs, allocated on its own arena.
struct GenRequest
{
    std::unique_ptr<google::protobuf::Arena> arena;
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest* traces = nullptr;
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest* logs = nullptr;
    int spans = 0;
    int traceCount = 0;
    int logRecords = 0;

    GenRequest();
    ~GenRequest();
    GenRequest(GenRequest&&) noexcept;
    GenRequest& operator=(GenRequest&&) noexcept;
};

/**
 * Makes the export requests of a whole run in the order an exporter fleet would send them: trace batches
 * of about --batch spans (whole traces) in time order, and log requests with the content of chat spans whose
 * instrumentation puts prompts in log events, some sent just before the spans' batch, most one to three
 * batches after it. Only a few batches' worth of state is held, whatever the run's size.
 */
class GenDbGenerator
{
public:
    explicit GenDbGenerator(const GenDbOptions& options);
    ~GenDbGenerator();

    /// The next request; false once every span and log record has been handed out.
    bool next(GenRequest& request);

    std::int64_t spansMade() const { return m_spans; }
    std::int64_t tracesMade() const { return m_traces; }
    std::int64_t logsMade() const { return m_logs; }
    /// Start of the latest trace made (how far through the period the run is).
    std::int64_t currentNs() const { return m_currentNs; }
    const TraceShaper& shaper() const { return m_shaper; }

private:
    struct LaterLog
    {
        std::int64_t dueBatch; ///< sent right after this trace batch
        ContentLog log;
    };

    void makeTraceBatch();
    GenRequest makeLogsRequest(std::vector<ContentLog>& logs);

    GenDbOptions m_options;
    TraceShaper m_shaper;
    TimeLine m_timeLine;
    std::mt19937_64 m_rng;
    PlannedTrace m_trace; ///< reused: its vectors keep their capacity
    std::deque<GenRequest> m_ready;
    std::vector<ContentLog> m_before; ///< content to send ahead of the batch being built
    std::vector<LaterLog> m_later; ///< content to send once its batch number has gone out
    std::int64_t m_batch = 0;
    std::int64_t m_spans = 0;
    std::int64_t m_traces = 0;
    std::int64_t m_logs = 0;
    std::int64_t m_currentNs = 0;
};

} // namespace spanlight::gendb
