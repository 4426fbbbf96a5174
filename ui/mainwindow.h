#pragma once

#include "auditrecorder.h"
#include "ingeststatuspage.h"
#include "palettes.h"

#include <QMainWindow>
#include <array>

class QAction;
class QListWidget;
class QStackedWidget;

namespace spanlight {

class ActionRunner;
class AuditView;
class ConsoleContext;
class ControlRuntime;
class SessionGuard;
class TenantsView;
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
    enum class Page { Overview, Heatmap, Traces, Spend, FailingPrompts, Ingest, Tenants, Audit };
    /// Pages every window has; Tenants and Audit exist only with a control runtime.
    static constexpr int kPageCount = 6;
    static constexpr int kMaxPageCount = 8;

    /// \a context is shared by every page and outlives the window; \a snapshots
    /// feeds the ingest page and the status bar. No users, actions or audit log.
    MainWindow(ConsoleContext* context, IngestStatusPage::SnapshotSource snapshots, QWidget* parent = nullptr);
    /// With users, roles and audited actions: adds the Tenants (Ctrl+7) and
    /// Audit (Ctrl+8) pages for \a session, and the idle lock. \a control
    /// outlives the window.
    MainWindow(ConsoleContext* context, IngestStatusPage::SnapshotSource snapshots, ControlRuntime* control,
        const Session& session, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// kPageCount, or kMaxPageCount with a control runtime.
    int pageCount() const { return m_control ? kMaxPageCount : kPageCount; }

    void showPage(Page page);
    Page currentPage() const;
    QWidget* page(Page page) const { return m_pages[static_cast<size_t>(page)]; }
    /// "overview", "heatmap", "traces", "spend", "failing-prompts", "ingest", "tenants", "audit":
    /// settings and screenshot names.
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
    TenantsView* tenantsPage() const { return m_tenants; } ///< null without a control runtime
    AuditView* auditPage() const { return m_audit; } ///< null without a control runtime
    SessionGuard* sessionGuard() const { return m_guard; } ///< null without a control runtime
    ActionRunner* actionRunner() const { return m_runner; } ///< null without a control runtime

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPages(IngestStatusPage::SnapshotSource snapshots);
    void buildMenus();
    void connectDrillDowns();
    void restoreSettings();
    void saveGeometrySettings();
    void updateTitle();

    ConsoleContext* m_context;
    ControlRuntime* m_control;
    FilterBar* m_filterBar;
    ConsoleStatusBar* m_statusBar;
    QListWidget* m_sidebar;
    QStackedWidget* m_stack;
    std::array<QWidget*, kMaxPageCount> m_pages {};
    OverviewView* m_overview = nullptr;
    HeatmapView* m_heatmap = nullptr;
    TracesView* m_traces = nullptr;
    SpendView* m_spend = nullptr;
    FailingPromptsView* m_failing = nullptr;
    IngestStatusPage* m_ingest = nullptr;
    ActionRunner* m_runner = nullptr;
    SessionGuard* m_guard = nullptr;
    TenantsView* m_tenants = nullptr;
    AuditView* m_audit = nullptr;
    QAction* m_darkAction = nullptr;
    Theme m_theme = Theme::Light;
};

} // namespace spanlight
