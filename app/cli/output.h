#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

class QTextStream;

namespace spanlight::cli {

enum class Format { Table, Csv, Json };
std::optional<Format> parseFormat(const QString& text);

/// How a column's values are written. Money and durations are integers in
/// their smallest unit (nano-USD, ns) so no format rounds a small cost to 0.
enum class Kind {
    Text,
    Integer,
    Number,
    Percent, ///< a fraction 0..1
    Money, ///< nano-USD; CSV/JSON get `<key>_usd` (exact decimal) and `<key>_nano_usd`
    Duration, ///< ns; CSV/JSON get `<key>_ms`
    Time, ///< unix ns; CSV/JSON get ISO-8601 UTC
};

/// A cost that is unknown because no price row matched: shown as "unpriced", never $0.
struct Unpriced
{
};

using Cell = std::variant<std::monostate, int64_t, double, QString, Unpriced>;

struct Column
{
    QString key; ///< CSV header / JSON field (snake_case)
    QString header; ///< table header
    Kind kind = Kind::Text;
    bool inTableFormat = true; ///< false: CSV/JSON only (ids a table shows otherwise)
};

/// One table of a report. CSV prints every section (separated by an empty
/// line); JSON puts each under its name; the table format can skip some
/// (\a inTableFormat) that a text rendering (Report::text) shows better.
struct Section
{
    QString name;
    QString title;
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows;
    bool inTableFormat = true;
};

struct Report
{
    QString title; ///< first line in table format
    QJsonObject meta; ///< JSON only: range, filters, totals
    QStringList text; ///< table format only, before the sections (e.g. the heatmap grid)
    std::vector<Section> sections;
    QStringList footer; ///< table format only, after the sections
    QStringList notices; ///< caveats: table footer, JSON "notices", stderr with CSV
};

/// Writes \a report to \a out; with CSV the notices go to \a err so stdout stays parseable.
void writeReport(const Report& report, Format format, QTextStream& out, QTextStream& err);

/// USD from nano-USD, exact: "0.000001234", "12.5" (at least 2 decimals). With
/// \a significant > 0, rounded to that many significant digits but never to zero.
QString usdText(int64_t nanoUsd, int significant = 0);
/// "850 µs", "12.3 ms", "1.52 s", "2m 03s".
QString durationText(int64_t ns);
/// One CSV field per RFC 4180: quoted when it holds a comma, quote or line break.
QString csvField(const QString& text);

} // namespace spanlight::cli
