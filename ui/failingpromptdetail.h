#pragma once

#include "records.h"

#include <QGroupBox>
#include <string>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace spanlight {

class ConsoleContext;
class FailingTracesModel;
struct FailingPrompt;
struct FailingTracesReport;

/// The Failing prompts page's detail pane: the selected prompt's title, its
/// example failing traces (asked on a reader thread when the prompt or the
/// range changes, not on every live refresh) and its captured example text.
class FailingPromptDetail : public QGroupBox
{
    Q_OBJECT
public:
    explicit FailingPromptDetail(ConsoleContext* context, QWidget* parent = nullptr);
    ~FailingPromptDetail() override;

    FailingTracesModel* traceModel() const { return m_traces; }
    QTableView* traceTable() const { return m_traceTable; }
    /// What the example pane shows: the captured text, else the hint why there is none.
    QString exampleText() const;

    /// Shows \a prompt (nullptr: none) and asks for its failing traces if it
    /// is another prompt than before or the range changed since.
    void showPrompt(const FailingPrompt* prompt);
    /// The range or the filters changed: the next showPrompt() asks again.
    void markStale() { m_stale = true; }

signals:
    void detailApplied(); ///< the prompt's example traces were applied
    void traceRequested(const spanlight::TraceId& traceId);
    void filterRequested(); ///< "Filter to this prompt"

private:
    void ask();
    void apply(const FailingTracesReport& report);

    ConsoleContext* m_context;
    std::string m_channel;
    FailingTracesModel* m_traces;
    QTableView* m_traceTable;
    QLabel* m_title;
    QLabel* m_status;
    QPushButton* m_filterButton;
    QPlainTextEdit* m_example;
    QString m_shown; ///< fingerprint whose traces are shown or asked for
    bool m_stale = false;
};

} // namespace spanlight
