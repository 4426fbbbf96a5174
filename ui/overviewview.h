#pragma once

#include "overviewquery.h"

#include <QTimer>
#include <QWidget>
#include <map>

class QGridLayout;
class QLabel;

namespace spanlight {

class ConsoleContext;
class OverviewTile;

/// The first page: throughput, error rate, latency percentiles, spend per
/// hour, active tenants and unpriced models over the console's range and
/// filters, each as a big number with a sparkline. Reads rollups on a reader
/// thread; while live it refreshes on new data, at most one query in flight.
class OverviewView : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewView(ConsoleContext* context, QWidget* parent = nullptr);

    /// Asks for the figures now (superseding a query in flight).
    void refresh();
    /// The last figures applied (tests, screenshots).
    const OverviewFigures& figures() const { return m_figures; }
    /// A tile by caption ("Error rate", "p95 latency"...), for tests.
    OverviewTile* tile(const QString& caption) const;

signals:
    /// New figures were painted.
    void resultApplied();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onDataChanged();
    void apply(OverviewFigures figures);
    void present(OverviewFigures figures);
    OverviewTile* addTile(const QString& caption, int row, int column);

    ConsoleContext* m_context;
    QLabel* m_header;
    QLabel* m_notices;
    QGridLayout* m_grid;
    std::map<QString, OverviewTile*> m_tiles;
    OverviewFigures m_figures;
    QTimer m_clock; ///< a live range moves with time even when no span arrives
    bool m_inFlight = false;
    bool m_again = false; ///< new data arrived while a query ran: ask once more when it lands
    bool m_stale = false; ///< new data arrived while hidden: ask when shown
};

} // namespace spanlight
