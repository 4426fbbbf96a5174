#include "queryrunner.h"

#include "sqldialect.h"
#include "sqliteconnection.h"

#include <QtGlobal>
#include <algorithm>
#include <atomic>
#include <pthread.h>
#include <sqlite3.h>

namespace spanlight {

namespace {

// How many virtual machine steps SQLite runs between two looks at the cancel
// flag: catches a cancel that arrived between two statements, which
// sqlite3_interrupt alone would miss (it is a no-op while nothing runs).
constexpr int kProgressSteps = 1000;

int checkCancelled(void* flag)
{
    return static_cast<std::atomic<bool>*>(flag)->load(std::memory_order_relaxed) ? 1 : 0;
}

} // namespace

struct QueryRunner::Reader
{
    std::thread thread;
    sqlite3* db = nullptr; // guarded by m_mutex: interrupted only while its job runs
    Ticket current = 0; // guarded by m_mutex
    std::atomic<bool> cancel { false };
};

QueryRunner::QueryRunner(Options options)
    : m_options(std::move(options))
{
}

QueryRunner::~QueryRunner()
{
    stop();
}

bool QueryRunner::start(std::string* error)
{
    std::vector<std::future<std::string>> opened;
    for (int i = 0; i < std::max(m_options.threads, 1); ++i) {
        auto reader = std::make_unique<Reader>();
        auto promise = std::make_shared<std::promise<std::string>>();
        opened.push_back(promise->get_future());
        Reader* r = reader.get();
        reader->thread = std::thread([this, r, promise, i] {
            const std::string name = "sl-reader-" + std::to_string(i);
            pthread_setname_np(pthread_self(), name.c_str());
            run(*r, promise.get());
        });
        std::lock_guard lock(m_mutex);
        m_readers.push_back(std::move(reader));
    }
    error->clear();
    for (auto& f : opened) {
        std::string e = f.get();
        if (!e.empty() && error->empty())
            *error = e;
    }
    if (!error->empty()) {
        stop();
        return false;
    }
    return true;
}

void QueryRunner::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_queue.clear();
        for (auto& [channel, ticket] : m_latest)
            stopLocked(ticket);
        m_latest.clear();
    }
    m_wake.notify_all();
    m_idle.notify_all();
    for (auto& reader : m_readers)
        if (reader->thread.joinable())
            reader->thread.join();
    std::lock_guard lock(m_mutex); // cancel() walks the readers under it
    m_readers.clear();
}

QueryRunner::Ticket QueryRunner::enqueue(std::string channel, Work work)
{
    Ticket ticket = 0;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return 0;
        ticket = m_nextTicket++;
        Ticket& latest = m_latest[channel];
        if (latest)
            stopLocked(latest);
        latest = ticket;
        m_queue.push_back(Job { ticket, std::move(channel), std::move(work) });
    }
    m_wake.notify_one();
    return ticket;
}

void QueryRunner::cancel(Ticket ticket)
{
    std::lock_guard lock(m_mutex);
    for (auto it = m_latest.begin(); it != m_latest.end(); ++it) {
        if (it->second == ticket) {
            m_latest.erase(it);
            stopLocked(ticket);
            break;
        }
    }
    if (m_queue.empty() && m_running == 0)
        m_idle.notify_all();
}

bool QueryRunner::isCurrent(Ticket ticket) const
{
    std::lock_guard lock(m_mutex);
    return std::any_of(
        m_latest.begin(), m_latest.end(), [ticket](const auto& entry) { return entry.second == ticket; });
}

void QueryRunner::waitIdle()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_queue.empty() && m_running == 0; });
}

void QueryRunner::stopLocked(Ticket ticket)
{
    std::erase_if(m_queue, [ticket](const Job& job) { return job.ticket == ticket; });
    for (auto& reader : m_readers) {
        // m_mutex is held, and a reader clears `current` under it before its
        // next job: the interrupt cannot hit a later job on that connection.
        if (reader->current == ticket && reader->db) {
            reader->cancel = true;
            sqlite3_interrupt(reader->db);
        }
    }
}

void QueryRunner::run(Reader& reader, std::promise<std::string>* opened)
{
    SqliteDialect dialect;
    SqliteConnection connection;
    std::string error;
    if (!connection.open(m_options.path, SqliteConnection::Mode::ReadOnly, dialect, false, &error)) {
        opened->set_value(error);
        return;
    }
    sqlite3_progress_handler(connection.handle(), kProgressSteps, checkCancelled, &reader.cancel);
    {
        std::lock_guard lock(m_mutex);
        reader.db = connection.handle();
    }
    opened->set_value({});

    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                break;
            job = std::move(m_queue.front());
            m_queue.pop_front();
            reader.current = job.ticket;
            reader.cancel = false;
            ++m_running;
        }
        const QueryControl control { &reader.cancel };
        std::function<void(Ticket)> deliver = job.work(connection.handle(), control);
        job.work = nullptr; // the query's captures go before delivery
        bool current = false;
        {
            std::lock_guard lock(m_mutex);
            reader.current = 0;
            const auto it = m_latest.find(job.channel);
            current = it != m_latest.end() && it->second == job.ticket && !m_stopping;
        }
        if (current && deliver) {
            try {
                deliver(job.ticket);
            } catch (const std::exception& e) {
                // A failed hand-over must not take the reader thread down with it.
                qWarning("spanlight: delivering a query result failed: %s", e.what());
            }
        }
        deliver = nullptr;
        std::lock_guard lock(m_mutex);
        --m_running;
        if (m_queue.empty() && m_running == 0)
            m_idle.notify_all();
    }
    {
        std::lock_guard lock(m_mutex);
        reader.db = nullptr;
    }
    sqlite3_progress_handler(connection.handle(), 0, nullptr, nullptr);
    connection.close();
}

} // namespace spanlight
