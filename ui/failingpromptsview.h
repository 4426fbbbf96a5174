#pragma once

#include "records.h"

#include <QWidget>
#include <memory>
#include <string>

class QButtonGroup;
class QLabel;
class QSpinBox;
class QStackedWidget;
class QTableView;

namespace spanlight {

class ConsoleContext;
class FailingPromptDetail;
class FailingPromptsModel;
class FailingTracesModel;
struct FailingPromptsReport;

/// Failing prompts view (issue 4, item 5): prompts ranked by failures or by
/// failure rate (above a volume floor) with a failure trend each, and for the
/// selected prompt example failing traces and its captured example text.
class FailingPromptsView : public QWidget
{
    Q_OBJECT
public:
    enum class Ranking { ByFailures, ByRate };

    explicit FailingPromptsView(ConsoleContext* context, QWidget* parent = nullptr);
    ~FailingPromptsView() override;

    FailingPromptsModel* promptModel() const { return m_prompts; }
    FailingTracesModel* traceModel() const;
    QTableView* promptTable() const { return m_promptTable; }
    QTableView* traceTable() const;
    Ranking ranking() const { return m_ranking; }
    int minimumVolume() const;
    /// The fingerprint of the selected prompt, empty when none.
    QString selectedFingerprint() const { return m_selected; }
    /// What the example pane shows: the captured text, else the hint why there is none.
    QString exampleText() const;
    /// The text shown instead of the table when there is nothing to show; empty while data is shown.
    QString emptyText() const;

public slots:
    void refresh();
    void setRanking(Ranking ranking);
    void setMinimumVolume(int spans);
    /// Narrows every view to the selected prompt (the context's prompt filter).
    void filterToSelectedPrompt();

signals:
    void resultApplied(); ///< the ranking was applied (tests wait for it)
    void detailApplied(); ///< the selected prompt's example traces were applied
    void traceRequested(const spanlight::TraceId& traceId);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void apply(FailingPromptsReport answer);
    void showRanking();
    void selectionChanged();

    ConsoleContext* m_context;
    std::string m_channel;
    FailingPromptsModel* m_prompts;
    QTableView* m_promptTable;
    FailingPromptDetail* m_detail;
    QButtonGroup* m_rankingButtons;
    QSpinBox* m_minVolume;
    QLabel* m_notice;
    QLabel* m_empty;
    QStackedWidget* m_pages;
    std::unique_ptr<FailingPromptsReport> m_report;
    Ranking m_ranking = Ranking::ByFailures;
    QString m_selected; ///< fingerprint
    bool m_stale = false; ///< new data or another range while hidden
    bool m_inFlight = false; ///< a ranking job is running
    bool m_again = false; ///< new data arrived while it ran: ask again when it is done
    bool m_promptsSized = false;
};

} // namespace spanlight
