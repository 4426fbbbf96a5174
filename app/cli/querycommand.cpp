#include "querycommand.h"

#include "cliargs.h"
#include "querycontext.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "timeargs.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>
#include <memory>

namespace spanlight::cli {

namespace {

constexpr int64_t kDayNs = 86'400 * kNsPerSecond;

std::vector<QuerySubcommand> subcommands()
{
    return { spendSubcommand(), failingPromptsSubcommand(), heatmapSubcommand(), traceSubcommand(),
        compareSubcommand() };
}

QString overview()
{
    QString text = QStringLiteral("Usage: spanlight query <command> [options]\n\n"
                                  "Answers from telemetry.db, opened read-only (safe while Spanlight runs).\n\n"
                                  "Commands:\n");
    for (const QuerySubcommand& sub : subcommands())
        text += QStringLiteral("  %1%2\n").arg(sub.name.leftJustified(17), sub.summary);
    text += QStringLiteral(
        "\nOptions of every command:\n"
        "  --from, --to TIME    ISO-8601 date or date-time (UTC unless an offset is given), 'now', or\n"
        "                       relative: -24h, -7d, -30m (default: the last 24 hours)\n"
        "  --tenant, --environment, --service, --model, --prompt NAME   filters\n"
        "  --status ok|error|any\n"
        "  --format table|csv|json   csv: one table per section, separated by an empty line\n"
        "  --data-dir DIR, --config FILE   as for the main command\n\n"
        "Run 'spanlight query <command> --help' for a command's own options.\n");
    return text;
}

void addFilterOptions(QCommandLineParser& parser)
{
    parser.addOption({ QStringLiteral("from"),
        QStringLiteral("Start: ISO-8601 date/date-time, 'now' or -24h, -7d "
                       "(default -24h)."),
        QStringLiteral("time") });
    parser.addOption({ QStringLiteral("to"), QStringLiteral("End (default now)."), QStringLiteral("time") });
    const QString filters[][2] = { { QStringLiteral("tenant"), QStringLiteral("Only this tenant.") },
        { QStringLiteral("environment"), QStringLiteral("Only this deployment environment.") },
        { QStringLiteral("service"), QStringLiteral("Only this service.") },
        { QStringLiteral("model"), QStringLiteral("Only this model (request model, else response model).") },
        { QStringLiteral("prompt"), QStringLiteral("Only this prompt fingerprint.") } };
    for (const auto& [name, help] : filters)
        parser.addOption({ name, help, QStringLiteral("name") });
    parser.addOption(
        { QStringLiteral("status"), QStringLiteral("ok, error or any (default)."), QStringLiteral("status") });
}

/// A read-only connection opened on first use; refuses to create a database.
std::function<sqlite3*(QString*)> databaseOpener(const QString& path)
{
    auto connection = std::make_shared<std::unique_ptr<SqliteConnection>>();
    return [connection, path](QString* error) -> sqlite3* {
        if (*connection)
            return (*connection)->handle();
        if (!QFileInfo(path).isFile()) {
            *error = QStringLiteral("no telemetry database at %1 (pass --data-dir, or run spanlight to collect some)")
                         .arg(path);
            return nullptr;
        }
        auto opened = std::make_unique<SqliteConnection>();
        std::string message;
        if (!opened->open(path, SqliteConnection::Mode::ReadOnly, SqliteDialect(), false, &message)) {
            *error = QString::fromStdString(message);
            return nullptr;
        }
        *connection = std::move(opened);
        return (*connection)->handle();
    };
}

} // namespace

int runQuery(const QStringList& words, int64_t nowNs, QTextStream& out, QTextStream& err)
{
    if (words.isEmpty())
        return usageError(QStringLiteral("query needs a command"), overview(), err);
    const QString& name = words.first();
    if (name == QStringLiteral("--help") || name == QStringLiteral("-h") || name == QStringLiteral("help")) {
        out << overview();
        return 0;
    }
    const std::vector<QuerySubcommand> subs = subcommands();
    const auto sub = std::find_if(subs.begin(), subs.end(), [&](const QuerySubcommand& s) { return s.name == name; });
    if (sub == subs.end())
        return usageError(QStringLiteral("unknown query command '%1'").arg(name), overview(), err);

    QCommandLineParser parser;
    parser.setApplicationDescription(sub->summary);
    addCommonOptions(parser);
    addFilterOptions(parser);
    sub->addOptions(parser);
    const QString usageLine = QStringLiteral("spanlight query %1 [options]%2")
                                  .arg(name, sub->arguments.isEmpty() ? QString() : QLatin1Char(' ') + sub->arguments);
    if (const auto code = parseCommandWords(parser, words.mid(1), usageLine, out, err))
        return *code;
    const QString help = helpText(parser, usageLine);
    if (sub->arguments.isEmpty() && !parser.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()), help, err);

    QString error;
    const auto format = formatOption(parser, &error);
    const auto from = parser.isSet(QStringLiteral("from"))
        ? parseTimeArg(parser.value(QStringLiteral("from")), nowNs, &error)
        : std::optional<int64_t>(nowNs - kDayNs);
    const auto to = parser.isSet(QStringLiteral("to")) ? parseTimeArg(parser.value(QStringLiteral("to")), nowNs, &error)
                                                       : std::optional<int64_t>(nowNs);
    const auto status = choiceOption(parser, QStringLiteral("status"),
        { QStringLiteral("any"), QStringLiteral("ok"), QStringLiteral("error") }, &error);
    if (!format || !from || !to || !status)
        return usageError(error, help, err);
    if (*from >= *to)
        return usageError(
            QStringLiteral("--from (%1) must be before --to (%2)").arg(isoUtc(*from), isoUtc(*to)), help, err);

    const Location location = resolveLocation(parser);
    for (const QString& warning : location.warnings)
        err << "spanlight: config: " << warning << "\n";
    QueryContext context { parser, *from, *to, minuteRange(*from, *to), {}, location.databasePath(),
        databaseOpener(location.databasePath()) };
    context.filters.tenant = parser.value(QStringLiteral("tenant")).toStdString();
    context.filters.environment = parser.value(QStringLiteral("environment")).toStdString();
    context.filters.service = parser.value(QStringLiteral("service")).toStdString();
    context.filters.model = parser.value(QStringLiteral("model")).toStdString();
    context.filters.prompt = parser.value(QStringLiteral("prompt")).toStdString();
    context.filters.status = *status == QStringLiteral("ok") ? StatusFilter::Ok
        : *status == QStringLiteral("error")                 ? StatusFilter::Error
                                                             : StatusFilter::Any;

    QueryOutcome outcome = sub->run(context);
    if (outcome.exitCode == 2)
        return usageError(outcome.error, help, err);
    if (outcome.exitCode != 0) {
        err << "spanlight: " << outcome.error << "\n";
        err.flush();
        return outcome.exitCode;
    }
    writeReport(outcome.report, *format, out, err);
    return 0;
}

QStringList noticesOf(const std::vector<std::string>& notices)
{
    QStringList list;
    for (const std::string& notice : notices)
        list << QString::fromStdString(notice);
    return list;
}

QString rangeText(const QueryContext& context)
{
    constexpr int64_t kMinuteNs = 60 * kNsPerSecond;
    return QStringLiteral("%1 – %2 UTC")
        .arg(shortUtc(context.range.fromMinute * kMinuteNs), shortUtc(context.range.toMinute * kMinuteNs));
}

QString filterText(const QueryFilters& filters)
{
    QStringList parts;
    const std::pair<const char*, const std::string*> named[]
        = { { "tenant", &filters.tenant }, { "environment", &filters.environment }, { "service", &filters.service },
              { "model", &filters.model }, { "prompt", &filters.prompt } };
    for (const auto& [label, value] : named)
        if (!value->empty())
            parts << QString::fromLatin1(label) + QLatin1Char(' ') + QString::fromStdString(*value);
    if (filters.status != StatusFilter::Any)
        parts << (filters.status == StatusFilter::Error ? QStringLiteral("errors only") : QStringLiteral("ok only"));
    return parts.join(QStringLiteral(", "));
}

QString unappliedFilters(const QueryContext& context, const QStringList& options, const QString& why)
{
    QStringList given;
    for (const QString& option : options)
        if (context.parser.isSet(option))
            given << QStringLiteral("--") + option;
    if (given.isEmpty())
        return {};
    return QStringLiteral("%1 not applied: %2").arg(given.join(QStringLiteral(", ")), why);
}

} // namespace spanlight::cli
