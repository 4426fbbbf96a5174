#pragma once

#include "records.h"

#include <QWidget>
#include <optional>

class QLabel;
class QLineEdit;
class QToolButton;

namespace spanlight {

class ConsoleContext;
class SpanDetailPanel;
class WaterfallWidget;
struct LaidOutTrace;

/// One trace: the waterfall, search inside the trace (Enter / F3, Shift+F3
/// back), jumps between errors (F8 / Shift+F8) and the selected span's detail.
/// The trace's structure loads first and paints at once; a span's attributes
/// load when it is selected.
class TraceDetail : public QWidget
{
    Q_OBJECT
public:
    explicit TraceDetail(ConsoleContext* context, QWidget* parent = nullptr);

    /// Loads \a trace and selects \a span in it (else the root).
    void load(const TraceId& trace, std::optional<SpanId> span = std::nullopt);
    const TraceId& traceId() const { return m_trace; }
    void focusSearch();

    WaterfallWidget* waterfall() const { return m_waterfall; }
    SpanDetailPanel* panel() const { return m_panel; }
    QLineEdit* searchEdit() const { return m_search; }
    QString title() const;

signals:
    void backRequested();
    /// The trace's structure arrived and went into the waterfall.
    void loaded(int spans);

private:
    void apply(LaidOutTrace trace);
    void search();
    void updateMatchLabel();
    void spanChanged(int span);

    ConsoleContext* m_context;
    QLabel* m_title;
    QLabel* m_traceLabel;
    QLineEdit* m_search;
    QLabel* m_matches;
    QToolButton* m_prevError;
    QToolButton* m_nextError;
    WaterfallWidget* m_waterfall;
    SpanDetailPanel* m_panel;
    TraceId m_trace {};
    std::optional<SpanId> m_select;
};

} // namespace spanlight
