// spanlight-gendb: writes a realistic telemetry database through the real ingest path (see --help).

#include "gendboptions.h"
#include "gendbrun.h"

#include <QCoreApplication>
#include <chrono>
#include <cstdio>

using namespace spanlight::gendb;

namespace {

std::string isoTime(std::int64_t ns)
{
    const std::int64_t seconds = ns / 1'000'000'000;
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc {};
    gmtime_r(&t, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string duration(double seconds)
{
    char text[32];
    const auto s = static_cast<long long>(seconds + 0.5);
    if (s >= 3600)
        std::snprintf(text, sizeof text, "%lldh%02lldm", s / 3600, s % 3600 / 60);
    else
        std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
    return text;
}

void printProgress(const GenDbProgress& p)
{
    const double rate = p.seconds > 0 ? static_cast<double>(p.spans) / p.seconds : 0;
    const double eta = rate > 0 ? static_cast<double>(p.total - p.spans) / rate : 0;
    std::fprintf(stderr, "gendb: %lld / %lld spans (%.1f%%), %.0f spans/s, ETA %s, data at %s\n",
        static_cast<long long>(p.spans), static_cast<long long>(p.total),
        100.0 * static_cast<double>(p.spans) / static_cast<double>(p.total), rate, duration(eta).c_str(),
        isoTime(p.currentNs).c_str());
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv); // QtSql loads its SQLite driver through the application's plugin path
    const auto nowNs
        = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
    const GenDbOptions options = parseGenDbOptions(argc, argv, nowNs);
    if (options.help) {
        std::fputs(genDbUsage().c_str(), stdout);
        return 0;
    }
    if (!options.error.empty()) {
        std::fprintf(stderr, "spanlight-gendb: %s (see --help)\n", options.error.c_str());
        return 2;
    }
    std::fprintf(stderr, "gendb: %lld spans over %d days ending %s into %s\n", static_cast<long long>(options.spans),
        options.days, isoTime(options.endNs).c_str(), options.outDir.c_str());
    const GenDbSummary summary = runGenDb(options, options.quiet ? nullptr : printProgress);
    if (!summary.ok) {
        std::fprintf(stderr, "spanlight-gendb: %s\n", summary.error.c_str());
        return 1;
    }
    std::printf("database    %s (%s)\n", summary.dbPath.c_str(), formatBytes(summary.dbBytes).c_str());
    std::printf("spans       %lld\ntraces      %lld\nlogs        %lld\n", static_cast<long long>(summary.spans),
        static_cast<long long>(summary.traces), static_cast<long long>(summary.logs));
    std::printf("seconds     %.1f\nspans/s     %.0f\n", summary.seconds,
        static_cast<double>(summary.spans) / std::max(summary.seconds, 1e-9));
    std::printf("period      %s .. %s\n", isoTime(summary.startNs).c_str(), isoTime(summary.endNs).c_str());
    std::printf("slow combo  tenant %s x model %s\n", summary.slowTenant.c_str(), summary.slowModel.c_str());
    for (const std::string& prompt : summary.failingPrompts)
        std::printf("fragile     %s\n", prompt.c_str());
    if (summary.rejected > 0 || summary.duplicates > 0)
        std::printf("warning     %lld rejected, %lld duplicates\n", static_cast<long long>(summary.rejected),
            static_cast<long long>(summary.duplicates));
    return 0;
}
