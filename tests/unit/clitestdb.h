#pragma once

#include "records.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <vector>

namespace spanlight::test {

/// "Now" for every CLI test: 2026-11-23 12:00 UTC.
constexpr int64_t kCliNow = 1795435200LL * 1'000'000'000;
constexpr int64_t kSecond = 1'000'000'000;

/// A data dir with a telemetry.db written by the real TelemetryWriter.
class CliDb
{
public:
    QString dataDir() const { return m_dir.path(); }
    QString dbPath() const { return m_dir.path() + QStringLiteral("/telemetry.db"); }
    /// --data-dir and a --config that does not exist (no user settings leak in).
    QStringList location() const;
    bool write(std::vector<SpanRecord> spans, std::vector<LogRow> logs = {});

private:
    QTemporaryDir m_dir;
};

/// The standard small data set (see clitestdb.cpp): tenant "acme, inc." with
/// priced spans (one costs 3 nano-USD) and trace kTraceA; tenant globex with
/// three slow unpriced spans.
bool writeStandardData(CliDb& db);
extern const TraceId kTraceA;
constexpr int64_t kAcmeCostNanoUsd = 1'234'567 + 3 + 20 * 1000;

SpanRecord chatSpan(int n, const char* tenant, const char* model, int64_t startNs, int64_t durationNs);

struct CliRun
{
    int code = -1;
    QString out;
    QString err;
};

/// Runs `spanlight <arguments>` in-process at kCliNow.
CliRun runCliInProcess(const QStringList& arguments);

/// RFC 4180 parsing, to check our CSV reads back.
std::vector<QStringList> parseCsv(const QString& text);

} // namespace spanlight::test
