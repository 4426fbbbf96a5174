#pragma once

#include "ingeststatuspage.h"
#include "palettes.h"

#include <QMainWindow>
#include <array>

class QAction;
class QListWidget;
class QStackedWidget;

namespace spanlight {

class ConsoleContext;
class ConsoleStatusBar;
class FailingPromptsView;
class FilterBar;
class HeatmapView;
class OverviewView;
class SpendView;
class TracesView;

/// Assembles the pages, the shared filter bar and the status bar, and keeps
/// what the user chose (page, range, theme, geometry) in QSettings. Owns no
/// logic of its own (STYLE.md): every page is its own class.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Page { Overview, Heatmap, Traces, Spend, FailingPrompts, Ingest };
    static constexpr int kPageCount = 6;

    /// \a context is shared by every page and outlives the window; \a snapshots
    /// feeds the ingest page and the status bar.
    MainWindow(ConsoleContext* context, IngestStatusPage::SnapshotSource snapshots, QWidget* parent = nullptr);
    ~MainWindow() override;

    void showPage(Page page);
    Page currentPage() const;
    QWidget* page(Page page) const { return m_pages[static_cast<size_t>(page)]; }
    /// "overview", "heatmap", "traces", "spend", "failing-prompts", "ingest": settings and screenshot names.
    static QString pageKey(Page page);

    void setTheme(Theme theme);
    Theme theme() const { return m_theme; }
    /// F5: every page asks again, the filter names and the status bar too.
    void refreshAll();

    FilterBar* filterBar() const { return m_filterBar; }
    ConsoleStatusBar* consoleStatusBar() const { return m_statusBar; }
    OverviewView* overviewPage() const { return m_overview; }
    HeatmapView* heatmapPage() const { return m_heatmap; }
    TracesView* tracesPage() const { return m_traces; }
    SpendView* spendPage() const { return m_spend; }
    FailingPromptsView* failingPromptsPage() const { return m_failing; }
    IngestStatusPage* ingestPage() const { return m_ingest; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPages(IngestStatusPage::SnapshotSource snapshots);
    void buildMenus();
    void connectDrillDowns();
    void restoreSettings();
    void saveGeometrySettings();

    ConsoleContext* m_context;
    FilterBar* m_filterBar;
    ConsoleStatusBar* m_statusBar;
    QListWidget* m_sidebar;
    QStackedWidget* m_stack;
    std::array<QWidget*, kPageCount> m_pages {};
    OverviewView* m_overview = nullptr;
    HeatmapView* m_heatmap = nullptr;
    TracesView* m_traces = nullptr;
    SpendView* m_spend = nullptr;
    FailingPromptsView* m_failing = nullptr;
    IngestStatusPage* m_ingest = nullptr;
    QAction* m_darkAction = nullptr;
    Theme m_theme = Theme::Light;
};

} // namespace spanlight
