#include "mainwindow.h"

#include "actionrunner.h"
#include "auditview.h"
#include "consolecontext.h"
#include "consolestatusbar.h"
#include "failingpromptsview.h"
#include "filterbar.h"
#include "heatmapview.h"
#include "overviewview.h"
#include "sessionguard.h"
#include "spendview.h"
#include "tenantsview.h"
#include "tracesview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QListWidget>
#include <QMenuBar>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace spanlight {

namespace {

const QString kThemeKey = QStringLiteral("view/theme");
const QString kPageKey = QStringLiteral("view/page");
const QString kRangeKey = QStringLiteral("console/range");
const QString kLiveKey = QStringLiteral("console/live");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");

QString pageTitle(MainWindow::Page page)
{
    switch (page) {
    case MainWindow::Page::Overview:
        return QObject::tr("Overview");
    case MainWindow::Page::Heatmap:
        return QObject::tr("Latency heatmap");
    case MainWindow::Page::Traces:
        return QObject::tr("Traces");
    case MainWindow::Page::Spend:
        return QObject::tr("Spend");
    case MainWindow::Page::FailingPrompts:
        return QObject::tr("Failing prompts");
    case MainWindow::Page::Ingest:
        return QObject::tr("Ingest");
    case MainWindow::Page::Tenants:
        return QObject::tr("Tenants");
    case MainWindow::Page::Audit:
        return QObject::tr("Audit log");
    }
    return {};
}

} // namespace

MainWindow::MainWindow(ConsoleContext* context, IngestStatusPage::SnapshotSource snapshots, QWidget* parent)
    : MainWindow(context, std::move(snapshots), nullptr, Session(), parent)
{
}

MainWindow::MainWindow(ConsoleContext* context, IngestStatusPage::SnapshotSource snapshots, ControlRuntime* control,
    const Session& session, QWidget* parent)
    : QMainWindow(parent)
    , m_context(context)
    , m_control(control)
    , m_filterBar(new FilterBar(context, this))
    , m_statusBar(new ConsoleStatusBar(context, snapshots, this))
    , m_sidebar(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
{
    setStatusBar(m_statusBar);
    if (m_control) {
        // One worker for everything control.db does; the guard holds who is signed in.
        m_runner = new ActionRunner(m_control, this);
        m_guard = new SessionGuard(m_runner, session, this);
        connect(m_guard, &SessionGuard::sessionChanged, this, &MainWindow::updateTitle);
    }
    updateTitle();
    buildPages(std::move(snapshots));
    buildMenus();
    connectDrillDowns();

    auto* central = new QWidget(this);
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_filterBar);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_sidebar);
    row->addWidget(m_stack, 1);
    column->addLayout(row, 1);
    setCentralWidget(central);

    // Sized by the font, not in pixels, so the list fits its longest title at any DPI.
    m_sidebar->setFixedWidth(fontMetrics().horizontalAdvance(tr("Failing prompts")) + fontMetrics().height() * 3);
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setAccessibleName(tr("Pages"));
    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_stack->setCurrentIndex(row);
        QSettings().setValue(kPageKey, pageKey(static_cast<Page>(row)));
    });
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildPages(IngestStatusPage::SnapshotSource snapshots)
{
    m_overview = new OverviewView(m_context, this);
    m_pages[size_t(Page::Overview)] = m_overview;
    m_heatmap = new HeatmapView(m_context, this);
    m_pages[size_t(Page::Heatmap)] = m_heatmap;
    m_traces = new TracesView(m_context, this);
    m_pages[size_t(Page::Traces)] = m_traces;
    m_spend = new SpendView(m_context, this);
    m_pages[size_t(Page::Spend)] = m_spend;
    m_failing = new FailingPromptsView(m_context, this);
    m_pages[size_t(Page::FailingPrompts)] = m_failing;
    m_ingest = new IngestStatusPage(std::move(snapshots), this);
    m_pages[size_t(Page::Ingest)] = m_ingest;
    if (m_control) {
        m_tenants = new TenantsView(m_context, m_runner, m_guard, this);
        m_pages[size_t(Page::Tenants)] = m_tenants;
        m_audit = new AuditView(m_runner, m_guard, this);
        m_pages[size_t(Page::Audit)] = m_audit;
    }
    for (int i = 0; i < pageCount(); ++i) {
        const auto page = static_cast<Page>(i);
        m_stack->addWidget(m_pages[i]);
        auto* item = new QListWidgetItem(pageTitle(page), m_sidebar);
        item->setToolTip(tr("%1 (Ctrl+%2)").arg(pageTitle(page)).arg(i + 1));
        item->setSizeHint(QSize(0, fontMetrics().height() * 2));
    }
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    if (m_guard) {
        file->addAction(tr("&Lock"), m_guard, &SessionGuard::lock);
        file->addSeparator();
    }
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < pageCount(); ++i) {
        QAction* go
            = view->addAction(pageTitle(static_cast<Page>(i)), this, [this, i] { showPage(static_cast<Page>(i)); });
        go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    view->addSeparator();
    QAction* filters = view->addAction(tr("Focus &filters"), m_filterBar, &FilterBar::focusFilters);
    filters->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    QAction* clear = view->addAction(tr("&Clear filters"), m_filterBar, &FilterBar::clearFilters);
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    QAction* refresh = view->addAction(tr("&Refresh"), this, &MainWindow::refreshAll);
    refresh->setShortcut(QKeySequence(Qt::Key_F5));
    view->addSeparator();
    m_darkAction = view->addAction(tr("&Dark theme"));
    m_darkAction->setCheckable(true);
    m_darkAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    connect(m_darkAction, &QAction::toggled, this, [this](bool dark) { setTheme(dark ? Theme::Dark : Theme::Light); });
}

void MainWindow::connectDrillDowns()
{
    // A trace picked anywhere opens on the Traces page.
    const auto openTrace = [this](const TraceId& trace) {
        m_traces->showTrace(trace);
        showPage(Page::Traces);
    };
    connect(m_heatmap, &HeatmapView::traceRequested, this, openTrace);
    connect(m_failing, &FailingPromptsView::traceRequested, this, openTrace);
}

void MainWindow::showPage(Page page)
{
    m_sidebar->setCurrentRow(static_cast<int>(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(std::max(0, m_stack->currentIndex()));
}

QString MainWindow::pageKey(Page page)
{
    static const char* const keys[]
        = { "overview", "heatmap", "traces", "spend", "failing-prompts", "ingest", "tenants", "audit" };
    return QString::fromLatin1(keys[static_cast<int>(page)]);
}

void MainWindow::setTheme(Theme theme)
{
    m_theme = theme;
    applyTheme(theme);
    {
        const QSignalBlocker block(m_darkAction);
        m_darkAction->setChecked(theme == Theme::Dark);
    }
    QSettings().setValue(kThemeKey, themeName(theme));
}

void MainWindow::refreshAll()
{
    // selectionChanged is what every page already answers by asking again: F5 reuses it
    // instead of each page growing its own refresh entry point.
    emit m_context->selectionChanged();
    m_filterBar->refreshNames();
    m_statusBar->refreshCounters();
    m_statusBar->refreshStorage();
    m_ingest->refresh();
    if (m_tenants)
        m_tenants->refresh();
    if (m_audit)
        m_audit->refresh();
}

void MainWindow::updateTitle()
{
    if (!m_guard || !m_guard->session().valid()) {
        setWindowTitle(tr("Spanlight"));
        return;
    }
    const Session& session = m_guard->session();
    setWindowTitle(tr("Spanlight — %1 (%2)").arg(session.user, roleName(session.role)));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    setTheme(themeFromName(settings.value(kThemeKey).toString()));
    const QString key = settings.value(kPageKey).toString();
    int page = 0;
    for (int i = 0; i < pageCount(); ++i)
        if (pageKey(static_cast<Page>(i)) == key)
            page = i;
    showPage(static_cast<Page>(page));

    // A custom range is a moment in the past: it is not worth restoring; presets are.
    bool ok = false;
    const int preset = settings.value(kRangeKey).toInt(&ok);
    if (ok && preset >= 0 && preset < static_cast<int>(ConsoleContext::RangePreset::Custom))
        m_context->setPreset(static_cast<ConsoleContext::RangePreset>(preset));
    m_context->setLive(settings.value(kLiveKey, true).toBool());
    connect(m_context, &ConsoleContext::selectionChanged, this, [this] {
        QSettings s;
        if (m_context->preset() != ConsoleContext::RangePreset::Custom)
            s.setValue(kRangeKey, static_cast<int>(m_context->preset()));
        s.setValue(kLiveKey, m_context->live());
    });

    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
        // First start: fill most of a 1366x768 screen, leaving room for panels and docks.
        const QSize available = screen() ? screen()->availableSize() : QSize(1366, 768);
        resize(std::min(1280, available.width() - 40), std::min(720, available.height() - 40));
    }
    restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::saveGeometrySettings()
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveGeometrySettings();
    QMainWindow::closeEvent(event);
}

} // namespace spanlight
