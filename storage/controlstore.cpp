#include "controlstoreimpl.h"

#include "auditchain.h"
#include "controlrows.h"

#include <QDateTime>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>

namespace spanlight {

void setError(std::string* error, std::string message)
{
    if (error)
        *error = std::move(message);
}

namespace {

// control.db holds password and key hashes: create it readable by its owner
// only. SQLite gives the -wal and -shm files the database file's permissions.
bool createPrivateFile(const QString& path, std::string* error)
{
    const QByteArray native = path.toLocal8Bit();
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return true;
    }
    if (errno == EEXIST)
        return true;
    setError(error, "cannot create " + path.toStdString() + ": " + std::strerror(errno));
    return false;
}

} // namespace

void ControlStore::Impl::loop()
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex);
            wake.wait(lock, [this] { return !jobs.empty() || !accepting; });
            // Jobs queued before close() still run: their callers are waiting.
            if (jobs.empty())
                return;
            job = std::move(jobs.front());
            jobs.pop_front();
        }
        job();
    }
}

std::string ControlStore::Impl::failed(const std::string& what) const
{
    return what + ": " + sqlite3_errmsg(db());
}

Statement ControlStore::Impl::prepare(const std::string& sql, std::string* error) const
{
    Statement statement(db(), sql);
    if (!statement.valid())
        setError(error, failed("cannot prepare a control.db statement"));
    return statement;
}

bool ControlStore::Impl::execute(Statement& statement, const std::string& what, std::string* error) const
{
    if (!statement.valid())
        return false;
    if (sqlite3_step(statement.get()) != SQLITE_DONE) {
        setError(error, failed(what));
        return false;
    }
    return true;
}

bool ControlStore::Impl::transaction(std::string* error, const std::function<bool(std::string*)>& body) const
{
    std::string problem;
    if (connection->exec(dialect.beginWrite(), &problem) != SQLITE_OK) {
        setError(error, "cannot start a control.db transaction: " + problem);
        return false;
    }
    if (!body(&problem)) {
        connection->exec(dialect.rollback());
        setError(error, problem.empty() ? std::string("control.db write failed") : problem);
        return false;
    }
    if (connection->exec(dialect.commit(), &problem) != SQLITE_OK) {
        connection->exec(dialect.rollback());
        setError(error, "cannot commit to control.db: " + problem);
        return false;
    }
    return true;
}

ControlStore::ControlStore()
    : m_impl(std::make_unique<Impl>())
{
}

ControlStore::~ControlStore()
{
    close();
}

bool ControlStore::open(const Options& options, std::string* error)
{
    if (m_impl->thread.joinable()) {
        setError(error, "control.db is already open");
        return false;
    }
    if (options.path.isEmpty()) {
        setError(error, "no path given for control.db");
        return false;
    }
    if (options.auditMacKey.size() != kAuditHashSize) {
        setError(error,
            "the audit key must be " + std::to_string(kAuditHashSize) + " bytes, not "
                + std::to_string(options.auditMacKey.size()));
        return false;
    }
    if (!createPrivateFile(options.path, error))
        return false;
    m_impl->options = options;
    // Shared: the writer thread may still be inside set_value() when we wake.
    auto opened = std::make_shared<std::promise<std::string>>();
    auto result = opened->get_future();
    Impl* impl = m_impl.get();
    impl->thread = std::thread([impl, opened] {
        pthread_setname_np(pthread_self(), "sl-control"); // visible in top -H, perf, gdb
        impl->connection = std::make_unique<SqliteConnection>();
        std::string problem;
        if (!impl->connection->open(
                impl->options.path, SqliteConnection::Mode::ReadWrite, impl->dialect, true, &problem)) {
            impl->connection.reset();
            opened->set_value(problem.empty() ? std::string("cannot open control.db") : problem);
            return;
        }
        {
            std::lock_guard lock(impl->mutex);
            impl->accepting = true;
        }
        opened->set_value({});
        impl->loop();
        impl->connection.reset();
    });
    const std::string problem = result.get();
    if (!problem.empty()) {
        impl->thread.join();
        setError(error, problem);
        return false;
    }
    return true;
}

void ControlStore::close()
{
    if (!m_impl->thread.joinable())
        return;
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->accepting = false;
    }
    m_impl->wake.notify_one();
    m_impl->thread.join();
}

bool ControlStore::runOnWriter(const std::function<bool(sqlite3*, std::string*)>& job, std::string* error)
{
    return m_impl->run([this, &job, error] { return job(m_impl->db(), error); }, false, error);
}

std::vector<UserRecord> ControlStore::users(std::string* error)
{
    return m_impl->run(
        [this, error] {
            std::vector<UserRecord> users;
            Statement select = m_impl->prepare(m_impl->dialect.selectUsers(), error);
            while (select.valid() && sqlite3_step(select.get()) == SQLITE_ROW)
                users.push_back(readUser(select.get()));
            return users;
        },
        std::vector<UserRecord>(), error);
}

std::optional<UserRecord> ControlStore::user(const QString& name, std::string* error)
{
    setError(error, {});
    return m_impl->run(
        [this, &name, error]() -> std::optional<UserRecord> {
            Statement select = m_impl->prepare(m_impl->dialect.selectUserByName(), error);
            if (!select.valid())
                return std::nullopt;
            bindText(select.get(), 1, name);
            if (sqlite3_step(select.get()) != SQLITE_ROW)
                return std::nullopt;
            return readUser(select.get());
        },
        std::optional<UserRecord>(), error);
}

bool ControlStore::addUser(UserRecord user, std::string* error)
{
    if (user.name.trimmed().isEmpty() || user.name != user.name.trimmed()) {
        setError(error, "a user name must not be empty or start or end with spaces");
        return false;
    }
    if (user.createdMs == 0)
        user.createdMs = QDateTime::currentMSecsSinceEpoch();
    return m_impl->run(
        [this, &user, error] {
            return m_impl->transaction(error, [&](std::string* problem) {
                Statement insert = m_impl->prepare(m_impl->dialect.insertUser(), problem);
                if (!insert.valid())
                    return false;
                bindText(insert.get(), 1, user.name);
                bindText(insert.get(), 2, roleName(user.role));
                bindText(insert.get(), 3, user.passwordHash);
                bindInt(insert.get(), 4, user.disabled ? 1 : 0);
                bindInt(insert.get(), 5, user.failedAttempts);
                bindInt(insert.get(), 6, user.lockedUntilMs);
                bindInt(insert.get(), 7, user.createdMs);
                bindInt(insert.get(), 8, user.lastLoginMs);
                if (sqlite3_step(insert.get()) == SQLITE_DONE)
                    return true;
                if (sqlite3_extended_errcode(m_impl->db()) == SQLITE_CONSTRAINT_UNIQUE)
                    *problem = "a user named \"" + user.name.toStdString() + "\" already exists";
                else
                    *problem = m_impl->failed("cannot add the user");
                return false;
            });
        },
        false, error);
}

bool ControlStore::updateUser(const UserRecord& user, std::string* error)
{
    return m_impl->run(
        [this, &user, error] {
            return m_impl->transaction(error, [&](std::string* problem) {
                Statement update = m_impl->prepare(m_impl->dialect.updateUser(), problem);
                if (!update.valid())
                    return false;
                bindInt(update.get(), 1, user.id);
                bindText(update.get(), 2, roleName(user.role));
                bindText(update.get(), 3, user.passwordHash);
                bindInt(update.get(), 4, user.disabled ? 1 : 0);
                bindInt(update.get(), 5, user.failedAttempts);
                bindInt(update.get(), 6, user.lockedUntilMs);
                bindInt(update.get(), 7, user.lastLoginMs);
                if (!m_impl->execute(update, "cannot update the user", problem))
                    return false;
                if (sqlite3_changes(m_impl->db()) == 0) {
                    *problem = "no user with id " + std::to_string(user.id);
                    return false;
                }
                return true;
            });
        },
        false, error);
}

} // namespace spanlight
