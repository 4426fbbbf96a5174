#pragma once

#include "spendtablemodel.h"

#include <QWidget>
#include <string>

class QLabel;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace spanlight {

class ConsoleContext;
class ModelSpendModel;
class SpendChart;
struct SpendChartData;

/// Spend view (issue 4, item 4): per-tenant spend over time as a stacked
/// chart, a per-tenant table (share, change vs the previous period, tokens,
/// top model, budget, projected month-end) and a by-model breakdown, with CSV
/// and PNG export. Every number comes from rollup_spend on a reader thread.
class SpendView : public QWidget
{
    Q_OBJECT
public:
    explicit SpendView(ConsoleContext* context, QWidget* parent = nullptr);
    ~SpendView() override;

    SpendTableModel* tenantModel() const { return m_tenants; }
    ModelSpendModel* modelModel() const { return m_models; }
    SpendChart* chart() const { return m_chart; }
    QTableView* tenantTable() const { return m_tenantTable; }
    /// The text shown instead of the tables when there is nothing to show; empty while data is shown.
    QString emptyText() const;

public slots:
    /// Asks for the current range and filters again.
    void refresh();
    /// Writes the tenant table to \a path and the by-model table beside it
    /// (`<name>-by-model.csv`), RFC 4180; false with a message on failure.
    bool exportCsv(const QString& path, QString* error = nullptr);
    bool exportChartPng(const QString& path);

signals:
    /// A result was applied (tests wait for this instead of sleeping).
    void resultApplied();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void apply(const SpendReport& report, const SpendChartData& chart);
    void chooseCsvFile();
    void choosePngFile();

    ConsoleContext* m_context;
    std::string m_channel;
    SpendTableModel* m_tenants;
    ModelSpendModel* m_models;
    SpendChart* m_chart;
    QTableView* m_tenantTable;
    QTableView* m_modelTable;
    QTabWidget* m_tabs;
    QLabel* m_total; ///< bold
    QLabel* m_summary;
    QLabel* m_notice;
    QLabel* m_empty;
    QStackedWidget* m_pages;
    bool m_stale = false; ///< new data arrived while hidden
    bool m_inFlight = false; ///< a job is running
    bool m_again = false; ///< new data arrived while it ran: ask again when it is done
};

} // namespace spanlight
