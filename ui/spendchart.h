#pragma once

#include <QChartView>

namespace spanlight {

struct SpendResult;

/// Per-tenant spend over time as a stacked area chart: the most expensive
/// tenants each a layer, the rest summed as "others". Each column is drawn
/// flat (a step), so the area over a column is exactly what it spent.
class SpendChart : public QChartView
{
    Q_OBJECT
public:
    explicit SpendChart(QWidget* parent = nullptr);

    void setSpend(const SpendResult& result, int columnMinutes, int maxTenants = 8);
    /// Layer names, bottom first (tests, screenshots).
    QStringList layerNames() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();
};

} // namespace spanlight
