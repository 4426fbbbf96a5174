#pragma once

#include "traceoutlinequery.h"
#include "waterfalllayout.h"

#include <QAbstractScrollArea>
#include <memory>
#include <vector>

namespace spanlight {

/// A trace as a custom-painted waterfall: one row per span in tree order,
/// names indented by depth on the left, bars on a time axis on the right.
/// Layout happens once, before setTrace() or in it (WaterfallLayout); paintEvent draws only
/// the rows in view, so a 50,000-span trace paints as fast as a small one.
/// Scroll with the scroll bars or wheel, zoom time with Ctrl+wheel (or
/// Ctrl++ / Ctrl+- / Ctrl+0), Left/Right collapse and expand, Enter toggles.
class WaterfallWidget : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit WaterfallWidget(QWidget* parent = nullptr);

    void setTrace(std::shared_ptr<const TraceOutline> outline);
    /// Takes a trace laid out elsewhere (queryLaidOutTrace on a reader thread).
    void setTrace(LaidOutTrace trace);
    void clear();
    const TraceOutline* trace() const { return m_outline.get(); }
    const WaterfallLayout& layout() const { return m_layout; }

    int currentRow() const { return m_current; }
    /// The current span's index into TraceOutline::spans; -1 when none.
    int currentSpan() const;
    /// Makes \a row current: expands its ancestors and scrolls it into view.
    void setCurrentRow(int row);
    /// Selects the span with \a id; false when the trace has none.
    bool selectSpan(const SpanId& id);

    /// Highlights spans whose name, service, model, error type or span id
    /// contains \a text (any case) and returns how many match.
    int setSearchText(const QString& text);
    int matchCount() const { return static_cast<int>(m_matches.size()); }
    /// 1-based position of the current row among the matches; 0 if it is not one.
    int currentMatchNumber() const;
    void stepMatch(bool forward);
    /// F8 / Shift+F8: the next error span in tree order, wrapping.
    void stepError(bool forward);

    void toggle(int row);
    void expandAll();
    void collapseAll();
    double zoom() const { return m_zoom; }
    /// Zooms time keeping the instant under \a anchorX (viewport x) in place.
    void setZoom(double zoom, int anchorX = -1);
    /// The viewport rectangle of a visible row (empty if scrolled away).
    QRect rowRect(int row) const;

signals:
    void currentSpanChanged(int span);
    /// The first paint after setTrace(), every row laid out (the trace-open benchmark stops here).
    void tracePainted(int rows);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    static constexpr int kExpander = 14; // the collapse triangle's box

    void updateMetrics();
    void updateScrollBars();
    void layoutChanged();
    int rowAt(int y) const;
    int timelineLeft() const { return m_labelWidth + 1; }
    int timelineWidth() const;
    double contentWidth() const { return timelineWidth() * m_zoom; }
    double xOf(int64_t ns) const;
    double nsAt(int x) const;
    int indentOf(int depth) const;
    void paintAxis(QPainter& p);
    void paintRow(QPainter& p, int row, int y);

    std::shared_ptr<const TraceOutline> m_outline;
    std::vector<QString> m_strings; // TraceOutline::strings, converted once
    WaterfallLayout m_layout;
    std::vector<int> m_matches; // tree rows, ascending
    std::vector<char> m_isMatch;
    int m_current = -1;
    double m_zoom = 1;
    int m_rowHeight = 20;
    int m_axisHeight = 24;
    int m_labelWidth = 360;
    int m_indentStep = 14;
    bool m_dragDivider = false;
    bool m_paintPending = false;
};

} // namespace spanlight
