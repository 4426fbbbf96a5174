#pragma once

#include "records.h"
#include "spanlistmodel.h"

#include <QStringList>
#include <algorithm>
#include <vector>

namespace spanlight {

class ConsoleContext;

/// The raw spans of one heatmap cell, newest start first, one page at a time:
/// canFetchMore/fetchMore follow queryCellSpans' keyset cursor (a rowid, so
/// arrival order), each page is asked and sorted on a reader thread through
/// the ConsoleContext and merged in at its places when it arrives.
class CellSpansModel : public SpanListModel
{
    Q_OBJECT
public:
    enum Column { Time, Service, Name, Tenant, Model, Duration, Status, Tokens, Cost, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< numbers as numbers, text as text
        RawValueRole, ///< start/duration ns, status code, total tokens, nano-USD (invalid when unknown)
        TraceIdRole, ///< QByteArray of the 16 trace id bytes
    };

    explicit CellSpansModel(ConsoleContext* context, QObject* parent = nullptr);

    /// Starts over with the first page of \a query (its cursor is ignored).
    void setQuery(const CellSpansQuery& query);
    void clear();
    /// Spans per page (default 200); the next setQuery() uses it.
    void setPageSize(int spans) { m_pageSize = std::max(1, spans); }
    const CellSpansQuery& query() const { return m_query; }
    bool loading() const { return m_loading; }
    /// Notices and errors of the pages read so far.
    QStringList notices() const { return m_notices; }

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

signals:
    /// A page arrived (possibly empty); loading() is false again.
    void pageApplied();

private:
    void ask(int64_t cursor);
    void apply(uint64_t generation, CellSpansResult result);
    QVariant display(const SpanSummary& s, int column) const;
    QVariant raw(const SpanSummary& s, int column) const;

    ConsoleContext* m_context;
    CellSpansQuery m_query;
    int m_pageSize = 200;
    bool m_active = false;
    bool m_loading = false;
    int64_t m_nextCursor = 0;
    uint64_t m_generation = 0; ///< pages of an older query are dropped even if delivered
    QStringList m_notices;
};

/// "$0.0012", "$1.25": nano-USD for tables.
QString formatCost(int64_t nanoUsd);

} // namespace spanlight
