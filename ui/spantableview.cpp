#include "spantableview.h"

#include "spantablemodel.h"
#include "statictextdelegate.h"

#include <QHeaderView>

namespace spanlight {

SpanTableView::SpanTableView(QWidget* parent)
    : QTableView(parent)
{
    setItemDelegate(new StaticTextDelegate(this));
    setShowGrid(false);
    setWordWrap(false);
    setTabKeyNavigation(false);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->hide();
    // Uniform rows: the view never measures rows as pages stream in.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // Sorting reorders the loaded rows only; a third click restores newest first.
    horizontalHeader()->setSortIndicatorClearable(true);
}

void SpanTableView::setModel(QAbstractItemModel* model)
{
    QTableView::setModel(model);
    horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    setSortingEnabled(true);
    // Widths from typical contents, measured once (never ResizeToContents on a paged table).
    const QFontMetrics fm(font());
    const std::pair<int, const char*> widths[]
        = { { SpanTableModel::Start, "00-00 00:00:00.000_" }, { SpanTableModel::Service, "checkout-service" },
              { SpanTableModel::Name, "invoke_agent summarizer__" }, { SpanTableModel::Duration, "1234.5 ms__" },
              { SpanTableModel::Status, "error: rate_limit_exceeded" }, { SpanTableModel::Tenant, "tenant-name" },
              { SpanTableModel::Model, "claude-3-5-sonnet__" }, { SpanTableModel::Tokens, "12,345 in / 1,234 out" },
              { SpanTableModel::Cost, "$0.00123_" }, { SpanTableModel::Prompt, "support-answer@v12__" } };
    for (const auto& [column, sample] : widths)
        horizontalHeader()->resizeSection(column, fm.horizontalAdvance(QLatin1String(sample)) + 16);
}

} // namespace spanlight
