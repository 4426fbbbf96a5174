#pragma once

#include <string>
#include <vector>

namespace spanlight {

/// Dictionary kinds: which dimension a dictionary-encoded string belongs to.
enum class DictKind : int {
    Tenant = 1,
    Environment = 2,
    Service = 3,
    SpanName = 4,
    ErrorType = 5,
    Provider = 6,
    Model = 7,
    Operation = 8,
    PromptFingerprint = 9,
    Scope = 10,
    EventName = 11,
    MetricName = 12,
    Unit = 13,
};

/// Every piece of SQL whose spelling depends on the database engine. Storage code
/// asks this class instead of writing engine-specific SQL itself, so that a
/// PostgreSQL dialect (headless collectors on a shared server) is one more
/// implementation rather than a hunt through the code base.
class SqlDialect
{
public:
    virtual ~SqlDialect() = default;

    /// Statements run on every new connection, before any migration.
    virtual std::vector<std::string> connectionSetup(bool synchronousFull) const = 0;
    /// Schema migrations; entry i moves the schema from version i to i + 1.
    virtual std::vector<std::vector<std::string>> migrations() const = 0;
    virtual std::string readSchemaVersion() const = 0;
    virtual std::string writeSchemaVersion(int version) const = 0;

    virtual std::string insertSpan() const = 0;
    virtual std::string insertTraceIndex() const = 0;
    virtual std::string insertLog() const = 0;
    virtual std::string insertMetricPoint() const = 0;
    virtual std::string insertDictionaryEntry() const = 0;
    virtual std::string insertResource() const = 0;
    virtual std::string beginWrite() const = 0;

    // Schema v2: GenAI rollups and the side tables the writer maintains per commit.
    virtual std::string upsertSpanMinute() const = 0;
    virtual std::string insertLogIndex() const = 0;
    virtual std::string insertTenant() const = 0;
    virtual std::string upsertPrompt() const = 0;
    virtual std::string insertPriceRow() const = 0;
    virtual std::string upsertLatencyRollup() const = 0;
    virtual std::string upsertLatencyTotal() const = 0;
    virtual std::string upsertPromptTotal() const = 0;
    virtual std::string upsertSpendRollup() const = 0;
    virtual std::string upsertPromptRollup() const = 0;
    virtual std::string upsertPromptErrorRollup() const = 0;
    virtual std::string updateSpanPrompt() const = 0;
};

class SqliteDialect final : public SqlDialect
{
public:
    std::vector<std::string> connectionSetup(bool synchronousFull) const override;
    std::vector<std::vector<std::string>> migrations() const override;
    std::string readSchemaVersion() const override { return "PRAGMA user_version"; }
    std::string writeSchemaVersion(int version) const override;

    std::string insertSpan() const override;
    std::string insertTraceIndex() const override;
    std::string insertLog() const override;
    std::string insertMetricPoint() const override;
    std::string insertDictionaryEntry() const override;
    std::string insertResource() const override;
    std::string beginWrite() const override { return "BEGIN IMMEDIATE"; }

    std::string upsertSpanMinute() const override;
    std::string insertLogIndex() const override;
    std::string insertTenant() const override;
    std::string upsertPrompt() const override;
    std::string insertPriceRow() const override;
    std::string upsertLatencyRollup() const override;
    std::string upsertLatencyTotal() const override;
    std::string upsertPromptTotal() const override;
    std::string upsertSpendRollup() const override;
    std::string upsertPromptRollup() const override;
    std::string upsertPromptErrorRollup() const override;
    std::string updateSpanPrompt() const override;
};

} // namespace spanlight
