#include "sqliteconnection.h"

#include "latencyhistogram.h"

#include "schemadialect.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QVariant>
#include <atomic>
#include <sqlite3.h>

namespace spanlight {

namespace {
std::atomic<int> s_connectionCounter { 0 };
}

SqliteConnection::~SqliteConnection()
{
    close();
}

bool SqliteConnection::open(
    const QString& path, Mode mode, const SchemaDialect& dialect, bool synchronousFull, std::string* error)
{
    m_connectionName = QStringLiteral("spanlight-%1").arg(s_connectionCounter.fetch_add(1));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isValid()) {
        *error = "the Qt SQLite driver (QSQLITE) is not available: install libqt6sql6-sqlite";
        return false;
    }
    db.setDatabaseName(path);
    const QString timeout = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs);
    db.setConnectOptions(mode == Mode::ReadOnly ? QStringLiteral("QSQLITE_OPEN_READONLY;") + timeout : timeout);
    if (!db.open()) {
        *error = "cannot open " + path.toStdString() + ": " + db.lastError().text().toStdString();
        return false;
    }
    const QVariant native = db.driver()->handle();
    if (!native.isValid() || qstrcmp(native.typeName(), "sqlite3*") != 0) {
        *error = "the QSQLITE driver did not expose a native sqlite3 handle";
        return false;
    }
    m_handle = *static_cast<sqlite3* const*>(native.data());
    // Rollup upserts merge latency histograms inside SQLite.
    if (registerHistogramFunctions(m_handle) != SQLITE_OK) {
        *error = "cannot register the SQL functions: " + std::string(sqlite3_errmsg(m_handle));
        return false;
    }

    if (mode == Mode::ReadWrite) {
        for (const std::string& sql : dialect.connectionSetup(synchronousFull)) {
            if (exec(sql, error) != SQLITE_OK)
                return false;
        }
        return migrate(dialect, error);
    }
    return true;
}

bool SqliteConnection::migrate(const SchemaDialect& dialect, std::string* error)
{
    {
        Statement version(m_handle, dialect.readSchemaVersion());
        if (!version.valid() || sqlite3_step(version.get()) != SQLITE_ROW) {
            *error = std::string("cannot read the schema version: ") + sqlite3_errmsg(m_handle);
            return false;
        }
        m_schemaVersion = sqlite3_column_int(version.get(), 0);
    }
    const auto steps = dialect.migrations();
    if (m_schemaVersion > static_cast<int>(steps.size())) {
        *error = "the database has schema version " + std::to_string(m_schemaVersion)
            + ", newer than this Spanlight understands (" + std::to_string(steps.size()) + "); upgrade Spanlight";
        return false;
    }
    for (int v = m_schemaVersion; v < static_cast<int>(steps.size()); ++v) {
        if (exec(dialect.beginWrite(), error) != SQLITE_OK)
            return false;
        for (const std::string& sql : steps[v]) {
            if (exec(sql, error) != SQLITE_OK) {
                exec("ROLLBACK");
                *error = "migration to schema version " + std::to_string(v + 1) + " failed: " + *error;
                return false;
            }
        }
        if (exec(dialect.writeSchemaVersion(v + 1), error) != SQLITE_OK || exec("COMMIT", error) != SQLITE_OK) {
            exec("ROLLBACK");
            return false;
        }
        m_schemaVersion = v + 1;
    }
    return true;
}

void SqliteConnection::close()
{
    if (m_connectionName.isEmpty())
        return;
    m_handle = nullptr;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
}

int SqliteConnection::exec(const std::string& sql, std::string* error)
{
    char* message = nullptr;
    const int rc = sqlite3_exec(m_handle, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK && error)
        *error = message ? std::string(message) : std::string(sqlite3_errstr(rc));
    sqlite3_free(message);
    return rc;
}

Statement::Statement(sqlite3* db, const std::string& sql)
{
    if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr)
        != SQLITE_OK)
        m_stmt = nullptr;
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_stmt(other.m_stmt)
{
    other.m_stmt = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = other.m_stmt;
        other.m_stmt = nullptr;
    }
    return *this;
}

} // namespace spanlight
