#include "cliargs.h"

#include "appconfig.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>

namespace spanlight::cli {

QString Location::pricingFile() const
{
    return QFileInfo(configFile).absolutePath() + QStringLiteral("/pricing.json");
}

void addCommonOptions(QCommandLineParser& parser)
{
    parser.addOption({ { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help.") });
    parser.addOption({ QStringLiteral("data-dir"),
        QStringLiteral("Where telemetry.db lives (default: from the config "
                       "file, else the XDG data dir)."),
        QStringLiteral("dir") });
    parser.addOption({ QStringLiteral("config"), QStringLiteral("Config file (INI)."), QStringLiteral("file"),
        defaultConfigFile() });
    parser.addOption({ QStringLiteral("format"), QStringLiteral("table (default), csv or json."),
        QStringLiteral("format"), QStringLiteral("table") });
}

Location resolveLocation(const QCommandLineParser& parser)
{
    Location location;
    location.configFile = parser.value(QStringLiteral("config"));
    AppConfig config;
    config.dataDir = defaultDataDir();
    loadConfigFile(location.configFile, &config, &location.warnings);
    location.dataDir
        = parser.isSet(QStringLiteral("data-dir")) ? parser.value(QStringLiteral("data-dir")) : config.dataDir;
    config.dataDir = location.dataDir;
    location.config = config;
    return location;
}

std::optional<Format> formatOption(const QCommandLineParser& parser, QString* error)
{
    const QString value = parser.value(QStringLiteral("format"));
    const auto format = parseFormat(value);
    if (!format)
        *error = QStringLiteral("--format must be table, csv or json, not '%1'").arg(value);
    return format;
}

QString helpText(const QCommandLineParser& parser, const QString& usageLine)
{
    // Qt's usage line names the binary's path; ours names the command.
    QString text = parser.helpText();
    const qsizetype firstLineEnd = text.indexOf(QLatin1Char('\n'));
    return QStringLiteral("Usage: ") + usageLine + (firstLineEnd >= 0 ? text.mid(firstLineEnd) : QString());
}

int usageError(const QString& message, const QString& help, QTextStream& err)
{
    err << "spanlight: " << message << "\n\n" << help;
    err.flush();
    return 2;
}

std::optional<int> parseCommandWords(
    QCommandLineParser& parser, const QStringList& words, const QString& usageLine, QTextStream& out, QTextStream& err)
{
    // An option value may start with '-' (--from -24h): the parser takes the
    // next word as the value whatever it looks like.
    if (!parser.parse(QStringList { QStringLiteral("spanlight") } + words))
        return usageError(parser.errorText(), helpText(parser, usageLine), err);
    if (parser.isSet(QStringLiteral("help"))) {
        out << helpText(parser, usageLine);
        out.flush();
        return 0;
    }
    return std::nullopt;
}

std::optional<int64_t> integerOption(
    const QCommandLineParser& parser, const QString& name, int64_t fallback, int64_t min, int64_t max, QString* error)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const qlonglong value = parser.value(name).toLongLong(&ok);
    if (ok && value >= min && value <= max)
        return value;
    *error = QStringLiteral("--%1 must be a whole number from %2 to %3, not '%4'")
                 .arg(name)
                 .arg(min)
                 .arg(max)
                 .arg(parser.value(name));
    return std::nullopt;
}

std::optional<QString> choiceOption(
    const QCommandLineParser& parser, const QString& name, const QStringList& allowed, QString* error)
{
    if (!parser.isSet(name))
        return allowed.first();
    const QString value = parser.value(name);
    if (allowed.contains(value))
        return value;
    *error = QStringLiteral("--%1 must be %2, not '%3'").arg(name, allowed.join(QStringLiteral(" or ")), value);
    return std::nullopt;
}

} // namespace spanlight::cli
