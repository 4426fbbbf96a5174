#pragma once

#include <QChartView>
#include <QColor>
#include <QList>
#include <QPointF>
#include <vector>

class QAreaSeries;
class QDateTimeAxis;
class QValueAxis;

namespace spanlight {

struct SpendResult;

/// What the spend chart draws: the layers of a SpendResult (the most
/// expensive tenants, the rest as "others") in USD per column. Built by
/// spendChartData() inside the spend view's reader job, so the UI thread only
/// stacks a few hundred numbers.
struct SpendChartData
{
    struct Layer
    {
        QString name;
        QColor color;
        std::vector<double> usd; ///< per column
    };
    std::vector<int64_t> columnStarts; ///< unix minutes
    int columnMinutes = 60;
    std::vector<Layer> layers; ///< most expensive first, "others" last
};

SpendChartData spendChartData(const SpendResult& result, int columnMinutes, int maxTenants = 8);

/// Per-tenant spend over time as a stacked area chart: the most expensive
/// tenants each a layer, the rest summed as "others". Each column is drawn
/// flat (a step), so the area over a column is exactly what it spent.
///
/// Live refreshes come four times a second: while the same layers are shown
/// their points are replaced in place (one pointsReplaced per line) and the
/// axes only change when their range does; series, legend markers and axes
/// are rebuilt only when the set of layers changes.
class SpendChart : public QChartView
{
    Q_OBJECT
public:
    explicit SpendChart(QWidget* parent = nullptr);

    void setData(const SpendChartData& data);
    void setSpend(const SpendResult& result, int columnMinutes, int maxTenants = 8);
    /// Layer names, bottom first (tests, screenshots).
    QStringList layerNames() const;
    /// How often the series were rebuilt (tests: a live refresh with the same layers rebuilds nothing).
    int rebuildCount() const { return m_rebuilds; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuildSeries(const SpendChartData& data);
    void updateAxes(const SpendChartData& data, double top);
    void applyPalette();

    QDateTimeAxis* m_x;
    QValueAxis* m_y;
    std::vector<QAreaSeries*> m_areas; ///< bottom first
    QStringList m_names; ///< of m_areas
    int m_rebuilds = 0;
};

} // namespace spanlight
