#include "spendformat.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

namespace spanlight {

QString formatUsd(int64_t nanoUsd)
{
    const double usd = double(nanoUsd) / 1e9;
    const double magnitude = std::abs(usd);
    int decimals = 2;
    if (nanoUsd != 0 && magnitude < 0.01)
        decimals = std::clamp(int(std::ceil(-std::log10(magnitude))) + 1, 3, 9); // two significant digits
    else if (magnitude < 1)
        decimals = 4;
    const QString sign = usd < 0 ? QStringLiteral("−") : QString();
    return sign + QLatin1Char('$') + QLocale().toString(magnitude, 'f', decimals);
}

QString formatSpend(const SpendTotals& totals)
{
    if (totals.unpricedRequests == 0)
        return formatUsd(totals.costNanoUsd);
    if (totals.costNanoUsd == 0)
        return QObject::tr("unpriced (%1 requests)").arg(formatCount(totals.unpricedRequests));
    return QObject::tr("≥ %1 + %2 unpriced").arg(formatUsd(totals.costNanoUsd), formatCount(totals.unpricedRequests));
}

std::optional<double> changeRatio(const SpendTotals& current, const std::optional<SpendTotals>& previous)
{
    if (!previous || previous->costNanoUsd == 0)
        return std::nullopt;
    return double(current.costNanoUsd - previous->costNanoUsd) / double(previous->costNanoUsd);
}

QString formatChange(const SpendTotals& current, const std::optional<SpendTotals>& previous)
{
    const bool before = previous && previous->requests > 0;
    if (!before)
        return current.requests > 0 ? QObject::tr("new") : QStringLiteral("—");
    const std::optional<double> ratio = changeRatio(current, previous);
    if (!ratio)
        return QStringLiteral("—"); // only unpriced requests before: no dollar base to compare with
    const double percent = *ratio * 100.0;
    const QString number = QLocale().toString(std::abs(percent), 'f', 1) + QLatin1Char('%');
    return (percent < 0 ? QStringLiteral("−") : QStringLiteral("+")) + number;
}

QString formatCount(int64_t value)
{
    return QLocale().toString(qlonglong(value));
}

} // namespace spanlight
