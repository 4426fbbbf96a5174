#include "consolecontext.h"

#include <algorithm>

namespace spanlight {

int presetMinutes(ConsoleContext::RangePreset preset)
{
    using P = ConsoleContext::RangePreset;
    switch (preset) {
    case P::Minutes15:
        return 15;
    case P::Hour1:
        return 60;
    case P::Hours6:
        return 360;
    case P::Hours24:
        return 1440;
    case P::Days7:
        return 7 * 1440;
    case P::Custom:
        return 0;
    }
    return 60;
}

ConsoleContext::ConsoleContext(QueryRunner* runner, IngestStatusPage::SnapshotSource snapshots, QObject* parent)
    : QObject(parent)
    , m_runner(runner)
    , m_snapshots(std::move(snapshots))
{
    // Coalescing: however fast spans commit, views hear of it at most 4 times a second.
    m_poll.setInterval(250);
    connect(&m_poll, &QTimer::timeout, this, &ConsoleContext::poll);
    m_poll.start();
}

TimeRange ConsoleContext::range() const
{
    if (m_preset == RangePreset::Custom && m_customFrom.isValid() && m_customTo.isValid())
        return { m_customFrom.toSecsSinceEpoch() / 60, (m_customTo.toSecsSinceEpoch() + 59) / 60 };
    const int64_t nowMinute = QDateTime::currentSecsSinceEpoch() / 60;
    const int64_t end = nowMinute + 1; // the current, partial minute too
    return { end - presetMinutes(m_preset == RangePreset::Custom ? RangePreset::Hour1 : m_preset), end };
}

int ConsoleContext::columnMinutes() const
{
    // Widths that divide hours and days, so rollup reads stay on coarse rows.
    const int64_t minutes = range().minutes();
    for (int width : { 1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440 })
        if (minutes / width <= 120)
            return width;
    return 1440;
}

void ConsoleContext::setPreset(RangePreset preset)
{
    if (preset == m_preset)
        return;
    m_preset = preset;
    emit selectionChanged();
}

void ConsoleContext::setCustomRange(const QDateTime& from, const QDateTime& to)
{
    m_customFrom = std::min(from, to);
    m_customTo = std::max(from, to);
    m_preset = RangePreset::Custom;
    emit selectionChanged();
}

void ConsoleContext::setLive(bool live)
{
    if (live == m_live)
        return;
    m_live = live;
    emit selectionChanged();
}

void ConsoleContext::setFilters(const QueryFilters& filters)
{
    m_filters = filters;
    emit selectionChanged();
}

void ConsoleContext::poll()
{
    const int64_t stored = m_snapshots().writer.spansStored;
    if (stored != m_lastStored) {
        const bool first = m_lastStored < 0;
        m_lastStored = stored;
        if (!first)
            emit dataChanged();
    }
}

} // namespace spanlight
