#pragma once

#include <QString>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace spanlight {

class SchemaDialect;

/// How long a connection waits for a lock held by another before SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 5000;

/// A SQLite connection opened through QtSql (QSQLITE links the system libsqlite3,
/// so its native handle is safe to use for prepared hot-path statements). Create,
/// use and destroy it on one thread: Qt's rule for QSqlDatabase.
class SqliteConnection
{
public:
    enum class Mode { ReadWrite, ReadOnly };

    SqliteConnection() = default;
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    /// Opens the file, applies the dialect's connection setup and, in ReadWrite
    /// mode, the pending migrations. On failure returns false and fills \a error.
    bool open(const QString& path, Mode mode, const SchemaDialect& dialect, bool synchronousFull, std::string* error);
    void close();

    sqlite3* handle() const { return m_handle; }
    int schemaVersion() const { return m_schemaVersion; }

    /// Runs one statement without results. Returns the SQLite result code.
    int exec(const std::string& sql, std::string* error = nullptr);

private:
    bool migrate(const SchemaDialect& dialect, std::string* error);

    QString m_connectionName;
    sqlite3* m_handle = nullptr;
    int m_schemaVersion = 0;
};

/// A prepared statement that finalises itself.
class Statement
{
public:
    Statement() = default;
    Statement(sqlite3* db, const std::string& sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;

    bool valid() const { return m_stmt != nullptr; }
    sqlite3_stmt* get() const { return m_stmt; }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace spanlight
