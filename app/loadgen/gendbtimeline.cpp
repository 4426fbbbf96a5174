#include "gendbtimeline.h"

#include <algorithm>
#include <cmath>

namespace spanlight::gendb {

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kDayNs = 86400 * kSecondNs;
constexpr std::int64_t kStepNs = 60 * kSecondNs; // a minute: fine enough for the cycle, 43,200 steps a month

} // namespace

double TimeLine::intensity(std::int64_t ns, double progress)
{
    const double hour = static_cast<double>(((ns % kDayNs) + kDayNs) % kDayNs) / (3600.0 * kSecondNs);
    const std::int64_t day = ns >= 0 ? ns / kDayNs : (ns - kDayNs + 1) / kDayNs;
    const int weekday = static_cast<int>(((day + 4) % 7 + 7) % 7); // 1970-01-01 was a Thursday; 0 = Sunday
    // Office hours in Europe and the Americas overlap in the UTC afternoon; nights keep a floor of batch jobs.
    const double business = std::exp(-std::pow((hour - 15.0) / 4.0, 2.0));
    const double evening = 0.35 * std::exp(-std::pow((hour - 21.0) / 2.0, 2.0));
    const double weekend = weekday == 0 || weekday == 6 ? 0.55 : 1.0;
    return (0.12 + business + evening) * weekend * (0.8 + 0.4 * progress);
}

TimeLine::TimeLine(std::int64_t startNs, std::int64_t endNs)
    : m_startNs(startNs)
    , m_endNs(std::max(endNs, startNs + 1))
    , m_stepNs(std::min<std::int64_t>(kStepNs, m_endNs - m_startNs))
{
    const std::int64_t steps = (m_endNs - m_startNs + m_stepNs - 1) / m_stepNs;
    m_cumulative.reserve(static_cast<std::size_t>(steps));
    double total = 0;
    for (std::int64_t i = 0; i < steps; ++i) {
        const std::int64_t begin = m_startNs + i * m_stepNs;
        const std::int64_t width = std::min(m_stepNs, m_endNs - begin);
        total += intensity(begin + width / 2, static_cast<double>(i) / static_cast<double>(steps))
            * static_cast<double>(width) / static_cast<double>(m_stepNs);
        m_cumulative.push_back(total);
    }
}

std::int64_t TimeLine::at(double fraction) const
{
    const double target = std::clamp(fraction, 0.0, 1.0) * m_cumulative.back();
    const auto it = std::lower_bound(m_cumulative.begin(), m_cumulative.end(), target);
    if (it == m_cumulative.end())
        return m_endNs - 1;
    const auto step = static_cast<std::int64_t>(it - m_cumulative.begin());
    const double before = step == 0 ? 0.0 : m_cumulative[static_cast<std::size_t>(step - 1)];
    const double within = *it > before ? (target - before) / (*it - before) : 0.0;
    const std::int64_t ns
        = m_startNs + step * m_stepNs + static_cast<std::int64_t>(within * static_cast<double>(m_stepNs));
    return std::min(ns, m_endNs - 1);
}

} // namespace spanlight::gendb
