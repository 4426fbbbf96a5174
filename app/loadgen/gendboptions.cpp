#include "gendboptions.h"

#include "gendbcatalog.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace spanlight::gendb {

namespace {

bool parseInt(std::string_view text, std::int64_t& value)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

bool parseDouble(const std::string& text, double& value)
{
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size() && std::isfinite(value);
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digitsAt(const std::string& text, std::size_t at, std::size_t count, std::int64_t& value)
{
    return at + count <= text.size() && parseInt(std::string_view(text).substr(at, count), value);
}

} // namespace

bool parseEndTime(const std::string& text, std::int64_t nowNs, std::int64_t* ns)
{
    if (text == "now") {
        *ns = nowNs;
        return true;
    }
    std::int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (text.size() < 10 || !digitsAt(text, 0, 4, year) || text[4] != '-' || !digitsAt(text, 5, 2, month)
        || text[7] != '-' || !digitsAt(text, 8, 2, day) || month < 1 || month > 12 || day < 1 || day > 31)
        return false;
    std::size_t at = 10;
    if (at < text.size()) {
        if ((text[at] != 'T' && text[at] != ' ') || !digitsAt(text, at + 1, 2, hour) || text[at + 3] != ':'
            || !digitsAt(text, at + 4, 2, minute) || hour > 23 || minute > 59)
            return false;
        at += 6;
        if (at < text.size() && text[at] == ':') {
            if (!digitsAt(text, at + 1, 2, second) || second > 59)
                return false;
            at += 3;
        }
        if (at < text.size() && text[at] == 'Z')
            ++at;
        if (at != text.size())
            return false;
    }
    const std::int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    *ns = ((days * 24 + hour) * 60 + minute) * 60'000'000'000LL + second * 1'000'000'000LL;
    return true;
}

std::string genDbUsage()
{
    return R"(Usage: spanlight-gendb --out DIR [options]

Writes a telemetry database (DIR/telemetry.db) of synthetic multi-tenant GenAI traffic through the real
ingest path: OTLP trace and log requests, converted by the collector and committed by the writer. Traces
(~8 spans) are an agent or workflow root over chat, embeddings, tool and retrieval spans, in every attribute
dialect (OTel GenAI current and pre-1.37, OpenInference, OpenLLMetry), spread over the days before --end
with a daily cycle, in time order. Same seed and --end, same database.

  --out DIR            where telemetry.db goes (created; refused if a telemetry.db is there)
  --spans N            spans to write, exactly (default 10000000)
  --days N             days of data ending at --end (default 30)
  --end WHEN           now | YYYY-MM-DD (midnight UTC) | YYYY-MM-DDTHH:MM[:SS][Z] (default now)
  --tenants N          tenants (default 20)
  --environments N     deployment environments (default 4)
  --services N         services, at most 8 (default 8)
  --models N           models, at most 12; the 12th is unknown to any price table (default 12)
  --prompts N          prompt templates, at most 40000 (default 5000)
  --zipf S             popularity exponent of prompts (default 1.1)
  --error-rate R       share of spans that fail, 0..0.5 (default 0.03)
  --seed N             (default 42)
  --batch N            spans per trace request (default 512)
  --quiet              no progress lines
  --help               this text

Progress goes to stderr every few seconds; the summary (spans, traces, logs, seconds, spans/s, database
size) to stdout. Exit status: 0 on success, 1 when writing failed, 2 on a usage error.
)";
}

GenDbOptions parseGenDbOptions(int argc, char** argv, std::int64_t nowNs)
{
    GenDbOptions options;
    options.endNs = nowNs;
    auto fail = [&options](std::string message) {
        options.error = std::move(message);
        return options;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        std::string text;
        auto value = [&] {
            if (i + 1 >= argc)
                return false;
            text = argv[++i];
            return true;
        };
        std::int64_t n = 0;
        auto integer = [&](std::int64_t low, std::int64_t high) {
            return value() && parseInt(text, n) && n >= low && n <= high;
        };
        auto number = [&](double low, double high, double& out) {
            return value() && parseDouble(text, out) && out >= low && out <= high;
        };
        auto bad = [&](std::string_view what) {
            return fail(arg + " needs " + std::string(what) + (text.empty() ? "" : ", got '" + text + "'"));
        };
        if (arg == "--help" || arg == "-h") {
            options.help = true;
        } else if (arg == "--out") {
            if (!value() || text.empty())
                return bad("a directory");
            options.outDir = text;
        } else if (arg == "--spans") {
            if (!integer(1, 10'000'000'000LL))
                return bad("a span count between 1 and 10^10");
            options.spans = n;
        } else if (arg == "--days") {
            if (!integer(1, 3650))
                return bad("a day count between 1 and 3650");
            options.days = static_cast<int>(n);
        } else if (arg == "--end") {
            if (!value() || !parseEndTime(text, nowNs, &options.endNs))
                return bad("now, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z]");
        } else if (arg == "--tenants") {
            if (!integer(1, 100000))
                return bad("a tenant count between 1 and 100000");
            options.tenants = static_cast<int>(n);
        } else if (arg == "--environments") {
            if (!integer(1, 100))
                return bad("an environment count between 1 and 100");
            options.environments = static_cast<int>(n);
        } else if (arg == "--services") {
            if (!integer(1, static_cast<std::int64_t>(allServices().size())))
                return bad("a service count between 1 and 8");
            options.services = static_cast<int>(n);
        } else if (arg == "--models") {
            if (!integer(2, static_cast<std::int64_t>(allModels().size())))
                return bad("a model count between 2 and 12");
            options.models = static_cast<int>(n);
        } else if (arg == "--prompts") {
            if (!integer(1, kMaxPrompts))
                return bad("a prompt count between 1 and 40000");
            options.prompts = static_cast<int>(n);
        } else if (arg == "--zipf") {
            if (!number(0, 5, options.zipf))
                return bad("an exponent between 0 and 5");
        } else if (arg == "--error-rate") {
            if (!number(0, 0.5, options.errorRate))
                return bad("a share between 0 and 0.5");
        } else if (arg == "--seed") {
            if (!integer(0, std::numeric_limits<std::int64_t>::max()))
                return bad("a non-negative integer");
            options.seed = static_cast<std::uint64_t>(n);
        } else if (arg == "--batch") {
            if (!integer(1, 100000))
                return bad("a span count between 1 and 100000");
            options.batchSpans = static_cast<int>(n);
        } else if (arg == "--quiet" || arg == "-q") {
            options.quiet = true;
        } else {
            return fail("unknown option '" + arg + "'");
        }
    }
    if (!options.help && options.outDir.empty())
        return fail("--out DIR is required");
    return options;
}

} // namespace spanlight::gendb
