#pragma once

#include "records.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QModelIndex;
class QPushButton;
class QStandardItem;
class QStandardItemModel;
class QTreeView;

namespace spanlight {

class ConsoleContext;
struct SpanDetailResult;

/// Everything stored about one span, loaded when it is selected (the second
/// stage of a trace view): span facts, GenAI fields with cost and the matched
/// price row, message content when captured, attributes, events, links, the
/// logs that name the span and its resource, as a two-column tree (field,
/// value). Long values arrive cut; the value box below the tree offers
/// "Show all", which loads them in full.
class SpanDetailPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SpanDetailPanel(ConsoleContext* context, QWidget* parent = nullptr);

    /// Asks for span \a rowId of \a trace; a newer call replaces an older one.
    void showSpan(const TraceId& trace, int64_t rowId, int64_t traceStartNs);
    void clear();

    QTreeView* tree() const { return m_tree; }
    QStandardItemModel* model() const { return m_model; }
    /// The full text of the row \a key under the section starting with \a section (tests, accessibility).
    QString value(const QString& section, const QString& key) const;
    /// True when some value of the shown span was cut (the "Show all" case).
    bool hasTruncatedValues() const { return m_truncated > 0; }
    /// Loads the current span again with every value in full.
    void showAll();

signals:
    /// The detail of a span went in.
    void loaded();
    /// A link to another span was double-clicked.
    void linkActivated(const TraceId& trace, const SpanId& span);

private:
    void ask(bool full);
    void apply(SpanDetailResult result);
    void showValue(const QModelIndex& index);
    QStandardItem* section(const QString& title, int count = -1);

    ConsoleContext* m_context;
    QLabel* m_title;
    QTreeView* m_tree;
    QStandardItemModel* m_model;
    QPlainTextEdit* m_value;
    QPushButton* m_showAll;
    TraceId m_trace {};
    int64_t m_rowId = 0;
    int64_t m_traceStartNs = 0;
    int m_truncated = 0;
};

} // namespace spanlight
