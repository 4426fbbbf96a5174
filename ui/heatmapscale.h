#pragma once

#include <QColor>
#include <QString>
#include <cstdint>
#include <vector>

namespace spanlight {

/// The perceptual colour of \a t in [0, 1]: viridis (dark blue-violet to
/// yellow), monotonic in lightness and readable by colour-blind viewers.
QColor heatColour(double t);

/// "850 µs", "12 ms", "1.5 s", "2.0 min": latency for labels and tooltips.
QString formatLatency(double ns);

/// "950", "12k", "1.2M": counts on the legend.
QString formatCompactCount(int64_t count);

/// "14:05", or "Tue 14:05" when \a withDay: a unix minute in local time.
QString formatMinute(int64_t unixMinute, bool withDay);

/// "Tue 14:05 – 14:20" for [fromMinute, toMinute).
QString formatMinuteRange(int64_t fromMinute, int64_t toMinute);

/// A labelled time-axis tick in local time.
struct TimeTick
{
    int64_t minute = 0;
    QString label;
    bool major = false; ///< a local midnight: labelled with the day
};

/// Ticks on local-time boundaries (minutes, hours, midnights) over
/// [fromMinute, toMinute), spaced at least \a minSpacingPx apart at
/// \a pixelsPerMinute.
std::vector<TimeTick> timeTicks(int64_t fromMinute, int64_t toMinute, double pixelsPerMinute, double minSpacingPx);

} // namespace spanlight
