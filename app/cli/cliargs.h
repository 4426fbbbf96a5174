#pragma once

#include "appconfig.h"
#include "output.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>

class QCommandLineParser;
class QTextStream;

namespace spanlight::cli {

/// Where a command finds its data: --data-dir and --config resolved the way
/// the main command does (defaults, then the config file, then the option).
struct Location
{
    QString dataDir;
    QString configFile;
    QStringList warnings; ///< config file problems, printed but not fatal
    AppConfig config; ///< the whole configuration, dataDir included

    QString databasePath() const { return dataDir + QStringLiteral("/telemetry.db"); }
    QString lockPath() const { return dataDir + QStringLiteral("/spanlight.lock"); }
    /// The user's price overrides next to the config file.
    QString pricingFile() const;
};

/// --data-dir, --config, --format and --help.
void addCommonOptions(QCommandLineParser& parser);
Location resolveLocation(const QCommandLineParser& parser);
/// The --format value; nullopt with \a error naming it when unknown.
std::optional<Format> formatOption(const QCommandLineParser& parser, QString* error);

/// Parses \a words (what follows the command's name). Returns an exit code when
/// the command is done: 0 after printing --help, 2 after printing the error and
/// the usage. nullopt: go on.
std::optional<int> parseCommandWords(
    QCommandLineParser& parser, const QStringList& words, const QString& usageLine, QTextStream& out, QTextStream& err);
/// The parser's option list under our own usage line.
QString helpText(const QCommandLineParser& parser, const QString& usageLine);
/// Prints "spanlight: <message>", then the usage; returns 2.
int usageError(const QString& message, const QString& help, QTextStream& err);

/// An integer option within [min, max]; \a fallback when not given.
std::optional<int64_t> integerOption(
    const QCommandLineParser& parser, const QString& name, int64_t fallback, int64_t min, int64_t max, QString* error);

/// One of \a allowed (the first is the default).
std::optional<QString> choiceOption(
    const QCommandLineParser& parser, const QString& name, const QStringList& allowed, QString* error);

} // namespace spanlight::cli
