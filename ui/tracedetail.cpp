#include "tracedetail.h"

#include "consolecontext.h"
#include "palettes.h"
#include "spandetailpanel.h"
#include "spanformat.h"
#include "waterfallwidget.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QShortcut>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace spanlight {

namespace {

QToolButton* button(QWidget* parent, const QString& text, const QString& tip)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return b;
}

void shortcut(QWidget* parent, const QKeySequence& keys, const std::function<void()>& action)
{
    auto* s = new QShortcut(keys, parent);
    s->setContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(s, &QShortcut::activated, parent, action);
}

} // namespace

TraceDetail::TraceDetail(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_title(new QLabel(this))
    , m_traceLabel(new QLabel(this))
    , m_search(new QLineEdit(this))
    , m_matches(new QLabel(this))
    , m_prevError(button(this, tr("◀ Error"), tr("Previous error span (Shift+F8)")))
    , m_nextError(button(this, tr("Error ▶"), tr("Next error span (F8)")))
    , m_waterfall(new WaterfallWidget(this))
    , m_panel(new SpanDetailPanel(context, this))
{
    QToolButton* back = button(this, tr("← Spans"), tr("Back to the span list (Esc)"));
    m_title->setTextFormat(Qt::RichText);
    m_traceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_traceLabel->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_search->setPlaceholderText(tr("Find in trace: name, service, model, error, span id"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(tr("Highlights matching spans; Enter or F3 goes to the next, Shift+F3 to the previous"));
    QToolButton* prevMatch = button(this, tr("▲"), tr("Previous match (Shift+F3)"));
    QToolButton* nextMatch = button(this, tr("▼"), tr("Next match (F3)"));
    QToolButton* expand = button(this, tr("Expand all"), tr("Show every span"));
    QToolButton* collapse = button(this, tr("Collapse"), tr("Fold everything below the root's children"));

    auto* top = new QHBoxLayout;
    top->addWidget(back);
    top->addWidget(m_title, 1);
    top->addWidget(m_traceLabel);
    auto* tools = new QHBoxLayout;
    tools->addWidget(m_search, 1);
    tools->addWidget(m_matches);
    tools->addWidget(prevMatch);
    tools->addWidget(nextMatch);
    tools->addSpacing(12);
    tools->addWidget(m_prevError);
    tools->addWidget(m_nextError);
    tools->addSpacing(12);
    tools->addWidget(expand);
    tools->addWidget(collapse);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_waterfall);
    split->addWidget(m_panel);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(tools);
    layout->addWidget(split, 1);

    connect(back, &QToolButton::clicked, this, &TraceDetail::backRequested);
    connect(m_search, &QLineEdit::textChanged, this, &TraceDetail::search);
    connect(m_search, &QLineEdit::returnPressed, this, [this] { m_waterfall->stepMatch(true); });
    connect(prevMatch, &QToolButton::clicked, this, [this] { m_waterfall->stepMatch(false); });
    connect(nextMatch, &QToolButton::clicked, this, [this] { m_waterfall->stepMatch(true); });
    connect(m_prevError, &QToolButton::clicked, this, [this] { m_waterfall->stepError(false); });
    connect(m_nextError, &QToolButton::clicked, this, [this] { m_waterfall->stepError(true); });
    connect(expand, &QToolButton::clicked, m_waterfall, &WaterfallWidget::expandAll);
    connect(collapse, &QToolButton::clicked, m_waterfall, &WaterfallWidget::collapseAll);
    connect(m_waterfall, &WaterfallWidget::currentSpanChanged, this, &TraceDetail::spanChanged);
    connect(m_panel, &SpanDetailPanel::linkActivated, this,
        [this](const TraceId& trace, const SpanId& span) { load(trace, span); });
    shortcut(this, Qt::Key_F3, [this] { m_waterfall->stepMatch(true); });
    shortcut(this, QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { m_waterfall->stepMatch(false); });
    shortcut(this, Qt::Key_F8, [this] { m_waterfall->stepError(true); });
    shortcut(this, QKeySequence(Qt::SHIFT | Qt::Key_F8), [this] { m_waterfall->stepError(false); });
    shortcut(this, Qt::Key_Escape, [this] {
        // Esc first leaves the search, then the trace.
        if (m_search->hasFocus() && !m_search->text().isEmpty())
            m_search->clear();
        else if (m_search->hasFocus())
            m_waterfall->setFocus();
        else
            emit backRequested();
    });
}

void TraceDetail::load(const TraceId& trace, std::optional<SpanId> span)
{
    m_trace = trace;
    m_select = span;
    m_title->setText(tr("Loading trace…"));
    m_traceLabel->setText(hexId(trace));
    m_waterfall->clear();
    m_panel->clear();
    m_context->ask(
        this, "traces.outline",
        [trace](sqlite3* db, const QueryControl& control) { return queryLaidOutTrace(db, trace, control); },
        [this](LaidOutTrace trace) { apply(std::move(trace)); });
}

void TraceDetail::apply(LaidOutTrace trace)
{
    if (!trace.outline || !trace.outline->ok()) {
        m_title->setText(tr("The trace could not be read: %1")
                             .arg(trace.outline ? fromUtf8(trace.outline->error).toHtmlEscaped() : QString()));
        return;
    }
    if (trace.outline->spans.empty()) {
        m_title->setText(tr("No spans are stored for this trace (expired, or never received)"));
        m_waterfall->setTrace(std::move(trace));
        emit loaded(0);
        return;
    }
    const std::shared_ptr<const TraceOutline> shared = trace.outline;
    m_waterfall->setTrace(std::move(trace));
    const WaterfallLayout& layout = m_waterfall->layout();
    const OutlineSpan& root = shared->spans[static_cast<size_t>(layout.row(0).span)];
    const int errors = static_cast<int>(layout.errorRows().size());
    QString title
        = QStringLiteral("<b>%1</b> — %2 · %3 · %4 · %5")
              .arg(fromUtf8(shared->strings[root.name]).toHtmlEscaped(),
                  fromUtf8(shared->strings[root.service]).toHtmlEscaped(),
                  formatDuration(layout.endNs() - layout.startNs()),
                  countOf(layout.rowCount(), tr("span"), tr("spans")), tr("depth %1").arg(layout.maxDepth() + 1));
    if (errors > 0)
        title += QStringLiteral(" · <span style=\"color:%1\">%2</span>")
                     .arg(themeError(palette()).name(), countOf(errors, tr("error"), tr("errors")));
    m_title->setText(title);
    m_prevError->setEnabled(errors > 0);
    m_nextError->setEnabled(errors > 0);
    if (m_select)
        m_waterfall->selectSpan(*m_select);
    search();
    emit loaded(layout.rowCount());
}

void TraceDetail::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

QString TraceDetail::title() const
{
    return m_title->text();
}

void TraceDetail::search()
{
    m_waterfall->setSearchText(m_search->text());
    updateMatchLabel();
}

void TraceDetail::updateMatchLabel()
{
    if (m_search->text().trimmed().isEmpty()) {
        m_matches->clear();
        return;
    }
    const int count = m_waterfall->matchCount();
    const int current = m_waterfall->currentMatchNumber();
    m_matches->setText(count == 0 ? tr("no match")
            : current > 0         ? tr("%1 of %L2").arg(current).arg(count)
                                  : countOf(count, tr("match"), tr("matches")));
}

void TraceDetail::spanChanged(int span)
{
    updateMatchLabel();
    const TraceOutline* outline = m_waterfall->trace();
    if (!outline || span < 0) {
        m_panel->clear();
        return;
    }
    m_panel->showSpan(m_trace, outline->spans[static_cast<size_t>(span)].rowId, m_waterfall->layout().startNs());
}

} // namespace spanlight
