#pragma once

#include "comparequery.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace spanlight {

class ComparisonModel;
class ConsoleContext;

/// A dragged heatmap selection compared with the rest of the range (BubbleUp):
/// ranked findings, each a bar of how much more common it is in the
/// selection; a dimension finding becomes a global filter in one click.
class ComparisonPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ComparisonPanel(ConsoleContext* context, QWidget* parent = nullptr);

    /// Asks queryComparison for \a query on a reader thread.
    void compare(const CompareQuery& query);
    void clear(const QString& hint = {});
    ComparisonModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    bool loading() const { return m_loading; }
    QString summaryText() const;

    /// Narrows the console to finding \a row through ConsoleContext::setFilters;
    /// false when the finding is not a filterable dimension.
    bool applyFinding(int row);

signals:
    /// A comparison result was shown.
    void resultApplied();

private:
    void apply(const CompareQuery& query, CompareResult result);
    void updateButton();
    bool applyPrompt(const std::string& label);

    ConsoleContext* m_context;
    ComparisonModel* m_model;
    QLabel* m_summary;
    QTableView* m_view;
    QPushButton* m_filterButton;
    bool m_loading = false;
};

} // namespace spanlight
