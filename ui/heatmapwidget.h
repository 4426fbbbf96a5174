#pragma once

#include "heatmapquery.h"

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QWidget>
#include <optional>
#include <vector>

namespace spanlight {

/// Time × log-latency heatmap, painted from the last HeatmapResult only: every
/// colour, label and tick is prepared when a result arrives or the widget is
/// resized, so a paint only draws (live mode repaints up to 4 times a second).
/// All geometry is in device-independent pixels, so high-DPI screens scale it.
class HeatmapWidget : public QWidget
{
    Q_OBJECT
public:
    /// A dragged rectangle, snapped to whole cells.
    struct Selection
    {
        TimeRange range; ///< unix minutes
        int64_t lowerNs = 0; ///< exclusive
        int64_t upperNs = 0; ///< inclusive
        int firstBucket = 0; ///< fine latency buckets (latency::bucketOf), for CompareQuery
        int lastBucket = 0;
    };

    explicit HeatmapWidget(QWidget* parent = nullptr);

    void setResult(const HeatmapQuery& query, HeatmapResult result);
    const HeatmapResult& result() const { return m_result; }
    const HeatmapQuery& query() const { return m_query; }

    bool errorOverlay() const { return m_errorOverlay; }
    bool percentileLines() const { return m_percentileLines; }
    std::optional<Selection> selection() const { return m_selection; }

    /// The cell under \a pos (widget coordinates), if pos is inside the map.
    std::optional<std::pair<int, int>> cellAt(QPointF pos) const;
    /// The rectangle of a cell in widget coordinates (for tests and tooltips).
    QRectF cellRect(int column, int row) const;
    /// -1 if the cell holds no span.
    int cellIndex(int column, int row) const;
    QString cellToolTip(int column, int row) const;
    QPair<int, int> focusedCell() const { return { m_focusColumn, m_focusRow }; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public slots:
    void setErrorOverlay(bool on);
    void setPercentileLines(bool on);
    void clearSelection();

signals:
    void cellClicked(int column, int row);
    void selectionMade(qint64 fromMinute, qint64 toMinute, qint64 lowerNs, qint64 upperNs);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    static constexpr double kTickLength = 4; ///< axis ticks, in device-independent pixels

    struct Tick
    {
        double pos = 0; ///< x or y in widget coordinates
        QString label;
        bool major = false; ///< a day boundary on the time axis
    };
    struct LegendTick
    {
        double y = 0;
        QString label;
    };

    void updateLayout();
    void updateColours();
    void updateTimeTicks();
    void updateLatencyTicks();
    void updatePercentilePaths();
    double xOfMinute(double minute) const;
    double yOfLatency(double ns) const;
    int columnCount() const { return static_cast<int>(m_result.columnStarts.size()); }
    int rowCount() const { return static_cast<int>(m_result.rows.size()); }
    Selection selectionFromCells(int c0, int r0, int c1, int r1) const;
    QRectF selectionRect(const Selection& selection) const;
    void moveFocus(int dColumn, int dRow);
    void paintCells(QPainter& p) const;
    void paintAxes(QPainter& p) const;
    void paintLegend(QPainter& p) const;
    const QImage& legendImage() const;
    void paintPercentiles(QPainter& p) const;
    void paintOverlays(QPainter& p) const;

    HeatmapQuery m_query;
    HeatmapResult m_result;
    std::vector<int> m_cellAt; ///< column * rows + row -> index into m_result.cells, or -1
    std::vector<QColor> m_cellColours; ///< per m_result.cells
    bool m_errorOverlay = false;
    bool m_percentileLines = true;

    // Layout, recomputed on resize and result.
    QRectF m_plot;
    QRectF m_legendBar;
    std::vector<double> m_columnEdges; ///< x of each column's left edge plus the right end
    std::vector<Tick> m_timeTicks;
    std::vector<Tick> m_latencyTicks;
    std::vector<LegendTick> m_legendTicks;
    std::vector<std::vector<QPointF>> m_percentilePaths[3]; ///< p50, p95, p99: runs of non-empty columns
    mutable QImage m_legendImage; ///< the colour bar, drawn once per size

    // Interaction.
    int m_focusColumn = -1;
    int m_focusRow = -1;
    std::optional<QPointF> m_pressPos;
    std::optional<QPointF> m_dragPos;
    std::optional<Selection> m_selection;
};

} // namespace spanlight
