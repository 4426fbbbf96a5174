#pragma once

#include "records.h"
#include "telemetrywriter.h"
#include "testcollector.h"

#include <QString>
#include <memory>
#include <set>
#include <string>
#include <vector>

struct sqlite3;

namespace spanlight::test {

/// Telemetry of two tenants for the purge tests: "acme" (purged) and
/// "globex" (kept), sharing batches, time slots, a service, models and some
/// prompts; acme alone has a service, a metric, prompts and one busy hour.
/// Every acme row that holds text carries kAcmeCanary; globex's carry kGlobexCanary.
struct PurgeData
{
    static constexpr const char* kAcme = "acme";
    static constexpr const char* kGlobex = "globex";
    static constexpr const char* kAcmeCanary = "acme-canary-7f3e9b2c1d";
    static constexpr const char* kGlobexCanary = "globex-canary-4a8d6e1f0b";
    static constexpr int64_t kFromMinute = 29'923'217; // 2026-11-22 00:17 UTC: edges of every grain

    /// \a batches batches of \a tracesPerBatch traces (3 spans each) spread over three days.
    explicit PurgeData(uint64_t seed, int batches = 8, int tracesPerBatch = 40);

    std::vector<std::shared_ptr<IngestBatch>> batches;
    std::vector<TraceId> acmeTraces;

    /// The same batches without anything of acme: its spans, its logs and the
    /// logs attached to its spans or traces, its metric points.
    std::vector<std::shared_ptr<IngestBatch>> withoutAcme() const;
    /// A batch of fresh spans (new ids) of \a tenant, and a log of each.
    std::shared_ptr<IngestBatch> freshBatch(const std::string& tenant, int spans, uint64_t salt) const;

private:
    std::set<std::string> m_acmeSpanKeys; // trace id + span id bytes
};

/// Starts a writer on \a path; fails the test (and returns null) when it cannot.
std::unique_ptr<TelemetryWriter> startWriter(const QString& path, int64_t stepRows = 20000);
/// Folds the rollup rows of the hours until a day and two hours after
/// kFromMinute, so the data has hour and day rows as well as unfolded hours.
void foldFirstDay(TelemetryWriter& writer);

/// Every row \a sql returns, each rendered as one string (blobs in hex), sorted.
std::multiset<std::string> rowsOf(sqlite3* db, const std::string& sql);
int64_t scalarOf(sqlite3* db, const std::string& sql);
/// The rollup tables with dictionary ids replaced by their values, comparable
/// across databases whose dictionaries were filled in another order.
std::multiset<std::string> resolvedRollups(sqlite3* db, const std::string& table);
/// The file's bytes ("" when it does not exist).
std::string fileBytes(const QString& path);

} // namespace spanlight::test
