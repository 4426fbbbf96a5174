#pragma once

#include "querytypes.h"

#include <QString>
#include <cstdint>
#include <optional>

namespace spanlight::cli {

constexpr int64_t kNsPerSecond = 1'000'000'000;

/// The current time in unix nanoseconds.
int64_t currentTimeNs();

/// A --from/--to/--since value: an ISO-8601 date (midnight UTC), an ISO-8601
/// date-time (UTC unless it names an offset), `now`, or a time relative to
/// \a nowNs (`-24h`, `-7d`, `now-30m`; units s, m, h, d, w). On failure returns
/// nullopt and an \a error that names the value.
std::optional<int64_t> parseTimeArg(const QString& text, int64_t nowNs, QString* error);

/// A duration like `2s`, `500ms`, `1.5s`, `2m`, `1h` (a bare number is seconds).
std::optional<int64_t> parseDurationArg(const QString& text, QString* error);

/// The whole minutes covering [fromNs, toNs): queries work on minutes, and a
/// range ending "now" must include the current, unfinished minute.
TimeRange minuteRange(int64_t fromNs, int64_t toNs);

/// 2026-11-23T10:00:00Z (CSV, JSON) or 2026-11-23 10:00 (tables).
QString isoUtc(int64_t ns);
QString shortUtc(int64_t ns);

} // namespace spanlight::cli
