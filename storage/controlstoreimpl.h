#pragma once

// ControlStore's private parts, shared by the files that implement its methods.

#include "controldialect.h"
#include "controlstore.h"
#include "sqliteconnection.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace spanlight {

void setError(std::string* error, std::string message);

struct ControlStore::Impl
{
    Options options;
    SqliteControlDialect dialect;

    std::thread thread;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> jobs;
    bool accepting = false;

    // Writer thread only: created, used and destroyed there (Qt's rule for QSqlDatabase).
    std::unique_ptr<SqliteConnection> connection;

    /// Runs \a job on the writer thread and waits for its result; \a whenClosed
    /// when the store is not open.
    template <typename Result, typename Job> Result run(Job&& job, Result whenClosed, std::string* error)
    {
        auto task = std::make_shared<std::packaged_task<Result()>>(std::forward<Job>(job));
        auto result = task->get_future();
        {
            std::lock_guard lock(mutex);
            if (!accepting) {
                setError(error, "control.db is not open");
                return whenClosed;
            }
            jobs.push_back([task] { (*task)(); });
        }
        wake.notify_one();
        return result.get();
    }

    void loop();

    // Writer-thread helpers.
    sqlite3* db() const { return connection->handle(); }
    std::string failed(const std::string& what) const; ///< "<what>: <SQLite's message>"
    Statement prepare(const std::string& sql, std::string* error) const;
    /// Runs \a body in one write transaction: committed when it returns true,
    /// rolled back (and \a error filled) otherwise.
    bool transaction(std::string* error, const std::function<bool(std::string*)>& body) const;
    /// Steps a statement that returns no rows; false (and \a error) when it failed.
    bool execute(Statement& statement, const std::string& what, std::string* error) const;
};

} // namespace spanlight
