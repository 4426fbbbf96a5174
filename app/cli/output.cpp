#include "output.h"

#include "timeargs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <cmath>

namespace spanlight::cli {

namespace {

/// \a value / 10^\a digits as an exact decimal with at least \a minDecimals decimals.
QString exactDecimal(int64_t value, int digits, int minDecimals)
{
    const bool negative = value < 0;
    const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    uint64_t scale = 1;
    for (int i = 0; i < digits; ++i)
        scale *= 10;
    QString fraction = QString::number(magnitude % scale).rightJustified(digits, QLatin1Char('0'));
    while (fraction.size() > minDecimals && fraction.endsWith(QLatin1Char('0')))
        fraction.chop(1);
    QString text = QString::number(magnitude / scale);
    if (!fraction.isEmpty())
        text += QLatin1Char('.') + fraction;
    return negative ? QLatin1Char('-') + text : text;
}

QString grouped(int64_t value)
{
    QString digits = QString::number(value < 0 ? -value : value);
    for (qsizetype i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(','));
    return value < 0 ? QLatin1Char('-') + digits : digits;
}

bool rightAligned(Kind kind)
{
    return kind != Kind::Text && kind != Kind::Time;
}

QString tableText(const Cell& cell, Kind kind)
{
    if (std::holds_alternative<Unpriced>(cell))
        return QStringLiteral("unpriced");
    if (const auto* text = std::get_if<QString>(&cell))
        return *text;
    if (const auto* number = std::get_if<double>(&cell)) {
        if (kind == Kind::Percent)
            return QString::number(*number * 100, 'f', 1) + QLatin1Char('%');
        return QString::number(*number, 'g', 4);
    }
    if (const auto* value = std::get_if<int64_t>(&cell)) {
        switch (kind) {
        case Kind::Money:
            return *value < 0 ? QStringLiteral("-$") + usdText(-*value, 4) : QStringLiteral("$") + usdText(*value, 4);
        case Kind::Duration:
            return durationText(*value);
        case Kind::Time:
            return shortUtc(*value);
        case Kind::Integer:
            return grouped(*value);
        default:
            return QString::number(*value);
        }
    }
    return {};
}

/// The CSV/JSON field names of a column (money and durations carry their unit).
QStringList fieldKeys(const Column& column)
{
    switch (column.kind) {
    case Kind::Money:
        return { column.key + QStringLiteral("_usd"), column.key + QStringLiteral("_nano_usd") };
    case Kind::Duration:
        return { column.key + QStringLiteral("_ms") };
    default:
        return { column.key };
    }
}

QList<QJsonValue> fieldValues(const Cell& cell, Kind kind)
{
    if (std::holds_alternative<std::monostate>(cell))
        return kind == Kind::Money ? QList<QJsonValue> { QJsonValue(), QJsonValue() } : QList<QJsonValue> { {} };
    if (std::holds_alternative<Unpriced>(cell))
        return { QStringLiteral("unpriced"), QJsonValue() };
    if (const auto* text = std::get_if<QString>(&cell))
        return kind == Kind::Money ? QList<QJsonValue> { *text, QJsonValue() } : QList<QJsonValue> { *text };
    if (const auto* number = std::get_if<double>(&cell))
        return { *number };
    const int64_t value = std::get<int64_t>(cell);
    switch (kind) {
    case Kind::Money:
        return { usdText(value), static_cast<qint64>(value) };
    case Kind::Duration:
        return { static_cast<double>(value) / 1e6 };
    case Kind::Time:
        return { isoUtc(value) };
    default:
        return { static_cast<qint64>(value) };
    }
}

QString csvText(const QJsonValue& value)
{
    if (value.isNull())
        return {};
    if (value.isString())
        return value.toString();
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (d == std::floor(d) && std::abs(d) < 9e15)
            return QString::number(static_cast<qint64>(d));
        return QString::number(d, 'g', 12);
    }
    return QString::number(value.toInteger());
}

void writeTable(const Report& report, QTextStream& out)
{
    if (!report.title.isEmpty())
        out << report.title << "\n\n";
    for (const QString& line : report.text)
        out << line << "\n";
    if (!report.text.isEmpty())
        out << "\n";
    for (const Section& section : report.sections) {
        if (!section.inTableFormat)
            continue;
        if (!section.title.isEmpty())
            out << section.title << "\n";
        std::vector<size_t> shown; // columns the table format prints
        for (size_t i = 0; i < section.columns.size(); ++i)
            if (section.columns[i].inTableFormat)
                shown.push_back(i);
        std::vector<QStringList> lines;
        QStringList header;
        for (size_t i : shown)
            header << section.columns[i].header;
        lines.push_back(header);
        for (const auto& row : section.rows) {
            QStringList line;
            for (size_t i : shown) {
                QString text = i < row.size() ? tableText(row[i], section.columns[i].kind) : QString();
                line << text.replace(QLatin1Char('\n'), QChar(0x21b5)).remove(QLatin1Char('\r'));
            }
            lines.push_back(line);
        }
        std::vector<qsizetype> widths(shown.size(), 0);
        for (const QStringList& line : lines)
            for (qsizetype i = 0; i < line.size(); ++i)
                widths[static_cast<size_t>(i)] = std::max(widths[static_cast<size_t>(i)], line[i].size());
        for (size_t n = 0; n < lines.size(); ++n) {
            QString text;
            for (size_t i = 0; i < shown.size(); ++i) {
                const QString& cell = lines[n][static_cast<qsizetype>(i)];
                if (i > 0)
                    text += QStringLiteral("  ");
                if (rightAligned(section.columns[shown[i]].kind))
                    text += cell.rightJustified(widths[i]);
                else
                    text += i + 1 == shown.size() ? cell : cell.leftJustified(widths[i]);
            }
            out << text << "\n";
            if (n == 0) {
                QString rule;
                for (size_t i = 0; i < widths.size(); ++i)
                    rule += (i > 0 ? QStringLiteral("  ") : QString()) + QString(widths[i], QLatin1Char('-'));
                out << rule << "\n";
            }
        }
        if (section.rows.empty())
            out << "(none)\n";
        out << "\n";
    }
    for (const QString& line : report.footer)
        out << line << "\n";
    for (const QString& notice : report.notices)
        out << "note: " << notice << "\n";
}

void writeCsv(const Report& report, QTextStream& out, QTextStream& err)
{
    bool first = true;
    for (const Section& section : report.sections) {
        if (!first)
            out << "\r\n";
        first = false;
        QStringList header;
        for (const Column& c : section.columns)
            for (const QString& key : fieldKeys(c))
                header << csvField(key);
        out << header.join(QLatin1Char(',')) << "\r\n";
        for (const auto& row : section.rows) {
            QStringList fields;
            for (size_t i = 0; i < section.columns.size(); ++i)
                for (const QJsonValue& v : fieldValues(i < row.size() ? row[i] : Cell {}, section.columns[i].kind))
                    fields << csvField(csvText(v));
            out << fields.join(QLatin1Char(',')) << "\r\n";
        }
    }
    for (const QString& notice : report.notices)
        err << "note: " << notice << "\n";
}

void writeJson(const Report& report, QTextStream& out)
{
    QJsonObject root = report.meta;
    for (const Section& section : report.sections) {
        QJsonArray rows;
        for (const auto& row : section.rows) {
            QJsonObject object;
            for (size_t i = 0; i < section.columns.size(); ++i) {
                const QStringList keys = fieldKeys(section.columns[i]);
                const QList<QJsonValue> values
                    = fieldValues(i < row.size() ? row[i] : Cell {}, section.columns[i].kind);
                for (qsizetype k = 0; k < keys.size() && k < values.size(); ++k)
                    object.insert(keys[k], values[k]);
            }
            rows.append(object);
        }
        root.insert(section.name, rows);
    }
    root.insert(QStringLiteral("notices"), QJsonArray::fromStringList(report.notices));
    out << QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented));
}

} // namespace

std::optional<Format> parseFormat(const QString& text)
{
    if (text == QStringLiteral("table"))
        return Format::Table;
    if (text == QStringLiteral("csv"))
        return Format::Csv;
    if (text == QStringLiteral("json"))
        return Format::Json;
    return std::nullopt;
}

void writeReport(const Report& report, Format format, QTextStream& out, QTextStream& err)
{
    switch (format) {
    case Format::Table:
        writeTable(report, out);
        break;
    case Format::Csv:
        writeCsv(report, out, err);
        break;
    case Format::Json:
        writeJson(report, out);
        break;
    }
    out.flush();
    err.flush();
}

QString usdText(int64_t nanoUsd, int significant)
{
    if (significant <= 0 || nanoUsd == 0)
        return exactDecimal(nanoUsd, 9, 2);
    const bool negative = nanoUsd < 0;
    const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(nanoUsd) : static_cast<uint64_t>(nanoUsd);
    int digits = 0; // decimal digits of the magnitude in nano-USD
    for (uint64_t m = magnitude; m > 0; m /= 10)
        ++digits;
    // Keep `significant` digits, but never fewer than cents nor more than nano-USD.
    const int dropped = std::clamp(digits - significant, 0, 7);
    uint64_t scale = 1;
    for (int i = 0; i < dropped; ++i)
        scale *= 10;
    const uint64_t rounded = (magnitude + scale / 2) / scale * scale;
    const auto value = static_cast<int64_t>(rounded);
    return exactDecimal(negative ? -value : value, 9, 2);
}

QString durationText(int64_t ns)
{
    const auto threeDigits = [](double v, const char* unit) -> QString {
        const int decimals = v < 10 ? 2 : v < 100 ? 1 : 0;
        return QString::number(v, 'f', decimals) + QLatin1Char(' ') + QString::fromUtf8(unit);
    };
    if (ns < 0)
        return QLatin1Char('-') + durationText(ns == INT64_MIN ? INT64_MAX : -ns);
    const double v = static_cast<double>(ns);
    if (ns < 1000)
        return QString::number(ns) + QStringLiteral(" ns");
    if (ns < 1'000'000)
        return threeDigits(v / 1e3, "µs");
    if (ns < 1'000'000'000)
        return threeDigits(v / 1e6, "ms");
    if (ns < 60 * kNsPerSecond)
        return threeDigits(v / 1e9, "s");
    const int64_t seconds = ns / kNsPerSecond;
    if (seconds < 3600)
        return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h %2m").arg(seconds / 3600).arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'));
}

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))
        && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace spanlight::cli
