#include "tenantsmodel.h"

#include "palettes.h"
#include "spendformat.h"

#include <QDateTime>
#include <QGuiApplication>
#include <algorithm>
#include <set>

namespace spanlight {

QString formatWhen(int64_t unixMs)
{
    if (unixMs <= 0)
        return QStringLiteral("—");
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(unixMs);
    const QDate today = QDate::currentDate();
    if (when.date() == today)
        return when.toString(QStringLiteral("HH:mm"));
    if (when.date().year() == today.year())
        return when.toString(QStringLiteral("d MMM HH:mm"));
    return when.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

TenantsModel::TenantsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void TenantsModel::setControl(const TenantControlSnapshot& snapshot)
{
    m_control = snapshot;
    rebuild();
}

void TenantsModel::setTelemetry(const TenantTelemetry& telemetry)
{
    m_telemetry = telemetry;
    rebuild();
}

void TenantsModel::rebuild()
{
    std::set<QString> names;
    for (const std::string& name : m_telemetry.seen)
        if (!name.empty())
            names.insert(QString::fromStdString(name));
    for (const TenantState& state : m_control.states)
        names.insert(state.tenant);
    for (const IngestKeyRecord& key : m_control.keys)
        names.insert(key.tenant);

    std::vector<Row> rows;
    rows.reserve(names.size());
    const std::set<std::string> seen(m_telemetry.seen.begin(), m_telemetry.seen.end());
    for (const QString& name : names) {
        Row row;
        row.tenant = name;
        row.state.tenant = name;
        for (const TenantState& state : m_control.states)
            if (state.tenant == name)
                row.state = state;
        for (const IngestKeyRecord& key : m_control.keys)
            if (key.tenant == name && key.activeAt(m_control.nowMs))
                row.keys.push_back(key);
        std::sort(row.keys.begin(), row.keys.end(),
            [](const IngestKeyRecord& a, const IngestKeyRecord& b) { return a.createdMs > b.createdMs; });
        const std::string key = name.toStdString();
        row.seenInTelemetry = seen.count(key) > 0;
        if (const auto spend = m_telemetry.inRange.find(key); spend != m_telemetry.inRange.end())
            row.inRange = spend->second;
        else if (row.seenInTelemetry)
            row.inRange = SpendTotals();
        if (row.state.paused) {
            const auto since = m_telemetry.sincePause.find(key);
            if (since != m_telemetry.sincePause.end())
                row.sincePause = since->second;
        }
        rows.push_back(std::move(row));
    }

    // Same tenants as before (the usual refresh): update in place, so selection and scrolling stay.
    const bool sameNames = rows.size() == m_rows.size()
        && std::equal(
            rows.begin(), rows.end(), m_rows.begin(), [](const Row& a, const Row& b) { return a.tenant == b.tenant; });
    if (sameNames) {
        m_rows = std::move(rows);
        if (!m_rows.empty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int TenantsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TenantsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const TenantsModel::Row* TenantsModel::rowAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)] : nullptr;
}

int TenantsModel::rowOf(const QString& tenant) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].tenant == tenant)
            return int(i);
    return -1;
}

QString TenantsModel::stateText(const Row& row) const
{
    const TenantState& s = row.state;
    if (s.paused) {
        QString text = tr("paused by %1 at %2").arg(s.changedBy, formatWhen(s.changedMs));
        if (!s.reason.isEmpty())
            text += QStringLiteral(" — ") + s.reason;
        return text;
    }
    if (!s.changedBy.isEmpty())
        return tr("active (resumed by %1 at %2)").arg(s.changedBy, formatWhen(s.changedMs));
    return tr("active");
}

QString TenantsModel::keysText(const Row& row) const
{
    if (row.keys.empty())
        return tr("none");
    QStringList keys;
    for (const IngestKeyRecord& key : row.keys) {
        QString text = key.prefix + QStringLiteral("…") + key.last4;
        if (key.expiresMs != 0)
            text += tr(" (until %1)").arg(formatWhen(key.expiresMs));
        keys << text;
    }
    return keys.join(QStringLiteral(", "));
}

QVariant TenantsModel::data(const QModelIndex& index, int role) const
{
    const Row* row = index.isValid() ? rowAt(index.row()) : nullptr;
    if (!row || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    if (role == TenantRole)
        return row->tenant;
    if (role == PausedRole)
        return row->state.paused;
    const auto column = static_cast<Column>(index.column());
    if (role == Qt::DisplayRole || role == RawValueRole) {
        const bool raw = role == RawValueRole;
        switch (column) {
        case Tenant:
            return row->tenant;
        case State:
            return raw ? QVariant(row->state.paused) : QVariant(stateText(*row));
        case Keys:
            return raw ? QVariant(qlonglong(row->keys.size())) : QVariant(keysText(*row));
        case Spend:
            if (!row->inRange)
                return raw ? QVariant(qlonglong(-1)) : QVariant(tr("not seen"));
            return raw ? QVariant(qlonglong(row->inRange->costNanoUsd)) : QVariant(formatSpend(*row->inRange));
        case Requests:
            if (!row->inRange)
                return raw ? QVariant(qlonglong(-1)) : QVariant(QStringLiteral("—"));
            return raw ? QVariant(qlonglong(row->inRange->requests)) : QVariant(formatCount(row->inRange->requests));
        case SincePause:
            if (!row->sincePause)
                return raw ? QVariant(qlonglong(-1)) : QVariant(QStringLiteral("—"));
            return raw
                ? QVariant(qlonglong(row->sincePause->requests))
                : QVariant(
                    tr("%1 requests · %2").arg(formatCount(row->sincePause->requests), formatSpend(*row->sincePause)));
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        if (column == State && !row->state.reason.isEmpty())
            return tr("Last change by %1 at %2: %3")
                .arg(row->state.changedBy, QDateTime::fromMSecsSinceEpoch(row->state.changedMs).toString(Qt::ISODate),
                    row->state.reason);
        if (column == Keys && !row->keys.empty()) {
            QStringList lines;
            for (const IngestKeyRecord& key : row->keys)
                lines << tr("%1…%2 created by %3 at %4%5")
                             .arg(key.prefix, key.last4, key.createdBy, formatWhen(key.createdMs),
                                 key.expiresMs ? tr(", stops working at %1").arg(formatWhen(key.expiresMs))
                                               : QString());
            return lines.join(QLatin1Char('\n'));
        }
        if (column == SincePause && row->state.paused)
            return tr("Requests and spend from the pause (%1) to now: what still reaches the platform")
                .arg(formatWhen(row->state.changedMs));
        return {};
    }
    if (role == Qt::ForegroundRole && column == State && row->state.paused)
        return themeWarning(QGuiApplication::palette());
    if (role == Qt::TextAlignmentRole && (column == Spend || column == Requests || column == SincePause))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant TenantsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Tenant:
        return tr("Tenant");
    case State:
        return tr("State");
    case SincePause:
        return tr("Since the pause");
    case Spend:
        return tr("Spend");
    case Requests:
        return tr("Requests");
    case Keys:
        return tr("Ingest keys");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace spanlight
