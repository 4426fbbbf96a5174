#include "timeargs.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace spanlight::cli {

namespace {

constexpr int64_t kNsPerMinute = 60 * kNsPerSecond;

std::optional<int64_t> unitNs(QStringView unit)
{
    if (unit == u"ns")
        return 1;
    if (unit == u"us" || unit == u"µs")
        return 1000;
    if (unit == u"ms")
        return 1'000'000;
    if (unit.isEmpty() || unit == u"s")
        return kNsPerSecond;
    if (unit == u"m")
        return kNsPerMinute;
    if (unit == u"h")
        return 60 * kNsPerMinute;
    if (unit == u"d")
        return 1440 * kNsPerMinute;
    if (unit == u"w")
        return 7 * 1440 * kNsPerMinute;
    return std::nullopt;
}

int64_t floorDiv(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

} // namespace

int64_t currentTimeNs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1'000'000;
}

std::optional<int64_t> parseTimeArg(const QString& text, int64_t nowNs, QString* error)
{
    const QString t = text.trimmed();
    if (t.compare(QStringLiteral("now"), Qt::CaseInsensitive) == 0)
        return nowNs;
    static const QRegularExpression relative(QStringLiteral("^(?:now)?-(\\d+)([smhdw])$"));
    if (const auto m = relative.match(t.toLower()); m.hasMatch()) {
        bool ok = false;
        const qlonglong amount = m.captured(1).toLongLong(&ok);
        const int64_t unit = *unitNs(m.capturedView(2));
        if (ok && amount <= INT64_MAX / unit)
            return nowNs - amount * unit;
    }
    // A bare date is midnight UTC; a date-time without an offset is UTC too, so
    // the same command gives the same answer on every machine.
    static const QRegularExpression dateOnly(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (dateOnly.match(t).hasMatch()) {
        const QDate date = QDate::fromString(t, Qt::ISODate);
        if (date.isValid())
            return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() * 1'000'000;
    }
    static const QRegularExpression dateTime(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}"));
    if (dateTime.match(t).hasMatch()) {
        QString iso = t;
        iso[10] = QLatin1Char('T');
        QDateTime dt = QDateTime::fromString(iso, Qt::ISODateWithMs);
        if (dt.isValid()) {
            if (dt.timeSpec() == Qt::LocalTime)
                dt = QDateTime(dt.date(), dt.time(), QTimeZone::utc());
            return dt.toMSecsSinceEpoch() * 1'000'000;
        }
    }
    *error = QStringLiteral("cannot read the time '%1': use an ISO-8601 date (2026-11-23), a date-time "
                            "(2026-11-23T10:00:00Z, UTC unless an offset is given), 'now' or a relative time "
                            "(-24h, -7d, -30m)")
                 .arg(text);
    return std::nullopt;
}

std::optional<int64_t> parseDurationArg(const QString& text, QString* error)
{
    static const QRegularExpression duration(QStringLiteral("^(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h|d|w)?$"));
    const auto m = duration.match(text.trimmed().toLower());
    if (m.hasMatch()) {
        const double amount = m.captured(1).toDouble();
        const double ns = amount * static_cast<double>(*unitNs(m.capturedView(2)));
        if (ns < 9.0e18)
            return static_cast<int64_t>(ns + 0.5);
    }
    *error = QStringLiteral("cannot read the duration '%1': use a number with a unit, like 500ms, 2s, 1.5s, 2m or 1h")
                 .arg(text);
    return std::nullopt;
}

TimeRange minuteRange(int64_t fromNs, int64_t toNs)
{
    TimeRange range;
    range.fromMinute = floorDiv(fromNs, kNsPerMinute);
    range.toMinute = -floorDiv(-toNs, kNsPerMinute);
    return range;
}

QString isoUtc(int64_t ns)
{
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(floorDiv(ns, 1'000'000), QTimeZone::utc());
    return dt.toString(
        ns % kNsPerSecond == 0 ? QStringLiteral("yyyy-MM-ddTHH:mm:ssZ") : QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

QString shortUtc(int64_t ns)
{
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(floorDiv(ns, 1'000'000), QTimeZone::utc());
    return dt.toString(
        ns % kNsPerMinute == 0 ? QStringLiteral("yyyy-MM-dd HH:mm") : QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace spanlight::cli
