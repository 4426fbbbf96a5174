#pragma once

#include <QTableView>

namespace spanlight {

/// The Traces page's span table over a SpanTableModel (or a proxy of one):
/// uniform rows, column widths from typical contents, sorting that a third
/// click clears (back to newest first), and a StaticTextDelegate because a
/// live table repaints every visible row several times a second.
///
/// A table view, not a tree view: QTreeView asks the model for another page
/// on every relayout (each insert), so a live list would read the whole
/// range; a table view asks only when its last row scrolls into view.
class SpanTableView : public QTableView
{
    Q_OBJECT
public:
    explicit SpanTableView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;
};

} // namespace spanlight
