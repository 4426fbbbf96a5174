// `spanlight query heatmap`: a compact text grid in table format, cells and
// per-column percentiles in CSV/JSON.

#include "cliargs.h"
#include "heatmapquery.h"
#include "querycontext.h"
#include "timeargs.h"

#include <QCommandLineParser>
#include <cmath>

namespace spanlight::cli {

namespace {

constexpr int64_t kMinuteNs = 60 * kNsPerSecond;
constexpr int kMaxGridRows = 20; // a grid taller than a terminal page is not read
const QString kShades = QStringLiteral(" .:-=+*#%@");

/// The grid as text: latency upwards, time to the right, darker = more spans
/// (log scale: a heatmap's counts span orders of magnitude).
QStringList gridText(const HeatmapResult& result, int64_t endMinute)
{
    const int columns = static_cast<int>(result.columnStarts.size());
    const int rows = static_cast<int>(result.rows.size());
    if (columns == 0 || rows == 0)
        return { QStringLiteral("(no spans in this range)") };
    const int group = (rows + kMaxGridRows - 1) / kMaxGridRows;
    const int gridRows = (rows + group - 1) / group;
    std::vector<int64_t> counts(static_cast<size_t>(gridRows * columns), 0);
    int64_t maxCount = 0;
    for (const HeatmapCell& cell : result.cells) {
        int64_t& c = counts[static_cast<size_t>(cell.row / group * columns + cell.column)];
        c += cell.count;
        maxCount = std::max(maxCount, c);
    }
    const int width = columns <= 40 ? 2 : 1;
    QStringList lines;
    for (int r = gridRows - 1; r >= 0; --r) {
        const int top = std::min(rows - 1, r * group + group - 1);
        QString line
            = durationText(result.rows[static_cast<size_t>(top)].upperNs).rightJustified(9) + QStringLiteral(" │");
        for (int c = 0; c < columns; ++c) {
            const int64_t n = counts[static_cast<size_t>(r * columns + c)];
            int level = 0;
            if (n > 0)
                level = maxCount <= 1 ? static_cast<int>(kShades.size()) - 1
                                      : 1
                        + static_cast<int>(std::lround(std::log(static_cast<double>(n))
                            / std::log(static_cast<double>(maxCount)) * static_cast<double>(kShades.size() - 2)));
            line += QString(width, kShades.at(level));
        }
        lines << line;
    }
    lines << QString(10, QLatin1Char(' ')) + QStringLiteral("└") + QString(columns * width, QChar(0x2500));
    // First column's start on the left, the range's end on the right (or after an arrow when narrow).
    const QString first = shortUtc(result.columnStarts.front() * kMinuteNs);
    const QString end = shortUtc(endMinute * kMinuteNs);
    QString axis = QString(11, QLatin1Char(' ')) + first;
    const qsizetype endAt = 11 + columns * width - end.size();
    axis
        += endAt > axis.size() + 2 ? QString(endAt - axis.size(), QLatin1Char(' ')) + end : QStringLiteral(" → ") + end;
    lines << axis;
    lines << QStringLiteral("spans: %1, errors: %2; shades '%3' from 1 to %4 spans per cell (log scale)")
                 .arg(result.total)
                 .arg(result.errorTotal)
                 .arg(kShades.mid(1))
                 .arg(maxCount);
    return lines;
}

QueryOutcome runHeatmap(const QueryContext& context)
{
    QString error;
    const auto columns = integerOption(context.parser, QStringLiteral("columns"), 24, 1, 1440, &error);
    if (!columns)
        return QueryOutcome::usage(error);
    sqlite3* db = context.database(&error);
    if (!db)
        return QueryOutcome::failure(error);
    HeatmapQuery query;
    query.range = context.range;
    query.columnMinutes = static_cast<int>(std::max<int64_t>(1, (context.range.minutes() + *columns - 1) / *columns));
    query.filters = context.filters;
    const HeatmapResult result = queryHeatmap(db, query);
    if (!result.ok())
        return QueryOutcome::failure(QString::fromStdString(result.error));

    QueryOutcome outcome;
    Report& report = outcome.report;
    const QString filters = filterText(context.filters);
    report.title = QStringLiteral("Latency heatmap %1, %2 min per column%3")
                       .arg(rangeText(context))
                       .arg(query.columnMinutes)
                       .arg(filters.isEmpty() ? QString() : QStringLiteral(" (") + filters + QLatin1Char(')'));
    report.text = gridText(result, context.range.toMinute);

    Section percentiles { QStringLiteral("columns"), {},
        { { QStringLiteral("column_start"), QStringLiteral("column (UTC)"), Kind::Time },
            { QStringLiteral("spans"), QStringLiteral("spans"), Kind::Integer },
            { QStringLiteral("errors"), QStringLiteral("errors"), Kind::Integer },
            { QStringLiteral("p50"), QStringLiteral("p50"), Kind::Duration },
            { QStringLiteral("p95"), QStringLiteral("p95"), Kind::Duration },
            { QStringLiteral("p99"), QStringLiteral("p99"), Kind::Duration } },
        {} };
    std::vector<int64_t> errors(result.columnStarts.size(), 0);
    for (const HeatmapCell& cell : result.cells)
        errors[static_cast<size_t>(cell.column)] += cell.errorCount;
    for (size_t c = 0; c < result.columnStarts.size(); ++c) {
        const ColumnPercentiles p = c < result.percentiles.size() ? result.percentiles[c] : ColumnPercentiles {};
        const auto ns = [&](double v) { return p.count > 0 ? Cell(static_cast<int64_t>(std::llround(v))) : Cell(); };
        percentiles.rows.push_back(
            { result.columnStarts[c] * kMinuteNs, p.count, errors[c], ns(p.p50Ns), ns(p.p95Ns), ns(p.p99Ns) });
    }
    Section cells { QStringLiteral("cells"), {},
        { { QStringLiteral("column_start"), {}, Kind::Time }, { QStringLiteral("latency_above"), {}, Kind::Duration },
            { QStringLiteral("latency_up_to"), {}, Kind::Duration }, { QStringLiteral("spans"), {}, Kind::Integer },
            { QStringLiteral("errors"), {}, Kind::Integer } },
        {}, false };
    for (const HeatmapCell& cell : result.cells) {
        const HeatmapRow& row = result.rows[static_cast<size_t>(cell.row)];
        cells.rows.push_back({ result.columnStarts[static_cast<size_t>(cell.column)] * kMinuteNs,
            std::max<int64_t>(row.lowerNs, 0), row.upperNs, cell.count, cell.errorCount });
    }
    report.sections = { std::move(percentiles), std::move(cells) };
    report.meta.insert(QStringLiteral("command"), QStringLiteral("heatmap"));
    report.meta.insert(QStringLiteral("from"), isoUtc(context.range.fromMinute * kMinuteNs));
    report.meta.insert(QStringLiteral("to"), isoUtc(context.range.toMinute * kMinuteNs));
    report.meta.insert(QStringLiteral("column_minutes"), query.columnMinutes);
    report.meta.insert(QStringLiteral("filters"), filters);
    report.meta.insert(QStringLiteral("total"), static_cast<qint64>(result.total));
    report.meta.insert(QStringLiteral("errors"), static_cast<qint64>(result.errorTotal));
    report.meta.insert(QStringLiteral("from_raw_spans"), result.fromRawSpans);
    report.notices << noticesOf(result.notices);
    return outcome;
}

} // namespace

QuerySubcommand heatmapSubcommand()
{
    return { QStringLiteral("heatmap"), QStringLiteral("Latency heatmap with p50/p95/p99 per column"), {},
        [](QCommandLineParser& parser) {
            parser.addOption(
                { QStringLiteral("columns"), QStringLiteral("Time columns (default 24)."), QStringLiteral("n") });
        },
        runHeatmap };
}

} // namespace spanlight::cli
