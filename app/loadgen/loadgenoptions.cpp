#include "loadgenoptions.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace spanlight::loadgen {

namespace {

bool parseInt(std::string_view text, std::int64_t& value)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

bool parseDouble(const std::string& text, double& value)
{
    // from_chars for double needs GCC 11+ and is not in older libc++; strtod is enough here.
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size() && std::isfinite(value);
}

std::chrono::milliseconds secondsToMs(double seconds)
{
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

} // namespace

std::string loadgenUsage()
{
    return R"(Usage: spanlight-loadgen [options]

Sends synthetic multi-tenant GenAI traces (invoke_agent spans with chat and execute_tool children,
OpenTelemetry GenAI attribute names, ~3% failed calls) to an OTLP receiver and reports throughput and
acknowledgement latency. Refused batches (429, 502-504, UNAVAILABLE) are retried after Retry-After /
RetryInfo (default 100 ms), so "acknowledged" is exact.

Where to send:
  --endpoint URL        OTLP/HTTP base URL; /v1/traces is appended (default http://127.0.0.1:4318)
  --grpc HOST:PORT      use OTLP/gRPC instead (e.g. 127.0.0.1:4317)
  --gzip                compress request bodies (Content-Encoding: gzip / grpc gzip)
  --header 'NAME: VAL'  add a header / gRPC metadata entry to every request (repeatable)
  --token TOKEN         shorthand for --header 'authorization: Bearer TOKEN'
  --timeout SECONDS     per-request timeout (default 30)

How much:
  --rate N              spans per second across all connections; 0 = as fast as acknowledged (default 0)
  --duration SECONDS    stop sending after this long (default 10, or unlimited when --total is given);
                        0 = until Ctrl-C
  --total N             stop after N spans
  --batch N             spans per request (default 512; at low rates at most one second's worth)
  --connections K       parallel connections, one worker thread each (default 1)
  --retry-timeout SECS  give up on a batch refused for this long (default 60)

What:
  --seed N              fleet and traffic seed (default 1); trace/span ids still differ per run
  --id-seed N           also fix the trace/span ids (default: random per run)
  --tenants N           number of tenants (default 8)
  --error-rate R        share of LLM calls that fail, 0..1 (default 0.03)
  --content-rate R      share of chat spans with captured prompt content, 0..1 (default 0)
  --logs R              also send R GenAI event log records per span to /v1/logs (default 0)
  --replay N            pre-generate N batches per connection and replay them with fresh ids and
                        timestamps: far less CPU per span, for benchmarks (not with --logs)

Output:
  --json                print the summary as one JSON line on stdout
  --quiet               no per-second progress on stderr
  --help                this text

Exit status: 0 when every span sent was acknowledged, 1 otherwise, 2 on a usage error.
)";
}

LoadgenOptions parseLoadgenOptions(int argc, char** argv)
{
    LoadgenOptions options;
    bool durationGiven = false;
    auto fail = [&options](std::string message) {
        options.error = std::move(message);
        return options;
    };

    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc)
                return false;
            out = argv[++i];
            return true;
        };
        std::string text;
        auto number = [&](double low, double high, double& out) {
            return value(text) && parseDouble(text, out) && out >= low && out <= high;
        };
        auto integer = [&](std::int64_t low, std::int64_t high, std::int64_t& out) {
            return value(text) && parseInt(text, out) && out >= low && out <= high;
        };
        auto bad = [&](std::string_view what) {
            return fail(arg + " needs " + std::string(what) + (text.empty() ? "" : ", got '" + text + "'"));
        };
        double d = 0;
        std::int64_t n = 0;
        constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

        if (arg == "--help" || arg == "-h") {
            options.help = true;
        } else if (arg == "--endpoint") {
            if (!value(options.endpoint))
                return bad("a URL");
        } else if (arg == "--grpc") {
            if (!value(options.endpoint))
                return bad("HOST:PORT");
            options.grpc = true;
        } else if (arg == "--gzip") {
            options.sender.gzip = true;
        } else if (arg == "--header") {
            if (!value(text) || text.find(':') == std::string::npos || text.front() == ':')
                return bad("'NAME: VALUE'");
            const std::size_t colon = text.find(':');
            const std::size_t start = text.find_first_not_of(' ', colon + 1);
            options.sender.headers.emplace_back(
                text.substr(0, colon), start == std::string::npos ? std::string() : text.substr(start));
        } else if (arg == "--token") {
            if (!value(text) || text.empty())
                return bad("a token");
            options.sender.headers.emplace_back("authorization", "Bearer " + text);
        } else if (arg == "--timeout") {
            if (!number(0.001, 3600, d))
                return bad("seconds between 0.001 and 3600");
            options.sender.timeout = secondsToMs(d);
        } else if (arg == "--rate") {
            if (!number(0, 1e9, options.load.spansPerSecond))
                return bad("spans per second >= 0");
        } else if (arg == "--duration") {
            if (!number(0, 1e7, d))
                return bad("seconds >= 0");
            options.load.duration = secondsToMs(d);
            durationGiven = true;
        } else if (arg == "--total") {
            if (!integer(1, std::numeric_limits<std::int64_t>::max(), options.load.totalSpans))
                return bad("a span count >= 1");
        } else if (arg == "--batch") {
            if (!integer(1, 1000000, n))
                return bad("spans per request between 1 and 1000000");
            options.load.batchSize = static_cast<int>(n);
        } else if (arg == "--connections") {
            if (!integer(1, 1024, n))
                return bad("a connection count between 1 and 1024");
            options.load.connections = static_cast<int>(n);
        } else if (arg == "--retry-timeout") {
            if (!number(0, 86400, d))
                return bad("seconds >= 0");
            options.load.retryTimeout = secondsToMs(d);
        } else if (arg == "--seed") {
            if (!integer(0, std::numeric_limits<std::int64_t>::max(), n))
                return bad("a non-negative integer");
            options.load.traffic.seed = static_cast<std::uint64_t>(n);
        } else if (arg == "--id-seed") {
            if (!integer(1, std::numeric_limits<std::int64_t>::max(), n))
                return bad("a positive integer");
            options.load.traffic.idSeed = static_cast<std::uint64_t>(n);
        } else if (arg == "--tenants") {
            if (!integer(1, kMaxInt, n))
                return bad("a tenant count >= 1");
            options.load.traffic.tenants = static_cast<int>(n);
        } else if (arg == "--error-rate") {
            if (!number(0, 1, options.load.traffic.errorRate))
                return bad("a share between 0 and 1");
        } else if (arg == "--content-rate") {
            if (!number(0, 1, options.load.traffic.contentCaptureRate))
                return bad("a share between 0 and 1");
        } else if (arg == "--logs") {
            if (!number(0, 100, options.load.logRecordsPerSpan))
                return bad("log records per span between 0 and 100");
        } else if (arg == "--replay") {
            if (!integer(1, 100000, n))
                return bad("a batch count between 1 and 100000");
            options.load.replayBatches = static_cast<int>(n);
        } else if (arg == "--json") {
            options.json = true;
        } else if (arg == "--quiet" || arg == "-q") {
            options.quiet = true;
        } else {
            return fail("unknown option '" + arg + "'");
        }
    }
    if (options.load.replayBatches > 0 && options.load.logRecordsPerSpan > 0)
        return fail("--replay cannot be combined with --logs: replayed spans have no log records");
    if (!durationGiven && options.load.totalSpans == 0)
        options.load.duration = std::chrono::seconds(10);
    return options;
}

} // namespace spanlight::loadgen
