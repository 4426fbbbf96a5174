#pragma once

#include <QStringList>
#include <cstdint>

class QTextStream;

namespace spanlight::cli {

/// `spanlight reprice --since DATE`: recomputes stored costs with the current
/// price table (built-in + <config dir>/pricing.json). It writes telemetry.db,
/// so it refuses while a Spanlight instance holds the data dir's lock and holds
/// that lock itself while it runs (DESIGN.md "Two databases"). \a words are
/// what follows "reprice". Returns 0, 1 (refused or failed) or 2 (usage).
int runReprice(const QStringList& words, int64_t nowNs, QTextStream& out, QTextStream& err);

} // namespace spanlight::cli
