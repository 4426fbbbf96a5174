#pragma once

#include "querytypes.h"

#include <QString>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

struct sqlite3;

namespace spanlight {

/// A fixed set of reader threads, each owning a read-only connection created
/// in that thread (DESIGN.md rules 5 and 6). Jobs are query functions; each
/// carries a channel ("heatmap", "spend" ...): a newer job on a channel
/// supersedes the older one, which is dropped if queued and stopped with
/// sqlite3_interrupt if running, and its result is never delivered (hotspot's
/// JobTracker). Start it after the writer has created the database.
class QueryRunner
{
public:
    using Ticket = uint64_t;

    struct Options
    {
        QString path; ///< telemetry.db
        int threads = 2;
    };

    explicit QueryRunner(Options options);
    ~QueryRunner();
    QueryRunner(const QueryRunner&) = delete;
    QueryRunner& operator=(const QueryRunner&) = delete;

    /// Opens one connection per reader thread; false with a message if any failed.
    bool start(std::string* error);
    /// Drops queued jobs, interrupts running ones and joins the threads. Idempotent.
    void stop();

    /// Queues \a query (callable as Result(sqlite3*, const QueryControl&));
    /// returns its ticket, 0 once the runner is stopped.
    /// \a deliver(Ticket, Result) runs on the reader thread after the query's
    /// statements are finished, only if the job is still current then; marshal
    /// it to your thread (QPointer + queued invokeMethod) and compare the
    /// ticket there too, because a newer job may be submitted meanwhile.
    template <typename Query, typename Deliver> Ticket submit(std::string channel, Query query, Deliver deliver)
    {
        using Result = std::invoke_result_t<Query&, sqlite3*, const QueryControl&>;
        return enqueue(std::move(channel),
            [query = std::move(query), deliver = std::move(deliver)](
                sqlite3* db, const QueryControl& control) mutable -> std::function<void(Ticket)> {
                auto result = std::make_shared<Result>();
                try {
                    *result = query(db, control);
                } catch (const std::exception& e) {
                    // Out of memory on a huge range must not take the reader down.
                    if constexpr (std::is_base_of_v<QueryStatus, Result>)
                        result->error = e.what();
                }
                return [result, deliver](Ticket ticket) mutable { deliver(ticket, std::move(*result)); };
            });
    }

    /// Stops a job: dropped if queued, interrupted if running; never delivered.
    void cancel(Ticket ticket);
    /// True while \a ticket is the newest job of its channel and not cancelled.
    bool isCurrent(Ticket ticket) const;
    /// Blocks until no job is queued or running (tests, shutdown).
    void waitIdle();

private:
    using Work = std::function<std::function<void(Ticket)>(sqlite3*, const QueryControl&)>;
    struct Job
    {
        Ticket ticket = 0;
        std::string channel;
        Work work;
    };
    struct Reader;

    Ticket enqueue(std::string channel, Work work);
    void run(Reader& reader, std::promise<std::string>* opened);
    void stopLocked(Ticket ticket);

    Options m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<Job> m_queue;
    std::unordered_map<std::string, Ticket> m_latest; // channel -> its current ticket
    std::vector<std::unique_ptr<Reader>> m_readers;
    Ticket m_nextTicket = 1;
    int m_running = 0;
    bool m_stopping = false;
};

} // namespace spanlight
