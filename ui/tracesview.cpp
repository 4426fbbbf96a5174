#include "tracesview.h"

#include "consolecontext.h"
#include "palettes.h"
#include "spanformat.h"
#include "spansearchquery.h"
#include "spantablemodel.h"
#include "tracedetail.h"
#include "waterfallwidget.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QToolTip>
#include <QTreeView>
#include <QVBoxLayout>

namespace spanlight {

namespace {

/// Automatic paging stops after this many budgets of scanned rows without a
/// user action, so a rare filter over a long range asks before reading it all.
constexpr int64_t kAutoScanBudgets = 10;

QString syntaxHelp()
{
    return TracesView::tr(
        "<b>Filter spans</b> — terms narrow each other; the same field twice means either value."
        "<table cellspacing=4>"
        "<tr><td><tt>service:checkout</tt></td><td>service (also <tt>tenant: env: model: name: error: "
        "prompt:</tt>)</td></tr>"
        "<tr><td><tt>name:\"chat gpt-4o\"</tt></td><td>quotes hold spaces; <tt>*</tt> and <tt>?</tt> are "
        "wildcards</td></tr>"
        "<tr><td><tt>status:error</tt></td><td><tt>ok</tt> (not an error), <tt>error</tt> or <tt>unset</tt></td></tr>"
        "<tr><td><tt>duration&gt;2s duration&lt;=150ms</tt></td><td>units ns, us, ms, s, m, h</td></tr>"
        "<tr><td><tt>prompt:3f9a0c…</tt></td><td>fingerprint or label</td></tr>"
        "<tr><td><tt>trace:4bf92f35</tt></td><td>trace id, a prefix is enough (<tt>span:</tt> likewise)</td></tr>"
        "<tr><td><tt>-env:dev</tt></td><td>a leading minus excludes</td></tr>"
        "<tr><td><tt>retriev</tt></td><td>a bare word: part of the span name</td></tr>"
        "</table>Ctrl+F focuses the filter, F5 searches again, Enter on a span opens its trace.");
}

} // namespace

TracesView::TracesView(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_stack(new QStackedWidget(this))
    , m_filter(new QLineEdit(this))
    , m_filterError(new QLabel(this))
    , m_table(new QTreeView(this))
    , m_status(new QLabel(this))
    , m_more(new QPushButton(tr("Search further"), this))
    , m_model(new SpanTableModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_detail(new TraceDetail(context, this))
{
    m_filter->setPlaceholderText(tr("Filter spans, e.g. service:checkout status:error duration>2s   (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(syntaxHelp());
    auto* help = new QLabel(tr("<a href=\"#\">Syntax</a>"), this);
    help->setToolTip(syntaxHelp());
    m_filterError->setTextFormat(Qt::RichText);
    m_filterError->setWordWrap(true);
    m_filterError->hide();

    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(SpanTableModel::SortRole);
    m_table->setModel(m_sorted);
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setAllColumnsShowFocus(true);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Sorting reorders the loaded rows only; a third click restores newest first.
    m_table->header()->setSortIndicatorClearable(true);
    m_table->header()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->header()->setSectionResizeMode(QHeaderView::Interactive);
    const QFontMetrics fm(font());
    const std::pair<int, const char*> widths[]
        = { { SpanTableModel::Start, "00-00 00:00:00.000_" }, { SpanTableModel::Service, "checkout-service" },
              { SpanTableModel::Name, "invoke_agent summarizer__" }, { SpanTableModel::Duration, "1234.5 ms__" },
              { SpanTableModel::Status, "error: rate_limit_exceeded" }, { SpanTableModel::Tenant, "tenant-name" },
              { SpanTableModel::Model, "claude-3-5-sonnet__" }, { SpanTableModel::Tokens, "12,345 in / 1,234 out" },
              { SpanTableModel::Cost, "$0.00123_" }, { SpanTableModel::Prompt, "support-answer@v12__" } };
    for (const auto& [column, sample] : widths)
        m_table->header()->resizeSection(column, fm.horizontalAdvance(QLatin1String(sample)) + 16);

    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(help);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_more);
    m_more->hide();
    auto* list = new QWidget(this);
    auto* listLayout = new QVBoxLayout(list);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addLayout(filterRow);
    listLayout->addWidget(m_filterError);
    listLayout->addWidget(m_table, 1);
    listLayout->addLayout(statusRow);
    m_stack->addWidget(list);
    m_stack->addWidget(m_detail);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_stack);

    m_typing.setSingleShot(true);
    m_typing.setInterval(300);
    connect(&m_typing, &QTimer::timeout, this, &TracesView::applyFilter);
    connect(m_filter, &QLineEdit::textEdited, this, [this] { m_typing.start(); });
    connect(m_filter, &QLineEdit::returnPressed, this, &TracesView::applyFilter);
    connect(m_table, &QTreeView::activated, this, &TracesView::openCurrent);
    connect(m_model, &SpanTableModel::moreRequested, this, &TracesView::fetchPage);
    connect(m_model, &SpanTableModel::rowsLoaded, this, &TracesView::updateStatus);
    connect(m_model, &SpanTableModel::rowsLoaded, this, &TracesView::pageLoaded);
    connect(m_more, &QPushButton::clicked, this, [this] {
        m_scannedSinceAsked = 0;
        m_model->continueScan();
        updateStatus();
    });
    connect(m_detail, &TraceDetail::backRequested, this, &TracesView::showList);
    connect(context, &ConsoleContext::selectionChanged, this, &TracesView::search);
    connect(context, &ConsoleContext::dataChanged, this, &TracesView::fetchNewer);
    auto* refresh = new QShortcut(QKeySequence::Refresh, this);
    refresh->setContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QShortcut::activated, this, [this] {
        if (!showingTrace())
            search();
    });
    connect(help, &QLabel::linkActivated, this,
        [help] { QToolTip::showText(help->mapToGlobal(QPoint(0, help->height())), help->toolTip(), help); });
    auto* find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        if (showingTrace()) {
            m_detail->focusSearch();
        } else {
            m_filter->setFocus(Qt::ShortcutFocusReason);
            m_filter->selectAll();
        }
    });
    search();
}

void TracesView::setPaging(int pageSize, int64_t scanBudget)
{
    m_pageSize = pageSize;
    m_scanBudget = scanBudget;
    search();
}

QString TracesView::filterError() const
{
    return m_filterError->isVisible() || !m_filterOk ? m_filterError->text() : QString();
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
    m_typing.stop();
    const QString text = m_filter->text();
    const QByteArray utf8 = text.toUtf8();
    const SpanFilterParse parsed = parseSpanFilter(std::string_view(utf8.constData(), size_t(utf8.size())));
    if (!parsed.ok()) {
        // Show the filter with the offending part marked, and keep the last good results.
        const SpanFilterError& e = *parsed.error;
        const int from = static_cast<int>(QString::fromUtf8(utf8.left(e.position)).size());
        const int length = std::max(1, static_cast<int>(QString::fromUtf8(utf8.mid(e.position, e.length)).size()));
        const QString red = themeError(palette()).name();
        m_filterError->setText(
            QStringLiteral("<span style=\"color:%1\">%2</span> &nbsp;<tt>%3<u style=\"color:%1\">%4</u>%5</tt>")
                .arg(red, fromUtf8(e.message).toHtmlEscaped(), text.left(from).toHtmlEscaped(),
                    text.mid(from, length).toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")),
                    text.mid(from + length).toHtmlEscaped()));
        m_filterError->show();
        m_filter->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid %1; }").arg(red));
        m_filterOk = false;
        return;
    }
    m_filterError->hide();
    m_filterError->clear();
    m_filter->setStyleSheet(QString());
    const bool changed = !m_filterOk || !(parsed.filter == m_parsed);
    m_filterOk = true;
    m_parsed = parsed.filter;
    if (changed)
        search();
}

void TracesView::search()
{
    if (!m_filterOk)
        return;
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
    q.filter = m_parsed;
    q.limit = m_pageSize;
    q.cursor = cursor;
    q.maxScannedRows = m_scanBudget;
    const uint64_t generation = m_generation;
    m_context->ask(
        this, "traces.search",
        [q](sqlite3* db, const QueryControl& control) { return querySpanSearch(db, q, control); },
        [this, generation, first = cursor == 0](
            SpanSearchResult result) { pageArrived(generation, std::move(result), first); });
}

void TracesView::fetchNewer()
{
    // Live mode: spans stored since the newest row go on top, unless the user
    // is reading a trace, a search is still filling, or rows are sorted.
    if (!m_context->live() || !m_filterOk || showingTrace() || m_model->fetching() || m_sorted->sortColumn() >= 0)
        return;
    if (m_model->rowCount() == 0)
        return search();
    if (m_newerWaiting)
        return;
    SpanSearchQuery q;
    q.range = m_context->range();
    q.filters = m_context->filters();
    q.filter = m_parsed;
    q.limit = m_pageSize;
    q.newerThan = m_model->newestRowId();
    q.maxScannedRows = m_scanBudget;
    const uint64_t generation = m_generation;
    m_context->ask(
        this, "traces.newer", [q](sqlite3* db, const QueryControl& control) { return querySpanSearch(db, q, control); },
        [this, generation](SpanSearchResult result) {
            if (generation != m_generation || !result.ok())
                return;
            // Never pull rows from under a reader: with a selection or a scrolled
            // table, a flood of new spans waits for F5; otherwise it is tail -f.
            QScrollBar* bar = m_table->verticalScrollBar();
            const bool reading = m_table->currentIndex().isValid() || bar->value() > 0;
            if (result.nextCursor != 0) {
                if (!reading)
                    return search();
                m_newerWaiting = true;
                return updateStatus();
            }
            const int rows = static_cast<int>(result.spans.size());
            const int scrolled = bar->value();
            m_model->prependNewer(generation, std::move(result.spans));
            if (scrolled > 0)
                bar->setValue(scrolled + rows); // the rows in view stay in view
        });
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
