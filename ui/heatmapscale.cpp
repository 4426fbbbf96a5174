#include "heatmapscale.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>
#include <array>
#include <cmath>

namespace spanlight {

namespace {

// Viridis sampled at eleven evenly spaced points (matplotlib's table);
// linear interpolation between them stays within a few units of the original.
constexpr std::array<std::array<int, 3>, 11> kViridis
    = { { { 68, 1, 84 }, { 72, 36, 117 }, { 65, 68, 135 }, { 53, 95, 141 }, { 42, 120, 142 }, { 33, 145, 140 },
        { 34, 168, 132 }, { 68, 191, 112 }, { 122, 209, 81 }, { 189, 223, 38 }, { 253, 231, 37 } } };

QDateTime localMinute(int64_t unixMinute)
{
    return QDateTime::fromSecsSinceEpoch(unixMinute * 60);
}

} // namespace

QColor heatColour(double t)
{
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    const double scaled = t * (kViridis.size() - 1);
    const size_t i = std::min(static_cast<size_t>(scaled), kViridis.size() - 2);
    const double f = scaled - static_cast<double>(i);
    const auto mix = [&](int channel) {
        return static_cast<int>(std::lround(kViridis[i][channel] * (1 - f) + kViridis[i + 1][channel] * f));
    };
    return QColor(mix(0), mix(1), mix(2));
}

QString formatLatency(double ns)
{
    const QLocale locale;
    const auto number = [&](double value, const QString& unit) -> QString {
        // Two significant digits below 10, none above: "1.5 s", "15 s", "150 ms".
        const int decimals = value < 9.95 && value != std::floor(value) ? 1 : 0;
        return locale.toString(value, 'f', decimals) + QChar(0x202F) + unit;
    };
    if (ns < 1e3)
        return number(ns, QStringLiteral("ns"));
    if (ns < 1e6)
        return number(ns / 1e3, QStringLiteral("µs"));
    if (ns < 1e9)
        return number(ns / 1e6, QStringLiteral("ms"));
    if (ns < 60e9)
        return number(ns / 1e9, QStringLiteral("s"));
    return number(ns / 60e9, QStringLiteral("min"));
}

QString formatCompactCount(int64_t count)
{
    const QLocale locale;
    if (count < 1000)
        return locale.toString(static_cast<qlonglong>(count));
    if (count < 1'000'000)
        return locale.toString(count / 1e3, 'g', count < 10'000 ? 2 : 3) + QLatin1Char('k');
    return locale.toString(count / 1e6, 'g', count < 10'000'000 ? 2 : 3) + QLatin1Char('M');
}

QString formatMinute(int64_t unixMinute, bool withDay)
{
    const QLocale locale;
    const QDateTime t = localMinute(unixMinute);
    return withDay ? locale.toString(t, QStringLiteral("ddd HH:mm")) : locale.toString(t, QStringLiteral("HH:mm"));
}

QString formatMinuteRange(int64_t fromMinute, int64_t toMinute)
{
    const bool sameDay = localMinute(fromMinute).date() == localMinute(toMinute - 1).date();
    return formatMinute(fromMinute, true) + QStringLiteral(" – ") + formatMinute(toMinute, !sameDay);
}

std::vector<TimeTick> timeTicks(int64_t fromMinute, int64_t toMinute, double pixelsPerMinute, double minSpacingPx)
{
    std::vector<TimeTick> ticks;
    if (toMinute <= fromMinute || pixelsPerMinute <= 0)
        return ticks;
    // Steps that land on round local times: minutes, hours, days.
    static constexpr int kSteps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080 };
    int step = kSteps[std::size(kSteps) - 1];
    for (int s : kSteps) {
        if (s * pixelsPerMinute >= minSpacingPx) {
            step = s;
            break;
        }
    }
    // Align in local time; the offset is taken once, so a DST switch inside
    // the range shifts later ticks by an hour but never misplaces a label.
    const int64_t offset = localMinute(fromMinute).offsetFromUtc() / 60;
    int64_t local = fromMinute + offset;
    local = (local + step - 1) / step * step;
    for (; local - offset < toMinute; local += step) {
        const int64_t minute = local - offset;
        const bool midnight = local % 1440 == 0;
        TimeTick tick { minute, {}, midnight };
        tick.label = step >= 1440 || midnight ? QLocale().toString(localMinute(minute).date(), QStringLiteral("ddd d"))
                                              : formatMinute(minute, false);
        ticks.push_back(std::move(tick));
    }
    return ticks;
}

} // namespace spanlight
