#pragma once

#include <QStringList>
#include <cstdint>

class QTextStream;

namespace spanlight::cli {

/// `spanlight query <subcommand> [options]` over telemetry.db, opened
/// read-only (WAL readers never disturb a running instance). \a words are what
/// follows "query"; \a nowNs anchors relative times. Returns the exit code:
/// 0 done, 1 no database / query failed, 2 usage error.
int runQuery(const QStringList& words, int64_t nowNs, QTextStream& out, QTextStream& err);

} // namespace spanlight::cli
