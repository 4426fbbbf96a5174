#pragma once

#include "collector.h"
#include "ingestlimits.h"
#include "telemetrywriter.h"

#include <QTemporaryDir>
#include <memory>
#include <set>
#include <string>

struct sqlite3;

namespace spanlight::test {

/// A real collector on 127.0.0.1, ports 0, over a real SQLite file in a
/// temporary directory.
class TestCollector
{
public:
    /// Ports in \a receivers are replaced by 0; TLS files are kept.
    explicit TestCollector(IngestLimits limits = {}, WriterOptions writer = {}, ReceiverOptions receivers = {});
    ~TestCollector();

    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }
    uint16_t httpPort() const { return m_collector->httpPort(); }
    uint16_t grpcPort() const { return m_collector->grpcPort(); }
    Collector& collector() { return *m_collector; }
    TelemetryWriter& writer() { return *m_writer; }
    QString dbPath() const { return m_dir.path() + QStringLiteral("/telemetry.db"); }
    void stop();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TelemetryWriter> m_writer;
    std::unique_ptr<Collector> m_collector;
    std::string m_error;
};

/// Reads a telemetry.db with plain SQLite (a second connection, as a user's
/// console would).
class DbProbe
{
public:
    explicit DbProbe(const QString& path);
    ~DbProbe();
    int64_t count(const std::string& table);
    int64_t scalar(const std::string& sql);
    std::string text(const std::string& sql);
    /// "(trace hex):(span hex)" of every stored span.
    std::set<std::string> spanKeys();
    std::string integrityCheck();

private:
    sqlite3* m_db = nullptr;
};

/// Submits \a batch and waits for its transaction. A batch the writer refuses
/// (queue full, stopped) comes back not committed, with the reason as its error,
/// instead of waiting for a completion that never comes.
WriteOutcome storeAndWait(TelemetryWriter& writer, std::shared_ptr<IngestBatch> batch);

struct FoldOutcome
{
    int64_t hoursFolded = 0;
    std::string error; ///< why folding failed; empty when it did not
};
/// TelemetryWriter::foldNow, waited for.
FoldOutcome foldAndWait(TelemetryWriter& writer, int64_t nowNs);
/// TelemetryWriter::retainNow, waited for.
RetentionReport retainAndWait(TelemetryWriter& writer, int64_t nowNs);

/// Runs \a sql on the writer's own connection (a maintenance command), waits,
/// and returns the first column of its first row (-1 when there is none).
int64_t queryOnWriter(TelemetryWriter& writer, const std::string& sql);

} // namespace spanlight::test
