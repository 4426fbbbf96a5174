#include "spendchart.h"

#include "palettes.h"
#include "spendquery.h"

#include <QAreaSeries>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>

namespace spanlight {

namespace {

// Tableau 10: distinguishable in light and dark palettes and for most colour-vision deficiencies.
constexpr const char* kColors[]
    = { "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f" };
constexpr const char* kOthersColor = "#bab0ac";

QString widthText(int minutes)
{
    if (minutes % 1440 == 0)
        return minutes == 1440 ? SpendChart::tr("day") : SpendChart::tr("%1 days").arg(minutes / 1440);
    if (minutes % 60 == 0)
        return minutes == 60 ? SpendChart::tr("hour") : SpendChart::tr("%1 h").arg(minutes / 60);
    return SpendChart::tr("%1 min").arg(minutes);
}

} // namespace

SpendChartData spendChartData(const SpendResult& result, int columnMinutes, int maxTenants)
{
    SpendChartData data;
    data.columnStarts = result.columnStarts;
    data.columnMinutes = columnMinutes;
    const size_t columns = result.columnStarts.size();
    for (const SpendSeries& s : result.byTenant) {
        const int layers = static_cast<int>(data.layers.size());
        if (layers == maxTenants)
            data.layers.push_back(
                { SpendChart::tr("others"), QColor(QLatin1String(kOthersColor)), std::vector<double>(columns) });
        else if (layers < maxTenants)
            data.layers.push_back({ QString::fromStdString(s.name),
                QColor(QLatin1String(kColors[data.layers.size() % std::size(kColors)])),
                std::vector<double>(columns) });
        std::vector<double>& usd = data.layers.back().usd;
        for (size_t i = 0; i < columns && i < s.perColumn.size(); ++i)
            usd[i] += double(s.perColumn[i].costNanoUsd) / 1e9;
    }
    return data;
}

SpendChart::SpendChart(QWidget* parent)
    : QChartView(new QChart, parent)
    , m_x(new QDateTimeAxis)
    , m_y(new QValueAxis)
{
    // No antialiasing: steps, grid and ticks are all horizontal or vertical,
    // and antialiased lines were the chart's largest cost on every live repaint.
    setRenderHint(QPainter::Antialiasing, false);
    chart()->setTitle(tr("Spend per tenant"));
    chart()->legend()->setAlignment(Qt::AlignRight);
    chart()->setBackgroundRoundness(0);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    m_x->setTitleText(tr("Time (local)"));
    applyPalette();
}

void SpendChart::setSpend(const SpendResult& result, int columnMinutes, int maxTenants)
{
    setData(spendChartData(result, columnMinutes, maxTenants));
}

void SpendChart::setData(const SpendChartData& data)
{
    // The same layers as on screen, in any order: keep the order on screen, so
    // two tenants trading places do not rebuild the chart (or make it jump).
    std::vector<const SpendChartData::Layer*> layers;
    for (const QString& name : std::as_const(m_names)) {
        const auto it = std::find_if(
            data.layers.begin(), data.layers.end(), [&name](const SpendChartData::Layer& l) { return l.name == name; });
        if (it == data.layers.end())
            break;
        layers.push_back(&*it);
    }
    if (layers.size() != data.layers.size() || layers.size() != m_areas.size()) {
        rebuildSeries(data);
        layers.clear();
        for (const SpendChartData::Layer& l : data.layers)
            layers.push_back(&l);
    }

    const size_t columns = data.columnStarts.size();
    const double widthMs = double(data.columnMinutes) * 60'000;
    std::vector<double> base(columns, 0.0);
    QList<QPointF> lower, upper;
    for (size_t k = 0; k < layers.size(); ++k) {
        lower.clear();
        upper.clear();
        lower.reserve(qsizetype(columns * 2));
        upper.reserve(qsizetype(columns * 2));
        for (size_t i = 0; i < columns && i < layers[k]->usd.size(); ++i) {
            const auto from = double(data.columnStarts[i] * 60'000), to = from + widthMs;
            lower << QPointF(from, base[i]) << QPointF(to, base[i]);
            base[i] += layers[k]->usd[i];
            upper << QPointF(from, base[i]) << QPointF(to, base[i]);
        }
        // One notification per line instead of one per point.
        m_areas[k]->lowerSeries()->replace(lower);
        m_areas[k]->upperSeries()->replace(upper);
    }
    updateAxes(data, base.empty() ? 0.0 : *std::max_element(base.begin(), base.end()));
}

void SpendChart::rebuildSeries(const SpendChartData& data)
{
    ++m_rebuilds;
    QChart* c = chart();
    c->removeAllSeries();
    m_areas.clear();
    m_names.clear();
    for (const SpendChartData::Layer& layer : data.layers) {
        auto* area = new QAreaSeries;
        area->setUpperSeries(new QLineSeries(area));
        area->setLowerSeries(new QLineSeries(area));
        area->setName(layer.name);
        QColor fill = layer.color;
        area->setBorderColor(fill.darker(130));
        fill.setAlpha(210);
        area->setColor(fill);
        c->addSeries(area);
        area->attachAxis(m_x);
        area->attachAxis(m_y);
        m_areas.push_back(area);
        m_names << layer.name;
    }
    for (QLegendMarker* marker : c->legend()->markers())
        marker->setLabelBrush(palette().text());
}

void SpendChart::updateAxes(const SpendChartData& data, double top)
{
    // Setters that emit only on a real change: the axes relayout their labels
    // when a range or a format moves, not on every refresh.
    QValueAxis nice; // applyNiceNumbers() off screen, so the shown axis changes once or not at all
    nice.setRange(0, top > 0 ? top * 1.08 : 1.0);
    nice.applyNiceNumbers();
    if (nice.min() != m_y->min() || nice.max() != m_y->max() || nice.tickCount() != m_y->tickCount()) {
        m_y->setTickCount(nice.tickCount());
        m_y->setRange(nice.min(), nice.max());
    }
    m_y->setLabelFormat(top >= 10 ? QStringLiteral("$%.0f")
            : top >= 0.1          ? QStringLiteral("$%.2f")
                                  : QStringLiteral("$%.4f"));
    m_y->setTitleText(tr("USD per %1").arg(widthText(data.columnMinutes)));
    int ticks = 7;
    if (!data.columnStarts.empty()) {
        const qint64 widthMs = qint64(data.columnMinutes) * 60'000;
        const qint64 from = data.columnStarts.front() * 60'000;
        const qint64 to = data.columnStarts.back() * 60'000 + widthMs;
        const QDateTime fromTime = QDateTime::fromMSecsSinceEpoch(from), toTime = QDateTime::fromMSecsSinceEpoch(to);
        if (m_x->min() != fromTime || m_x->max() != toTime)
            m_x->setRange(fromTime, toTime);
        const qint64 minutes = (to - from) / 60'000;
        m_x->setFormat(minutes <= 1440 ? QStringLiteral("HH:mm")
                : minutes <= 7 * 1440  ? QStringLiteral("ddd HH:mm")
                                       : QStringLiteral("MMM d"));
        // QDateTimeAxis spaces ticks evenly from the range start: pick a count
        // that makes the spacing a round interval (10 min, 1 h, 1 day ...).
        for (qint64 interval : { 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 10080 }) {
            if (minutes / interval <= 8) {
                if (minutes % interval == 0)
                    ticks = int(minutes / interval) + 1;
                break;
            }
        }
    }
    m_x->setTickCount(std::max(ticks, 2));
}

QStringList SpendChart::layerNames() const
{
    return m_names;
}

void SpendChart::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

void SpendChart::applyPalette()
{
    // Our own light/dark palettes (Qt 6.4 cannot read the system scheme): the
    // chart takes every colour from the widget palette instead of a chart theme.
    const QPalette pal = palette();
    QChart* c = chart();
    setBackgroundBrush(pal.base());
    c->setBackgroundBrush(pal.base());
    c->setTitleBrush(pal.text());
    c->legend()->setLabelColor(pal.color(QPalette::Text));
    // Opaque: translucent vertical lines are blended by worker threads the UI thread waits for.
    const QColor grid = opaqueBlend(pal.color(QPalette::Text), 40 / 255.0, pal.color(QPalette::Base));
    for (QAbstractAxis* axis : c->axes()) {
        axis->setLabelsBrush(pal.text());
        axis->setTitleBrush(pal.text());
        axis->setGridLineColor(grid);
        axis->setLinePenColor(pal.color(QPalette::Mid));
    }
}

} // namespace spanlight
