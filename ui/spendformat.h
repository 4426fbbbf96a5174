#pragma once

#include "querytypes.h"

#include <QString>
#include <optional>

namespace spanlight {

/// "$1,234.56", "$0.0123", "$0.000042": enough digits that a cheap call never reads as $0.
QString formatUsd(int64_t nanoUsd);
/// A spend as a lower bound when some requests had no price (FACTS.md: never a silent $0):
/// "$12.30", "≥ $12.30 + 4 unpriced", "unpriced (4 requests)".
QString formatSpend(const SpendTotals& totals);
/// "+12.5%", "−3.0%", "new" (nothing in the previous period), "—" (nothing now or before).
QString formatChange(const SpendTotals& current, const std::optional<SpendTotals>& previous);
/// The change as a ratio ((now − before) / before), or nullopt where formatChange says "new" or "—".
std::optional<double> changeRatio(const SpendTotals& current, const std::optional<SpendTotals>& previous);
/// "12,345" in the user's locale.
QString formatCount(int64_t value);

} // namespace spanlight
