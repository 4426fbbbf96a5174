#pragma once

// Internal to storage/tenantpurge*.cpp.

#include "sqliteconnection.h"

#include <sqlite3.h>
#include <string>
#include <string_view>

namespace spanlight {

/// A prepared statement for the purge's steps that keeps its first failure,
/// so a step reads as plain loops and checks rc() once per statement.
class PurgeStatement
{
public:
    PurgeStatement(sqlite3* db, const std::string& sql)
        : m_db(db)
        , m_statement(db, sql)
    {
        if (!m_statement.valid())
            m_rc = sqlite3_errcode(db) != SQLITE_OK ? sqlite3_errcode(db) : SQLITE_ERROR;
    }

    int rc() const { return m_rc; }

    PurgeStatement& bind(int index, int64_t value)
    {
        if (m_statement.valid())
            sqlite3_bind_int64(m_statement.get(), index, value);
        return *this;
    }
    PurgeStatement& bindBlob(int index, std::string_view value)
    {
        if (m_statement.valid())
            sqlite3_bind_blob(m_statement.get(), index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
        return *this;
    }
    PurgeStatement& bindText(int index, std::string_view value)
    {
        if (m_statement.valid())
            sqlite3_bind_text(m_statement.get(), index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
        return *this;
    }

    /// The next row; false when done or failed (rc() tells which).
    bool next()
    {
        if (!m_statement.valid() || m_rc != SQLITE_OK)
            return false;
        const int rc = sqlite3_step(m_statement.get());
        if (rc == SQLITE_ROW)
            return true;
        if (rc != SQLITE_DONE)
            m_rc = rc;
        return false;
    }
    /// Runs to the end and resets; returns the number of rows changed.
    int64_t run()
    {
        while (next()) { }
        const int64_t changes = m_rc == SQLITE_OK ? sqlite3_changes64(m_db) : 0;
        reset();
        return changes;
    }
    void reset()
    {
        if (!m_statement.valid())
            return;
        sqlite3_reset(m_statement.get());
        sqlite3_clear_bindings(m_statement.get());
    }

    int columns() const { return m_statement.valid() ? sqlite3_column_count(m_statement.get()) : 0; }
    bool isNull(int column) const { return sqlite3_column_type(m_statement.get(), column) == SQLITE_NULL; }
    int64_t integer(int column) const { return sqlite3_column_int64(m_statement.get(), column); }
    std::string_view blob(int column) const
    {
        const void* data = sqlite3_column_blob(m_statement.get(), column);
        return data ? std::string_view(
                   static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(m_statement.get(), column)))
                    : std::string_view();
    }

private:
    sqlite3* m_db;
    Statement m_statement;
    int m_rc = SQLITE_OK;
};

} // namespace spanlight
