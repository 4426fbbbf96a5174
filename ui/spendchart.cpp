#include "spendchart.h"

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

SpendChart::SpendChart(QWidget* parent)
    : QChartView(new QChart, parent)
{
    setRenderHint(QPainter::Antialiasing);
    chart()->setTitle(tr("Spend per tenant"));
    chart()->legend()->setAlignment(Qt::AlignRight);
    chart()->setBackgroundRoundness(0);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    applyPalette();
}

void SpendChart::setSpend(const SpendResult& result, int columnMinutes, int maxTenants)
{
    QChart* c = chart();
    c->removeAllSeries();
    for (QAbstractAxis* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    const size_t columns = result.columnStarts.size();
    struct Layer
    {
        QString name;
        std::vector<double> usd;
        QColor color;
    };
    std::vector<Layer> layers;
    for (const SpendSeries& s : result.byTenant) {
        const bool others = int(layers.size()) == maxTenants;
        if (others)
            layers.push_back({ tr("others"), std::vector<double>(columns), QColor(QLatin1String(kOthersColor)) });
        else if (int(layers.size()) < maxTenants)
            layers.push_back({ QString::fromStdString(s.name), std::vector<double>(columns),
                QColor(QLatin1String(kColors[layers.size() % std::size(kColors)])) });
        for (size_t i = 0; i < columns && i < s.perColumn.size(); ++i)
            layers.back().usd[i] += double(s.perColumn[i].costNanoUsd) / 1e9;
    }

    auto* x = new QDateTimeAxis;
    auto* y = new QValueAxis;
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    std::vector<double> base(columns, 0.0);
    const qint64 widthMs = qint64(columnMinutes) * 60'000;
    for (const Layer& layer : layers) {
        auto* area = new QAreaSeries;
        auto* upper = new QLineSeries(area);
        auto* lower = new QLineSeries(area);
        for (size_t i = 0; i < columns; ++i) {
            const auto from = double(result.columnStarts[i] * 60'000), to = from + double(widthMs);
            lower->append(from, base[i]);
            lower->append(to, base[i]);
            base[i] += layer.usd[i];
            upper->append(from, base[i]);
            upper->append(to, base[i]);
        }
        area->setUpperSeries(upper);
        area->setLowerSeries(lower);
        area->setName(layer.name);
        QColor fill = layer.color;
        area->setBorderColor(fill.darker(130));
        fill.setAlpha(210);
        area->setColor(fill);
        c->addSeries(area);
        area->attachAxis(x);
        area->attachAxis(y);
    }

    const double top = base.empty() ? 0.0 : *std::max_element(base.begin(), base.end());
    y->setRange(0, top > 0 ? top * 1.08 : 1.0);
    y->applyNiceNumbers();
    y->setLabelFormat(top >= 10 ? QStringLiteral("$%.0f")
            : top >= 0.1        ? QStringLiteral("$%.2f")
                                : QStringLiteral("$%.4f"));
    y->setTitleText(tr("USD per %1").arg(widthText(columnMinutes)));
    int ticks = 7;
    if (columns > 0) {
        const qint64 from = result.columnStarts.front() * 60'000;
        const qint64 to = result.columnStarts.back() * 60'000 + widthMs;
        x->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(to));
        const qint64 minutes = (to - from) / 60'000;
        x->setFormat(minutes <= 1440  ? QStringLiteral("HH:mm")
                : minutes <= 7 * 1440 ? QStringLiteral("ddd HH:mm")
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
    x->setTickCount(std::max(ticks, 2));
    x->setTitleText(tr("Time (local)"));
    applyPalette();
}

QStringList SpendChart::layerNames() const
{
    QStringList names;
    for (QAbstractSeries* s : chart()->series())
        names << s->name();
    return names;
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
    QColor grid = pal.color(QPalette::Text);
    grid.setAlpha(40);
    for (QAbstractAxis* axis : c->axes()) {
        axis->setLabelsBrush(pal.text());
        axis->setTitleBrush(pal.text());
        axis->setGridLineColor(grid);
        axis->setLinePenColor(pal.color(QPalette::Mid));
    }
}

} // namespace spanlight
