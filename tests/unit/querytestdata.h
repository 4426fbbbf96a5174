#pragma once

#include "records.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"

#include <QTemporaryDir>
#include <memory>
#include <random>
#include <string>
#include <vector>

struct sqlite3;

namespace spanlight::test {

/// What the generated spans look like; every field a query filters or sums on
/// is set directly on the converted SpanRecord (no normaliser involved).
struct SpanMix
{
    uint64_t seed = 1;
    int spans = 24000;
    int64_t fromMinute = 0; ///< first start minute (not hour aligned on purpose)
    int64_t minutes = 3 * 1440;
    int batchSize = 400;
    double lateFraction = 0.05; ///< spans that arrive up to two hours after their start minute
    std::string slowTenant; ///< non-empty: this tenant's spans take 5-10 s, everybody else's < 0.5 s
};

extern const std::vector<std::string> kTenants;
extern const std::vector<std::string> kModels;
/// Prompt fingerprints used by the generator ("p" + 15 hex digits).
std::string promptFingerprint(int i);
constexpr int kPromptCount = 12;

/// The first minute of the query tests' data: 2026-11-22 00:17 UTC, not on
/// the edge of any grain.
constexpr int64_t kQueryDataFrom = 29'923'217;

/// A telemetry.db in a temporary directory, written by the real TelemetryWriter
/// from convertTraces/convertLogs output, and a read-only connection to it.
class QueryDb
{
public:
    QueryDb();
    ~QueryDb();

    WriterOptions writerOptions() const;
    /// Generates and writes spans; returns false (with a gtest failure) on error.
    bool writeSpans(const SpanMix& mix);
    /// One trace of \a spans spans plus \a logs logs for it (and unrelated logs).
    bool writeTrace(const TraceId& trace, int spans, int logs, int64_t startMinute);
    /// Runs a retention round in the writer at \a nowNs with \a options.
    bool retain(int64_t nowNs);
    /// Folds the minute rollup rows of every hour that ended before \a nowNs;
    /// returns how many hours were folded (-1 on failure, with a gtest failure).
    int64_t fold(int64_t nowNs);
    void stopWriter();

    /// Read-only connection (opened on first use, after the writer stopped).
    sqlite3* db();
    QString path() const { return m_dir.path() + QStringLiteral("/telemetry.db"); }

    RetentionOptions retention; ///< used by retain(); applied when the writer starts
    /// The writer's "now" (WriterOptions::clockNs), fixed so results do not
    /// depend on the day the tests run: three days after kQueryDataFrom.
    int64_t nowNs = (kQueryDataFrom + 3 * 1440) * 60'000'000'000;

private:
    bool startWriter();
    bool store(std::shared_ptr<IngestBatch> batch);

    QTemporaryDir m_dir;
    std::unique_ptr<TelemetryWriter> m_writer;
    std::unique_ptr<SqliteConnection> m_reader;
    std::mt19937_64 m_rng { 99 };
};

/// Plain SQL over the raw tables: the answers the queries must match.
int64_t rawScalar(sqlite3* db, const std::string& sql);
std::vector<std::vector<int64_t>> rawRows(sqlite3* db, const std::string& sql);
/// "(SELECT id FROM dict WHERE kind = k AND value = 'v')"
std::string dictIdSql(int kind, const std::string& value);
std::string hexBlob(const uint8_t* data, size_t size);

} // namespace spanlight::test
