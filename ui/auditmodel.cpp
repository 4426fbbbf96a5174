#include "auditmodel.h"

#include "palettes.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QTimeZone>

namespace spanlight {

QString outcomeText(const AuditEntry& entry)
{
    return entry.phase == AuditEntry::Phase::Intent ? QStringLiteral("intent") : entry.outcome;
}

AuditModel::AuditModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void AuditModel::setEntries(std::vector<AuditEntry> entries)
{
    // A new filter is a new list: reset, the log is small enough (the store caps it).
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

const AuditEntry* AuditModel::entryAt(int row) const
{
    return row >= 0 && row < int(m_entries.size()) ? &m_entries[size_t(row)] : nullptr;
}

int AuditModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditModel::data(const QModelIndex& index, int role) const
{
    const AuditEntry* e = index.isValid() ? entryAt(index.row()) : nullptr;
    if (!e || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const auto column = static_cast<Column>(index.column());
    if (role == SeqRole)
        return qlonglong(e->seq);
    if (role == Qt::DisplayRole || role == RawValueRole) {
        const bool raw = role == RawValueRole;
        switch (column) {
        case Seq:
            return raw ? QVariant(qlonglong(e->seq)) : QVariant(QString::number(e->seq));
        case Time:
            // Local time to read, milliseconds kept: entries of one action are milliseconds apart.
            return raw ? QVariant(qlonglong(e->timeMs))
                       : QVariant(QDateTime::fromMSecsSinceEpoch(e->timeMs).toString(
                           QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
        case Actor:
            return e->actor;
        case RoleColumn:
            return e->role;
        case Action:
            return e->action;
        case Target:
            return e->target;
        case Outcome:
            return outcomeText(*e);
        case Reason:
            return e->reason;
        case Ticket:
            return e->ticket;
        case IntentSeq:
            if (raw)
                return qlonglong(e->intentSeq);
            return e->intentSeq ? QVariant(QString::number(e->intentSeq)) : QVariant(QString());
        case Error:
            return e->error;
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        QStringList lines;
        lines << tr("#%1 at %2 UTC")
                     .arg(e->seq)
                     .arg(QDateTime::fromMSecsSinceEpoch(e->timeMs, QTimeZone::utc()).toString(Qt::ISODateWithMs));
        lines << tr("%1 (%2), signed in by %3").arg(e->actor, e->role, e->authMethod);
        if (!e->approver.isEmpty())
            lines << tr("approved by %1").arg(e->approver);
        if (!e->before.isEmpty())
            lines << tr("before: %1").arg(e->before);
        if (!e->after.isEmpty())
            lines << tr("after: %1").arg(e->after);
        if (!e->host.isEmpty())
            lines << tr("host %1, Spanlight %2").arg(e->host, e->appVersion);
        return lines.join(QLatin1Char('\n'));
    }
    if (role == Qt::ForegroundRole && column == Outcome) {
        const QPalette palette = QGuiApplication::palette();
        if (e->outcome == QStringLiteral("failure") || e->outcome == QStringLiteral("denied"))
            return themeError(palette);
        if (e->phase == AuditEntry::Phase::Intent)
            return palette.color(QPalette::PlaceholderText);
    }
    if (role == Qt::TextAlignmentRole && (column == Seq || column == IntentSeq))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Seq:
        return tr("Seq");
    case Time:
        return tr("Time");
    case Actor:
        return tr("Actor");
    case RoleColumn:
        return tr("Role");
    case Action:
        return tr("Action");
    case Target:
        return tr("Target");
    case Outcome:
        return tr("Outcome");
    case Reason:
        return tr("Reason");
    case Ticket:
        return tr("Ticket");
    case IntentSeq:
        return tr("Intent");
    case Error:
        return tr("Error");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace spanlight
