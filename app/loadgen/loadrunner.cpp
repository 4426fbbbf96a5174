#include "loadrunner.h"

#include "replaybatches.h"
#include "sender.h"

#include <google/protobuf/arena.h>

#include <algorithm>

namespace spanlight::loadgen {

using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kMaxTransportBackoff { 2000 };
// Room for a 512-span batch on the arena without further allocations; larger ones grow the arena.
constexpr std::size_t kArenaBlockBytes = 2 << 20;

std::int64_t recordCount(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request)
{
    std::int64_t count = 0;
    for (const auto& resourceLogs : request.resource_logs()) {
        for (const auto& scopeLogs : resourceLogs.scope_logs())
            count += scopeLogs.log_records_size();
    }
    return count;
}

} // namespace

LoadRunner::LoadRunner(LoadConfig config)
    : m_config(std::move(config))
{
    m_config.connections = std::max(1, m_config.connections);
    m_batchSize = std::max(1, m_config.batchSize);
    if (m_config.spansPerSecond > 0) {
        const double perWorker = m_config.spansPerSecond / m_config.connections;
        m_batchSize = std::clamp(static_cast<int>(perWorker), 1, m_batchSize);
    }
}

LoadRunner::~LoadRunner()
{
    stop();
    for (std::thread& worker : m_workers) {
        if (worker.joinable())
            worker.join();
    }
}

void LoadRunner::start()
{
    m_workerState.resize(static_cast<std::size_t>(m_config.connections));
    for (int i = 0; i < m_config.connections; ++i) {
        Worker& worker = m_workerState[static_cast<std::size_t>(i)];
        TrafficOptions traffic = m_config.traffic;
        traffic.stream = static_cast<std::uint64_t>(i);
        worker.model = std::make_unique<TrafficModel>(traffic);
        if (m_config.replayBatches > 0)
            worker.replay = std::make_unique<ReplayBatches>(*worker.model, m_config.replayBatches, m_batchSize);
    }
    m_started = Clock::now();
    m_finished = m_started;
    m_deadline = m_config.duration.count() > 0 ? m_started + m_config.duration : Clock::time_point::max();
    m_spansLeft = m_config.totalSpans;
    m_running = m_config.connections;
    for (int i = 0; i < m_config.connections; ++i)
        m_workers.emplace_back(&LoadRunner::workerMain, this, i);
}

void LoadRunner::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
    }
    m_wake.notify_all();
}

bool LoadRunner::waitFor(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    return m_wake.wait_for(lock, timeout, [this] { return m_running.load() == 0; });
}

bool LoadRunner::sleepUntil(Clock::time_point deadline)
{
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_until(lock, deadline, [this] { return m_stopped.load(); });
}

int LoadRunner::claimSpans(int wanted)
{
    if (m_config.totalSpans <= 0)
        return wanted;
    std::int64_t left = m_spansLeft.load();
    std::int64_t take = 0;
    do {
        if (left <= 0)
            return 0;
        take = std::min<std::int64_t>(left, wanted);
    } while (!m_spansLeft.compare_exchange_weak(left, left - take));
    return static_cast<int>(take);
}

void LoadRunner::workerMain(int index)
{
    std::vector<std::int64_t> latencies;
    Worker& worker = m_workerState[static_cast<std::size_t>(index)];
    try {
        std::unique_ptr<Sender> sender = m_config.makeSender ? m_config.makeSender() : nullptr;
        if (!sender)
            throw std::runtime_error("no sender for " + m_config.endpoint);

        // Pacing is a token bucket in its "virtual scheduling" form: each batch moves the next allowed send
        // time forward by its size / rate, and the worker sleeps (never spins) until then.
        const double rate = m_config.spansPerSecond / m_config.connections;
        const auto secondsToClock = [](double seconds) {
            return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
        };
        // Workers start staggered across one batch interval, so that at low rates requests arrive evenly
        // instead of K at a time.
        Clock::time_point next = Clock::now();
        if (rate > 0)
            next += secondsToClock(m_batchSize / rate * index / m_config.connections);
        double logCredit = 0;
        while (!stopped() && Clock::now() < m_deadline) {
            if (rate > 0 && (!sleepUntil(std::min(next, m_deadline)) || Clock::now() >= m_deadline))
                break;
            const int spans = claimSpans(m_batchSize);
            if (spans == 0)
                break;
            sendTraceBatch(worker, *sender, spans, latencies);

            if (rate > 0) {
                next += secondsToClock(spans / rate);
                // After a stall (slow receiver, backoff) catch up by at most one batch, not in a long burst.
                next = std::max(next, Clock::now() - secondsToClock(m_batchSize / rate));
            }
            if (m_config.logRecordsPerSpan > 0) {
                logCredit += spans * m_config.logRecordsPerSpan;
                const int wanted = static_cast<int>(logCredit);
                logCredit -= wanted;
                const auto logs = worker.model->makeLogsRequest(wanted);
                if (const std::int64_t records = recordCount(logs); records > 0) {
                    m_logRecordsSent += records;
                    deliver(
                        *sender, [&] { return sender->send(logs); }, records, true, latencies);
                }
            }
        }
    } catch (const std::exception& e) {
        abort(std::string("worker ") + std::to_string(index) + " failed: " + e.what());
    }
    {
        std::lock_guard lock(m_mutex);
        m_latenciesNs.insert(m_latenciesNs.end(), latencies.begin(), latencies.end());
        if (--m_running == 0)
            m_finished = Clock::now();
    }
    m_wake.notify_all();
}

void LoadRunner::sendTraceBatch(Worker& worker, Sender& sender, int spans, std::vector<std::int64_t>& latencies)
{
    m_spansSent += spans;
    if (worker.replay && spans == worker.replay->spansPerBatch()) {
        const std::string& body = worker.replay->next();
        deliver(
            sender, [&] { return sender.sendSerialized(Sender::Signal::Traces, body); }, spans, false, latencies);
        return;
    }
    // One arena per batch: the thousands of small messages of a batch cost a pointer bump each and are
    // freed at once, instead of one malloc/free pair each.
    thread_local std::vector<char> arenaBlock(kArenaBlockBytes);
    google::protobuf::ArenaOptions arenaOptions;
    arenaOptions.initial_block = arenaBlock.data();
    arenaOptions.initial_block_size = arenaBlock.size();
    google::protobuf::Arena arena(arenaOptions);
    auto* request
        = google::protobuf::Arena::CreateMessage<opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest>(
            &arena);
    worker.model->appendTraces(*request, spans);
    deliver(
        sender, [&] { return sender.send(*request); }, spans, false, latencies);
}

std::int64_t LoadRunner::deliver(Sender& sender, const std::function<SendResult()>& attempt, std::int64_t items,
    bool isLogs, std::vector<std::int64_t>& latencies)
{
    const auto firstAttempt = Clock::now();
    for (int attemptNumber = 0;; ++attemptNumber) {
        const SendResult result = attempt();
        ++m_requests;
        if (result.ok) {
            const std::int64_t acknowledged = items - std::clamp<std::int64_t>(result.rejectedItems, 0, items);
            m_anyAcknowledged = true;
            if (isLogs) {
                m_logRecordsAcknowledged += acknowledged;
            } else {
                m_spansAcknowledged += acknowledged;
                m_spansRejected += items - acknowledged;
                // Latency statistics describe span exports only, so that --logs does not blur them.
                latencies.push_back(result.latencyNs);
                m_latencySumNs += result.latencyNs;
                ++m_latencyCount;
            }
            if (acknowledged < items) {
                std::lock_guard lock(m_mutex);
                ++m_rejectedByStatus["partial success"];
                if (m_firstError.empty())
                    m_firstError
                        = "partial success, " + std::to_string(items - acknowledged) + " rejected: " + result.error;
            }
            return acknowledged;
        }
        recordFailure(result);
        // Nothing listening before anything was ever acknowledged is a setup mistake: say so at once instead
        // of retrying for a minute. Once traffic flowed, a refused connection is a restarting receiver.
        if (result.transportKind == "connection refused" && !m_anyAcknowledged) {
            abort("nothing is listening at " + sender.describe() + " (" + result.transportKind
                + "); is the collector running?");
            return 0;
        }
        if (!result.retryable) {
            // Likewise, a permanent refusal (404, 401, 415...) of the very first batch will repeat for all.
            if (!m_anyAcknowledged)
                abort("the receiver refused the first batch: " + result.error);
            return 0;
        }
        const auto now = Clock::now();
        const auto retryLeft
            = m_config.retryTimeout - std::chrono::duration_cast<std::chrono::milliseconds>(now - firstAttempt);
        if (retryLeft.count() <= 0)
            return 0;
        std::chrono::milliseconds backoff = m_config.defaultBackoff;
        if (result.retryAfter)
            backoff = *result.retryAfter;
        else if (result.transportError)
            backoff = std::min(kMaxTransportBackoff, m_config.defaultBackoff * (1 << std::min(attemptNumber, 5)));
        ++m_retries;
        if (!sleepUntil(now + std::min(backoff, retryLeft)))
            return 0; // stopped: the batch stays unacknowledged
    }
}

void LoadRunner::recordFailure(const SendResult& result)
{
    ++m_rejectedResponses;
    std::lock_guard lock(m_mutex);
    ++m_rejectedByStatus[result.label()];
    if (m_firstError.empty())
        m_firstError = result.error;
}

void LoadRunner::abort(const std::string& reason)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_abortReason.empty())
            m_abortReason = reason;
        m_stopped = true;
    }
    m_wake.notify_all();
}

LoadCounters LoadRunner::counters() const
{
    LoadCounters c;
    {
        std::lock_guard lock(m_mutex);
        if (!m_workers.empty()) {
            const auto end = m_running.load() == 0 ? m_finished : Clock::now();
            c.elapsedSeconds = std::chrono::duration<double>(end - m_started).count();
        }
    }
    c.spansSent = m_spansSent;
    c.spansAcknowledged = m_spansAcknowledged;
    c.logRecordsSent = m_logRecordsSent;
    c.logRecordsAcknowledged = m_logRecordsAcknowledged;
    c.requests = m_requests;
    c.retries = m_retries;
    c.rejectedResponses = m_rejectedResponses;
    c.latencySumNs = m_latencySumNs;
    c.latencyCount = m_latencyCount;
    return c;
}

LoadSummary LoadRunner::wait()
{
    for (std::thread& worker : m_workers) {
        if (worker.joinable())
            worker.join();
    }
    LoadSummary summary;
    summary.endpoint = m_config.endpoint;
    summary.spansSent = m_spansSent;
    summary.spansAcknowledged = m_spansAcknowledged;
    summary.spansRejected = m_spansRejected;
    summary.logRecordsSent = m_logRecordsSent;
    summary.logRecordsAcknowledged = m_logRecordsAcknowledged;
    summary.requests = m_requests;
    summary.retries = m_retries;
    std::lock_guard lock(m_mutex);
    summary.elapsedSeconds = std::chrono::duration<double>(m_finished - m_started).count();
    summary.rejectedByStatus = m_rejectedByStatus;
    summary.firstError = m_firstError;
    summary.abortReason = m_abortReason;
    summary.ackLatency = latencyStats(m_latenciesNs);
    return summary;
}

} // namespace spanlight::loadgen
