#pragma once

#include "heatmapquery.h"
#include "records.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace spanlight {

class CellSpansModel;
class ComparisonPanel;
class ConsoleContext;
class HeatmapWidget;

/// The latency heatmap page: the map over the console's range and filters,
/// a summary line, and below it the spans of a clicked cell and the
/// comparison of a dragged selection with its baseline.
class HeatmapView : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapView(ConsoleContext* context, QWidget* parent = nullptr);

    HeatmapWidget* heatmap() const { return m_heatmap; }
    CellSpansModel* cellSpansModel() const { return m_spansModel; }
    QTableView* spansTable() const { return m_spansTable; }
    ComparisonPanel* comparisonPanel() const { return m_comparison; }
    QSplitter* splitter() const { return m_splitter; }
    /// The query and result on screen (empty before the first result).
    const HeatmapQuery& query() const { return m_query; }
    const HeatmapResult& result() const;
    QString summaryText() const;
    bool showsEmptyState() const;

public slots:
    /// Asks the heatmap for the context's current range and filters; a newer
    /// ask supersedes this one, whose result is then never applied.
    void refresh();
    /// Lists the spans of a cell of the current result below the map.
    void showCellSpans(int column, int row);
    /// Compares the dragged selection with the rest of its time range.
    void compareSelection();
    /// Outlines cells with errors (the "Errors" toggle; remembered).
    void setErrorOverlay(bool on);

signals:
    /// A heatmap result is on screen.
    void resultApplied();
    /// The user asked for a trace (double-click on a span row).
    void traceRequested(spanlight::TraceId traceId);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void applyResult(const HeatmapQuery& query, HeatmapResult result);
    void clearDetails();
    QString describeFilters() const;

    ConsoleContext* m_context;
    HeatmapQuery m_query;
    bool m_asked = false;
    bool m_stale = false; ///< the selection or the data changed while hidden
    bool m_inFlight = false; ///< a heatmap query is running
    bool m_again = false; ///< new data arrived while it ran: ask again when it is done
    QLabel* m_summary;
    QLabel* m_notices;
    QCheckBox* m_errorToggle;
    QCheckBox* m_percentileToggle;
    QSplitter* m_splitter;
    QStackedWidget* m_mapStack;
    HeatmapWidget* m_heatmap;
    QLabel* m_emptyState;
    QTabWidget* m_tabs;
    QLabel* m_spansHeader;
    QTableView* m_spansTable;
    CellSpansModel* m_spansModel;
    ComparisonPanel* m_comparison;
};

} // namespace spanlight
