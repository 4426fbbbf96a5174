#pragma once

#include "output.h"
#include "querytypes.h"

#include <QString>
#include <functional>
#include <string>
#include <vector>

class QCommandLineParser;
struct sqlite3;

namespace spanlight::cli {

/// What every `spanlight query` subcommand gets: its parsed options, the
/// common range and filters, and the database, opened on first use so that a
/// bad option is reported before a missing database.
struct QueryContext
{
    const QCommandLineParser& parser;
    int64_t fromNs = 0;
    int64_t toNs = 0;
    TimeRange range;
    QueryFilters filters;
    QString databasePath;
    /// The read-only connection; null with \a error set when it cannot be opened.
    std::function<sqlite3*(QString* error)> database;
};

/// A subcommand's answer: a report, or an error and its exit code.
struct QueryOutcome
{
    Report report;
    QString error;
    int exitCode = 0; ///< 2: a bad option value (usage is printed), 1: data or database trouble

    static QueryOutcome usage(QString message) { return { {}, std::move(message), 2 }; }
    static QueryOutcome failure(QString message) { return { {}, std::move(message), 1 }; }
};

struct QuerySubcommand
{
    QString name;
    QString summary;
    QString arguments; ///< positional arguments for the usage line, e.g. "<trace-id>"; empty: none allowed
    std::function<void(QCommandLineParser&)> addOptions; ///< its own options and positional arguments
    std::function<QueryOutcome(const QueryContext&)> run;
};

QuerySubcommand spendSubcommand();
QuerySubcommand failingPromptsSubcommand();
QuerySubcommand heatmapSubcommand();
QuerySubcommand traceSubcommand();
QuerySubcommand compareSubcommand();

/// Shared by the report builders.
QStringList noticesOf(const std::vector<std::string>& notices);
QString rangeText(const QueryContext& context);
/// The filters given, for titles ("tenant acme, model gpt-4o"); empty when none.
QString filterText(const QueryFilters& filters);
/// Notice for filters a subcommand's data cannot apply; empty when none was given.
QString unappliedFilters(const QueryContext& context, const QStringList& options, const QString& why);

} // namespace spanlight::cli
