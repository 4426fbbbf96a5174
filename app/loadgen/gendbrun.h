#pragma once

#include "gendboptions.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace spanlight::gendb {

/// How far a run is, reported every GenDbOptions::progressSeconds.
struct GenDbProgress
{
    std::int64_t spans = 0; ///< handed to the writer
    std::int64_t total = 0;
    std::int64_t traces = 0; ///< generated
    std::int64_t logs = 0; ///< generated
    double seconds = 0;
    std::int64_t currentNs = 0; ///< start of the latest generated trace
};

struct GenDbSummary
{
    bool ok = false;
    std::string error;
    std::string dbPath;
    std::int64_t spans = 0; ///< committed by the writer
    std::int64_t traces = 0;
    std::int64_t logs = 0; ///< committed by the writer
    std::int64_t rejected = 0; ///< refused by the converter (should stay 0)
    std::int64_t duplicates = 0; ///< dropped by the writer's dedup (should stay 0)
    double seconds = 0;
    std::int64_t dbBytes = 0; ///< telemetry.db plus its WAL after the writer closed
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::string slowTenant; ///< the tenant x model combination that is slower than the rest
    std::string slowModel;
    std::vector<std::string> failingPrompts; ///< the most popular of the prompts that fail often
};

/**
 * Generates the database @p options describe through the real ingest path: OTLP requests converted by the
 * collector (convertTraces / convertLogs: GenAI normalisation and pricing with the built-in price table) and
 * committed by a TelemetryWriter wired as the collector runtime wires it (content join, price rows; retention
 * off, since the data is old on purpose), with a bounded number of batches in flight.
 * Needs a QCoreApplication (QtSql). @p progress runs on the calling thread.
 */
GenDbSummary runGenDb(const GenDbOptions& options, const std::function<void(const GenDbProgress&)>& progress = {});

/// "12.3 MB", "1.2 GB".
std::string formatBytes(std::int64_t bytes);

} // namespace spanlight::gendb
