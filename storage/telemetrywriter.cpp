#include "telemetrywriter.h"

#include "latencyhistogram.h"
#include "writerstate.h"

#include <QtGlobal>
#include <algorithm>
#include <chrono>
#include <pthread.h>
#include <sqlite3.h>
#include <unordered_set>
#include <utility>

namespace spanlight {

namespace {

int64_t nowNs(const WriterOptions& options)
{
    if (options.clockNs)
        return options.clockNs();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

TelemetryWriter::TelemetryWriter(WriterOptions options)
    : m_options(std::move(options))
{
}

TelemetryWriter::~TelemetryWriter()
{
    stop();
}

bool TelemetryWriter::start(std::string* error)
{
    // Shared: the writer thread may still be inside set_value() when we wake.
    auto opened = std::make_shared<std::promise<std::string>>();
    auto result = opened->get_future();
    m_thread = std::thread([this, opened] {
        pthread_setname_np(pthread_self(), "sl-writer"); // visible in top -H, perf, gdb
        run(opened.get());
    });
    *error = result.get();
    if (!error->empty()) {
        m_thread.join();
        return false;
    }
    std::lock_guard lock(m_mutex);
    m_running = true;
    return true;
}

TelemetryWriter::Admission TelemetryWriter::submit(std::shared_ptr<const IngestBatch> batch, Completion completion)
{
    const size_t items = batch->itemCount();
    {
        std::lock_guard lock(m_mutex);
        if (!m_running || m_stopping)
            return Admission::Stopped;
        // An empty queue always admits one batch, so a batch larger than the
        // queue (allowed by the body limit) is still stored rather than refused forever.
        const bool empty = m_queuedItems == 0;
        if (!empty
            && (m_queuedItems + items > m_options.maxQueuedItems
                || m_queuedBytes + batch->approxBytes > m_options.maxQueuedBytes))
            return Admission::QueueFull;
        m_queuedItems += items;
        m_queuedBytes += batch->approxBytes;
        m_ingest.push_back(Pending { std::move(batch), std::move(completion) });
    }
    m_wake.notify_one();
    return Admission::Accepted;
}

void TelemetryWriter::post(Job job)
{
    enqueueJob(std::move(job));
}

bool TelemetryWriter::enqueueJob(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running || m_stopping)
            return false;
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
    return true;
}

void TelemetryWriter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running)
            return;
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
    std::lock_guard lock(m_mutex);
    m_running = false;
}

WriterStats TelemetryWriter::stats() const
{
    WriterStats copy;
    {
        std::lock_guard lock(m_statsMutex);
        copy = m_stats;
    }
    std::lock_guard lock(m_mutex);
    copy.queuedItems = m_queuedItems;
    copy.queuedBytes = m_queuedBytes;
    return copy;
}

void TelemetryWriter::setBeforeCommitHook(std::function<void()> hook)
{
    std::lock_guard lock(m_mutex);
    m_beforeCommit = std::move(hook);
}

void TelemetryWriter::run(std::promise<std::string>* opened)
{
    auto state = std::make_unique<State>();
    std::string error;
    if (!state->connection.open(
            m_options.path, SqliteConnection::Mode::ReadWrite, state->dialect, m_options.synchronousFull, &error)) {
        opened->set_value(error);
        return;
    }
    state->inserter = std::make_unique<BatchInserter>(state->connection.handle(), state->dialect);
    if (!state->inserter->valid()) {
        opened->set_value("cannot prepare the insert statements: " + state->inserter->lastError());
        return;
    }
    if (!state->inserter->load(&error)
        || !state->prepare(
            m_options.promptIdentifier, m_options.promptJoinCapacity, m_options.promptJoinBytes, &error)) {
        opened->set_value(error);
        return;
    }
    state->maintainRollups = m_options.maintainRollups;
    if (!state->refreshGrainBounds(nowNs(m_options), m_options.retention, &error)) {
        opened->set_value(error);
        return;
    }
    // Freed cell space is zeroed (no extra I/O), so rows that B-tree balancing
    // moves leave no stale copy behind for a tenant purge to miss.
    state->connection.exec(state->dialect.writerSecureDelete(false));
    // Our own checkpoint policy replaces SQLite's auto-checkpoint: a passive
    // checkpoint cannot reset a WAL that some reader always holds, so past a
    // limit the writer waits for readers (bounded by the busy timeout) instead.
    sqlite3_wal_hook(
        state->connection.handle(),
        [](void* frames, sqlite3*, const char*, int count) {
            *static_cast<int*>(frames) = count;
            return SQLITE_OK;
        },
        &state->walFrames);
    state->dedup = std::make_unique<DedupWindow>(m_options.dedupWindow);
    state->preloadDedupWindow();
    m_state = std::move(state);
    opened->set_value({});

    std::vector<Pending> group;
    Retention retention(m_options.retention);
    RetentionReport round;
    bool retaining = false;
    // Rounds fold ended hours' rollup rows, then retain; folding goes on when
    // retention is off (queries of long ranges rely on it).
    const bool retentionOn = m_options.retention.intervalSeconds > 0;
    const bool roundsOn = retentionOn || (m_options.maintainRollups && m_options.foldIntervalSeconds > 0);
    const auto interval = std::chrono::seconds(
        std::max<int64_t>(1, retentionOn ? m_options.retention.intervalSeconds : m_options.foldIntervalSeconds));
    auto nextRound = std::chrono::steady_clock::now() + interval;
    auto roundStarted = nextRound;
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            const auto ready = [this] { return m_stopping || !m_ingest.empty() || !m_jobs.empty(); };
            // A round in progress goes on between commits without waiting.
            if (!roundsOn)
                m_wake.wait(lock, ready);
            else if (!retaining)
                m_wake.wait_until(lock, nextRound, ready);
            if (m_stopping && m_ingest.empty() && m_jobs.empty())
                break; // everything queued has been answered
            size_t items = 0;
            while (!m_ingest.empty()
                && (group.empty() || items + m_ingest.front().batch->itemCount() <= m_options.maxItemsPerCommit)) {
                items += m_ingest.front().batch->itemCount();
                group.push_back(std::move(m_ingest.front()));
                m_ingest.pop_front();
            }
            // Ingest has priority, but one job runs after every group so
            // maintenance never starves.
            if (!m_jobs.empty()) {
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
        }
        if (!group.empty()) {
            commitGroup(group);
            checkpointIfNeeded();
        }
        group.clear();
        if (job) {
            job(m_state->connection);
            checkpointIfNeeded(); // jobs write too, and only this policy checkpoints
        }
        if (!retaining && roundsOn && std::chrono::steady_clock::now() >= nextRound) {
            retention.beginRound(nowNs(m_options));
            round = {};
            retaining = true;
            roundStarted = std::chrono::steady_clock::now();
            nextRound = roundStarted + interval;
        }
        if (retaining) {
            retaining = retentionStep(retention, round, retentionOn);
            checkpointIfNeeded();
            // A round never outlives its interval: rows that keep arriving
            // already expired (clock bugs) must not keep it, and "now", frozen.
            if (std::chrono::steady_clock::now() - roundStarted > interval)
                retaining = false;
        }
        if (!retaining) {
            reportRetentionRound(round);
            round = {}; // reported once
        }
    }
    m_state.reset();
}

void TelemetryWriter::commitGroup(std::vector<Pending>& group)
{
    std::vector<WriteOutcome> outcomes(group.size());
    std::vector<size_t> members(group.size());
    for (size_t g = 0; g < group.size(); ++g)
        members[g] = g;
    if (!writeTransaction(group, members, outcomes) && group.size() > 1) {
        // One bad batch must not fail the batches it shares a commit with:
        // retry each in a transaction of its own.
        for (size_t g = 0; g < group.size(); ++g)
            writeTransaction(group, { g }, outcomes);
    }

    size_t items = 0, bytes = 0;
    for (const Pending& p : group) {
        items += p.batch->itemCount();
        bytes += p.batch->approxBytes;
    }
    {
        std::lock_guard lock(m_mutex);
        m_queuedItems -= items;
        m_queuedBytes -= bytes;
    }
    for (size_t g = 0; g < group.size(); ++g) {
        // Destroy each completion right after it ran: it may own the last
        // reference to a receiver's connection, which must not outlive the
        // receiver (whose drain waits for these completions).
        Completion done = std::exchange(group[g].completion, nullptr);
        try {
            done(outcomes[g]);
        } catch (const std::exception& e) {
            // An answer that failed to build must not take the writer down with it.
            qCritical("spanlight: answering an export failed: %s", e.what());
        }
    }
}

bool TelemetryWriter::writeTransaction(
    const std::vector<Pending>& group, const std::vector<size_t>& members, std::vector<WriteOutcome>& outcomes)
{
    const auto started = std::chrono::steady_clock::now();
    State& st = *m_state;

    // Drop spans stored before (a retried batch) or twice within this transaction.
    struct KeyHash
    {
        size_t operator()(const DedupWindow::Key& k) const { return DedupWindow::hash(k); }
    };
    std::unordered_set<DedupWindow::Key, KeyHash> inTransaction;
    size_t spanCount = 0;
    for (size_t g : members)
        spanCount += group[g].batch->spans.size();
    inTransaction.reserve(spanCount);
    std::vector<std::pair<const SpanRecord*, size_t>> spans; // span, index into group
    spans.reserve(spanCount);
    for (size_t g : members) {
        outcomes[g] = {};
        for (const SpanRecord& span : group[g].batch->spans) {
            if (st.dedup->contains(span.traceId, span.spanId)
                || !inTransaction.insert(DedupWindow::Key { span.traceId, span.spanId }).second) {
                ++outcomes[g].duplicates;
                continue;
            }
            spans.emplace_back(&span, g);
        }
    }
    // Each trace's spans become one contiguous rowid run: one trace_index row.
    std::stable_sort(
        spans.begin(), spans.end(), [](const auto& a, const auto& b) { return a.first->traceId < b.first->traceId; });

    std::string error;
    int rc = st.connection.exec(st.dialect.beginWrite(), &error);
    if (rc == SQLITE_OK) {
        std::vector<const IngestBatch*> batches;
        std::vector<size_t> batchOf(group.size(), 0);
        for (size_t g : members) {
            batchOf[g] = batches.size();
            batches.push_back(group[g].batch.get());
        }
        std::vector<WriterState::SpanRef> refs;
        refs.reserve(spans.size());
        for (auto& [span, g] : spans)
            refs.push_back({ span, batchOf[g] });
        rc = st.insertRows(batches, refs);
    }
    if (rc == SQLITE_OK) {
        std::function<void()> hook;
        {
            std::lock_guard lock(m_mutex);
            hook = m_beforeCommit;
        }
        if (hook)
            hook();
        rc = st.connection.exec("COMMIT", &error);
    } else if (error.empty()) {
        error = st.inserter->lastError();
    }

    const bool committed = rc == SQLITE_OK;
    if (committed) {
        st.committed();
        for (auto& [span, g] : spans)
            st.dedup->insert(span->traceId, span->spanId);
    } else {
        st.connection.exec("ROLLBACK");
        st.rolledBack();
        if (error.empty())
            error = sqlite3_errstr(rc);
    }
    const auto micros
        = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();

    std::lock_guard lock(m_statsMutex);
    // Say it once per change, in the log; the UI and /health read `healthy`.
    if (m_stats.healthy && !committed)
        qWarning("spanlight: storage unavailable, exports are answered 503 until it recovers: %s", error.c_str());
    else if (!m_stats.healthy && committed)
        qInfo("spanlight: storage writable again, ingest resumed");
    m_stats.healthy = committed;
    if (!committed) {
        ++m_stats.failedCommits;
        m_stats.lastError = error;
    } else {
        ++m_stats.commits;
        m_stats.lastCommitMicros = micros;
        m_stats.maxCommitMicros = std::max(m_stats.maxCommitMicros, static_cast<int64_t>(micros));
    }
    for (size_t g : members) {
        const IngestBatch& batch = *group[g].batch;
        WriteOutcome& out = outcomes[g];
        out.committed = committed;
        out.error = committed ? std::string() : error;
        if (!committed)
            continue;
        out.stored = static_cast<int64_t>(batch.spans.size()) - out.duplicates
            + static_cast<int64_t>(batch.logs.size() + batch.points.size());
        m_stats.spansStored += static_cast<int64_t>(batch.spans.size()) - out.duplicates;
        m_stats.logsStored += static_cast<int64_t>(batch.logs.size());
        m_stats.pointsStored += static_cast<int64_t>(batch.points.size());
        m_stats.duplicatesDropped += out.duplicates;
        for (const LogRow& l : batch.logs)
            ++m_stats.perService[l.dims.service].logs;
        for (const MetricPointRow& p : batch.points)
            ++m_stats.perService[p.dims.service].points;
    }
    if (committed)
        for (auto& [span, g] : spans)
            ++m_stats.perService[span->dims.service].spans;
    return committed;
}

} // namespace spanlight
