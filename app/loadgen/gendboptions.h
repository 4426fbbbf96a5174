#pragma once

#include <cstdint>
#include <string>

namespace spanlight::gendb {

/// The shape of a generated telemetry database; every field is a flag of spanlight-gendb.
struct GenDbOptions
{
    std::string outDir; ///< telemetry.db goes here; refused when one exists already
    std::int64_t spans = 10'000'000; ///< exact
    int days = 30;
    std::int64_t periodMinutes = 0; ///< > 0: the data covers this many minutes instead of `days` (benchmarks)
    std::int64_t endNs = 0; ///< UTC; the data covers [endNs - days, endNs)
    int tenants = 20;
    int environments = 4;
    int services = 8; ///< at most 8
    int models = 12; ///< at most 12
    int prompts = 5000;
    double zipf = 1.1; ///< exponent of prompt popularity
    double errorRate = 0.03; ///< share of spans with status ERROR
    std::uint64_t seed = 42; ///< same seed and --end, same database
    int batchSpans = 512; ///< spans per ExportTraceServiceRequest (whole traces, so a few more)
    bool captureContent = true; ///< keep one example text per prompt (synthetic data: nothing personal)
    double progressSeconds = 3; ///< how often progress is reported
    bool quiet = false;
    bool help = false;
    std::string error; ///< a usage error, to print with a hint to --help
};

/// @p nowNs stands in for "now" (the default --end), so tests can fix it.
GenDbOptions parseGenDbOptions(int argc, char** argv, std::int64_t nowNs);
std::string genDbUsage();

/// "now", "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC); false when malformed.
bool parseEndTime(const std::string& text, std::int64_t nowNs, std::int64_t* ns);

} // namespace spanlight::gendb
