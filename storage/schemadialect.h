#pragma once

#include <string>
#include <vector>

namespace spanlight {

/// What SqliteConnection needs from a dialect to open a database: the
/// connection's pragmas and the schema migrations. Each database (telemetry.db,
/// control.db) has its own dialect deriving from this, holding the rest of its
/// engine-specific SQL.
class SchemaDialect
{
public:
    virtual ~SchemaDialect() = default;

    /// Statements run on every new read-write connection, before any migration.
    virtual std::vector<std::string> connectionSetup(bool synchronousFull) const = 0;
    /// Schema migrations; entry i moves the schema from version i to i + 1.
    virtual std::vector<std::vector<std::string>> migrations() const = 0;
    virtual std::string readSchemaVersion() const = 0;
    virtual std::string writeSchemaVersion(int version) const = 0;
    /// Starts a write transaction that takes the write lock at once.
    virtual std::string beginWrite() const = 0;
};

} // namespace spanlight
