#pragma once

#include <QStringList>
#include <cstdint>

class QTextStream;

namespace spanlight::cli {

/// True when \a firstArgument names a command-line tool (query, reprice) that
/// main() runs with a QCoreApplication instead of starting the collector.
bool isCliCommand(const char* firstArgument);

/// Runs `spanlight query …` or `spanlight reprice …`. \a arguments are the
/// whole command line, program name first; \a nowNs anchors relative times
/// (0: the clock). Returns the process exit code.
int runCli(const QStringList& arguments, QTextStream& out, QTextStream& err, int64_t nowNs = 0);

} // namespace spanlight::cli
