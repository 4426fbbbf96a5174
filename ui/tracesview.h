#pragma once

#include "records.h"

#include <QWidget>
#include <optional>
#include <string>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace spanlight {

class ConsoleContext;
class SpanFilterLine;
class SpanTableModel;
class TraceDetail;
struct SpanSearchResult;

/// The Traces page: recent spans of the console's range and filters in a
/// virtualised table, narrowed by a `field:value` filter line (Ctrl+F), and
/// a trace detail (Enter or double-click) with the waterfall. Every query
/// runs on a reader thread through ConsoleContext::ask(); while the page is
/// hidden it asks nothing and catches up when shown.
class TracesView : public QWidget
{
    Q_OBJECT
public:
    explicit TracesView(ConsoleContext* context, QWidget* parent = nullptr);

    /// Spans per page and the scan budget of each page (tests make them small).
    void setPaging(int pageSize, int64_t scanBudget);

    SpanTableModel* model() const { return m_model; }
    QSortFilterProxyModel* sortModel() const { return m_sorted; }
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const;
    TraceDetail* detail() const { return m_detail; }
    /// The inline parse error ("" when the filter is fine).
    QString filterError() const;
    QString statusText() const;
    bool showingTrace() const;

public slots:
    /// Opens the trace detail for \a trace.
    void showTrace(const TraceId& trace);
    /// Opens \a trace with \a span selected.
    void showSpan(const TraceId& trace, const SpanId& span);
    /// Back to the span list.
    void showList();
    /// Parses the filter line now and runs the search (the line also does this 300 ms after typing stops).
    void applyFilter();

signals:
    /// A page of the search went in, or the search failed (tests wait for this).
    void pageLoaded();
    /// A live refresh was applied (new rows, a restart, or nothing new).
    void newerApplied();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void search();
    void fetchPage(int64_t cursor);
    void onDataChanged();
    void fetchNewer();
    void applyNewer(uint64_t generation, SpanSearchResult result);
    void pageArrived(uint64_t generation, SpanSearchResult result, bool first);
    void updateStatus();
    void openCurrent();

    ConsoleContext* m_context;
    std::string m_searchChannel; // per page: two Traces pages never supersede each other
    std::string m_newerChannel;
    QStackedWidget* m_stack;
    SpanFilterLine* m_filterLine;
    QTableView* m_table;
    QLabel* m_status;
    QPushButton* m_more;
    SpanTableModel* m_model;
    QSortFilterProxyModel* m_sorted;
    TraceDetail* m_detail;
    uint64_t m_generation = 0;
    int m_pageSize = 200;
    int64_t m_scanBudget = 100'000;
    int64_t m_scannedSinceAsked = 0; // rows scanned since the user last asked; bounds automatic paging
    int64_t m_scannedBackToNs = 0;
    bool m_newerWaiting = false; // live: more new spans than a page, held back while the user reads
    bool m_searchStale = true; // the range or filters changed while hidden (or never searched yet)
    bool m_newerStale = false; // new spans were stored while hidden
    bool m_newerInFlight = false; // one live refresh at a time: under heavy ingest they follow each other
    bool m_newerAgain = false; // new spans arrived while a live refresh was running
    QString m_notice;
};

} // namespace spanlight
