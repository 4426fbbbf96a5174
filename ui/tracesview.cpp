#include "tracesview.h"

#include "consolecontext.h"
#include "spanfilterline.h"
#include "spanformat.h"
#include "spanlistmodel.h"
#include "spansearchquery.h"
#include "spantablemodel.h"
#include "spantableview.h"
#include "tracedetail.h"
#include "waterfallwidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace spanlight {

namespace {

/// Automatic paging stops after this many budgets of scanned rows without a
/// user action, so a rare filter over a long range asks before reading it all.
constexpr int64_t kAutoScanBudgets = 10;
/// Live mode with nobody reading keeps at most this many pages of rows; the
/// older ones come back through paging when the user scrolls down.
constexpr int kTailPages = 5;

} // namespace

TracesView::TracesView(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_searchChannel("traces.search:" + std::to_string(reinterpret_cast<quintptr>(this)))
    , m_newerChannel("traces.newer:" + std::to_string(reinterpret_cast<quintptr>(this)))
    , m_stack(new QStackedWidget(this))
    , m_filterLine(new SpanFilterLine(this))
    , m_table(new SpanTableView(this))
    , m_status(new QLabel(this))
    , m_more(new QPushButton(tr("Search further"), this))
    , m_model(new SpanTableModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_detail(new TraceDetail(context, this))
{
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(SpanTableModel::SortRole);
    m_table->setModel(m_sorted);

    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_more);
    m_more->hide();
    auto* list = new QWidget(this);
    auto* listLayout = new QVBoxLayout(list);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_filterLine);
    listLayout->addWidget(m_table, 1);
    listLayout->addLayout(statusRow);
    m_stack->addWidget(list);
    m_stack->addWidget(m_detail);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_stack);

    connect(m_filterLine, &SpanFilterLine::filterChanged, this, &TracesView::search);
    connect(m_table, &QTableView::activated, this, &TracesView::openCurrent);
    connect(m_model, &SpanTableModel::moreRequested, this, &TracesView::fetchPage);
    connect(m_model, &SpanTableModel::rowsLoaded, this, &TracesView::updateStatus);
    connect(m_model, &SpanTableModel::rowsLoaded, this, &TracesView::pageLoaded);
    connect(m_more, &QPushButton::clicked, this, [this] {
        m_scannedSinceAsked = 0;
        m_model->continueScan();
        updateStatus();
    });
    connect(m_detail, &TraceDetail::backRequested, this, &TracesView::showList);
    connect(context, &ConsoleContext::selectionChanged, this, [this] {
        if (isVisible())
            search();
        else
            m_searchStale = true;
    });
    connect(context, &ConsoleContext::dataChanged, this, &TracesView::onDataChanged);
    auto* refresh = new QShortcut(QKeySequence::Refresh, this);
    refresh->setContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QShortcut::activated, this, [this] {
        if (!showingTrace())
            search();
    });
    auto* find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        if (showingTrace()) {
            m_detail->focusSearch();
        } else {
            filterEdit()->setFocus(Qt::ShortcutFocusReason);
            filterEdit()->selectAll();
        }
    });
    // The first search runs when the page is first shown: hidden pages cost no queries.
}

void TracesView::setPaging(int pageSize, int64_t scanBudget)
{
    m_pageSize = pageSize;
    m_scanBudget = scanBudget;
    if (isVisible())
        search();
    else
        m_searchStale = true;
}

void TracesView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_searchStale)
        search();
    else if (m_newerStale)
        fetchNewer();
}

QLineEdit* TracesView::filterEdit() const
{
    return m_filterLine->edit();
}

QString TracesView::filterError() const
{
    return m_filterLine->errorText();
}

QString TracesView::statusText() const
{
    return m_status->text();
}

bool TracesView::showingTrace() const
{
    return m_stack->currentWidget() == m_detail;
}

void TracesView::showTrace(const TraceId& trace)
{
    m_stack->setCurrentWidget(m_detail);
    m_detail->load(trace);
    m_detail->waterfall()->setFocus();
}

void TracesView::showSpan(const TraceId& trace, const SpanId& span)
{
    m_stack->setCurrentWidget(m_detail);
    m_detail->load(trace, span);
    m_detail->waterfall()->setFocus();
}

void TracesView::showList()
{
    m_stack->setCurrentIndex(0);
    m_table->setFocus();
}

void TracesView::applyFilter()
{
    m_filterLine->apply();
}

void TracesView::search()
{
    if (!m_filterLine->ok())
        return;
    m_searchStale = false;
    m_newerStale = false;
    ++m_generation;
    m_model->reset(m_generation);
    m_model->setShowDates(m_context->range().minutes() >= 1440);
    m_scannedSinceAsked = 0;
    m_scannedBackToNs = 0;
    m_notice.clear();
    m_newerWaiting = false;
    updateStatus();
    fetchPage(0);
}

void TracesView::fetchPage(int64_t cursor)
{
    SpanSearchQuery q;
    q.range = m_context->range();
    q.filters = m_context->filters();
    q.filter = m_filterLine->filter();
    q.limit = m_pageSize;
    q.cursor = cursor;
    q.maxScannedRows = m_scanBudget;
    const uint64_t generation = m_generation;
    m_context->ask(
        this, m_searchChannel.c_str(),
        [q](sqlite3* db, const QueryControl& control) {
            SpanSearchResult result = querySpanSearch(db, q, control);
            sortNewestFirst(result.spans); // here, not on the UI thread
            return result;
        },
        [this, generation, first = cursor == 0](
            SpanSearchResult result) { pageArrived(generation, std::move(result), first); });
}

void TracesView::onDataChanged()
{
    if (!m_context->live())
        return;
    // Hidden pages do not query on every commit; they catch up when shown.
    if (!isVisible()) {
        m_newerStale = true;
        return;
    }
    fetchNewer();
}

void TracesView::fetchNewer()
{
    m_newerStale = false;
    if (!m_context->live() || !m_filterLine->ok())
        return;
    if (m_newerInFlight) {
        m_newerAgain = true; // asking again now would interrupt it: under heavy ingest it would never finish
        return;
    }
    // Spans stored since the newest row go in at their places, unless the
    // user is reading a trace, a search is still filling, or rows are sorted.
    if (showingTrace() || m_model->fetching() || m_sorted->sortColumn() >= 0)
        return;
    if (m_model->rowCount() == 0)
        return search();
    if (m_newerWaiting)
        return;
    SpanSearchQuery q;
    q.range = m_context->range();
    q.filters = m_context->filters();
    q.filter = m_filterLine->filter();
    q.limit = m_pageSize;
    q.newerThan = m_model->newestRowId();
    q.maxScannedRows = m_scanBudget;
    const uint64_t generation = m_generation;
    m_newerInFlight = true;
    m_newerAgain = false;
    m_context->ask(
        this, m_newerChannel.c_str(),
        [q](sqlite3* db, const QueryControl& control) {
            SpanSearchResult result = querySpanSearch(db, q, control);
            sortNewestFirst(result.spans);
            return result;
        },
        [this, generation](SpanSearchResult result) { applyNewer(generation, std::move(result)); });
}

void TracesView::applyNewer(uint64_t generation, SpanSearchResult result)
{
    m_newerInFlight = false;
    if (generation == m_generation && result.ok() && !result.interrupted && !showingTrace()
        && m_sorted->sortColumn() < 0) {
        // Never pull rows from under a reader: with a selection or a scrolled
        // table, a flood of new spans waits for F5; otherwise it is tail -f.
        QScrollBar* bar = m_table->verticalScrollBar();
        const bool reading = m_table->currentIndex().isValid() || bar->value() > 0;
        if (result.nextCursor != 0) {
            if (reading) {
                m_newerWaiting = true;
                updateStatus();
            } else {
                // The newest page is a fresh first page: it replaces the rows
                // and paging goes on below it, without a reset or another query.
                m_model->restartWith(generation, std::move(result.spans), result.nextCursor);
            }
        } else if (!result.spans.empty()) {
            // The rows in view stay in view: new spans may go in above them.
            const QModelIndex top = m_sorted->mapToSource(m_table->indexAt(QPoint(1, 1)));
            const SpanSummary* anchor = bar->value() > 0 && top.isValid() ? &m_model->span(top.row()) : nullptr;
            const int64_t anchorId = anchor ? anchor->rowId : 0, anchorStart = anchor ? anchor->startNs : 0;
            m_model->insertNewer(generation, std::move(result.spans));
            const int row = anchor ? m_model->rowOf(anchorId, anchorStart) : -1;
            if (row > top.row()) {
                m_table->doItemsLayout(); // the scroll range must include the new rows first
                m_table->scrollTo(m_sorted->mapFromSource(m_model->index(row, 0)), QAbstractItemView::PositionAtTop);
            } else if (!reading && m_model->rowCount() > kTailPages * m_pageSize)
                m_model->keepNewestStored(generation, m_pageSize);
        }
    }
    emit newerApplied();
    if (m_newerAgain) {
        m_newerAgain = false;
        if (isVisible())
            fetchNewer();
        else
            m_newerStale = true;
    }
}

void TracesView::pageArrived(uint64_t generation, SpanSearchResult result, bool first)
{
    if (generation != m_generation)
        return;
    if (!result.ok()) {
        m_model->stopFetching();
        m_notice = tr("The search failed: %1").arg(fromUtf8(result.error));
        updateStatus();
        emit pageLoaded();
        return;
    }
    if (first) {
        QStringList notices;
        for (const std::string& n : result.notices)
            notices << fromUtf8(n);
        m_notice = notices.join(QStringLiteral("; "));
    }
    m_scannedSinceAsked += result.scannedRows;
    if (result.scannedBackToNs)
        m_scannedBackToNs = result.scannedBackToNs;
    using End = SpanTableModel::PageEnd;
    const End end = !result.scanCapped                          ? End::Filled
        : m_scannedSinceAsked < kAutoScanBudgets * m_scanBudget ? End::Capped
                                                                : End::Paused;
    m_model->appendPage(generation, std::move(result.spans), result.nextCursor, end);
}

void TracesView::updateStatus()
{
    const int rows = m_model->rowCount();
    QString text;
    if (m_model->fetching() && rows == 0)
        text = tr("Searching…");
    else if (rows == 0 && m_model->exhausted())
        text = tr("No span in this range matches");
    else
        text = countOf(rows, tr("span"), tr("spans")) + tr(", newest first");
    if (m_model->paused())
        text += tr(" — searched %L1 spans back to %2 without filling a page")
                    .arg(m_scannedSinceAsked)
                    .arg(formatStart(m_scannedBackToNs, true));
    else if (m_model->fetching() && rows > 0)
        text += tr(" — searching older spans (reached %1)…").arg(formatStart(m_scannedBackToNs, false));
    else if (m_model->exhausted() && rows > 0)
        text += tr(" — all matching spans of the range");
    if (m_newerWaiting)
        text += tr(" · newer spans arrived: F5 shows them");
    if (!m_notice.isEmpty())
        text += QStringLiteral(" · ") + m_notice;
    m_status->setText(text);
    m_more->setVisible(m_model->paused());
}

void TracesView::openCurrent()
{
    const QModelIndex index = m_sorted->mapToSource(m_table->currentIndex());
    if (!index.isValid())
        return;
    const QByteArray trace = index.data(SpanTableModel::TraceIdRole).toByteArray();
    const QByteArray span = index.data(SpanTableModel::SpanIdRole).toByteArray();
    TraceId t;
    SpanId s;
    std::copy(trace.begin(), trace.end(), t.begin());
    std::copy(span.begin(), span.end(), s.begin());
    showSpan(t, s);
}

} // namespace spanlight
