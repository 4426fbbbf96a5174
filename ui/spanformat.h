#pragma once

// Display text for span facts, shared by the span table, the waterfall and
// the span detail panel so the same duration reads the same everywhere.

#include "records.h"

#include <QColor>
#include <QString>
#include <cstdint>
#include <string>

class QPalette;

namespace spanlight {

/// "850 ns", "12.3 µs", "123.4 ms", "12.34 s", "3 min 12 s".
QString formatDuration(int64_t ns);
/// An offset on a time axis with a step of \a stepNs: no more digits than the step needs.
QString formatOffset(int64_t ns, int64_t stepNs);
/// Local wall-clock time of a span start, with milliseconds (and month-day when \a withDate).
QString formatStart(int64_t ns, bool withDate);
QString hexId(const TraceId& id);
QString hexId(const SpanId& id);
/// Parses 32 hex digits; false otherwise.
bool parseTraceId(const QString& hex, TraceId* out);
QString fromUtf8(const std::string& text);
/// "1 span", "4,000 spans": English plurals without a loaded translation
/// (tr's %Ln keeps "span(s)" unless a .qm file is installed).
QString countOf(int64_t n, const QString& one, const QString& many);
/// A stable colour per service, readable on \a palette's base colour.
QColor serviceColor(const QString& service, const QPalette& palette);

} // namespace spanlight
