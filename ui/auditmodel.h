#pragma once

#include "controlrecords.h"

#include <QAbstractTableModel>
#include <vector>

namespace spanlight {

/// Audit log entries as a table: a thin adapter over AuditEntry rows, newest
/// first as the store returns them. Intents show "intent" as their outcome;
/// an outcome cites its intent's seq.
class AuditModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Seq,
        Time,
        Actor,
        RoleColumn,
        Action,
        Target,
        Outcome,
        Reason,
        Ticket,
        IntentSeq,
        Error,
        ColumnCount
    };
    enum Roles {
        RawValueRole = Qt::UserRole + 1, ///< numbers as numbers (seq, time), for sorting
        SeqRole,
    };

    explicit AuditModel(QObject* parent = nullptr);

    void setEntries(std::vector<AuditEntry> entries);
    const AuditEntry* entryAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<AuditEntry> m_entries;
};

/// "intent" for intents, else the recorded outcome.
QString outcomeText(const AuditEntry& entry);

} // namespace spanlight
