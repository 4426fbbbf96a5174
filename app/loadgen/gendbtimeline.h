#pragma once

#include <cstdint>
#include <vector>

namespace spanlight::gendb {

/// Maps progress through a run (0..1) to a timestamp in [start, end) so that traffic follows a daily
/// cycle (a busy afternoon UTC, quiet nights, slower weekends) with slow growth over the period. Progress
/// only moves forward, so traces come out in time order without holding any of them.
class TimeLine
{
public:
    TimeLine(std::int64_t startNs, std::int64_t endNs);

    /// The time by which @p fraction of the run's traffic has happened.
    std::int64_t at(double fraction) const;

    /// Relative traffic at @p ns (exposed for tests).
    static double intensity(std::int64_t ns, double progress);

private:
    std::int64_t m_startNs;
    std::int64_t m_endNs;
    std::int64_t m_stepNs;
    std::vector<double> m_cumulative; ///< traffic before the end of each step; back() is the total
};

} // namespace spanlight::gendb
