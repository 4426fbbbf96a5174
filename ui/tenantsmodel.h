#pragma once

#include "controlrecords.h"
#include "querytypes.h"

#include <QAbstractTableModel>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spanlight {

/// What control.db says about tenants, read on the control worker in one job.
struct TenantControlSnapshot
{
    std::vector<TenantState> states;
    std::vector<IngestKeyRecord> keys; ///< the secrets' hashes are dropped before they reach the UI
    std::vector<ApprovalRecord> approvals; ///< pending (not expired) purge requests
    int64_t nowMs = 0;
    QString error;
};

/// What telemetry.db says about tenants, read on a reader thread in one job.
struct TenantTelemetry : QueryStatus
{
    std::vector<std::string> seen; ///< every tenant name ever stored
    std::map<std::string, SpendTotals> inRange; ///< spend and requests over the selected range
    std::map<std::string, SpendTotals> sincePause; ///< paused tenants: from the pause to now
};

/// The Tenants page's table: every tenant seen in telemetry merged with
/// control.db's state and keys. A thin adapter; rows sorted by name.
class TenantsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Tenant, State, SincePause, Spend, Requests, Keys, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, ///< numbers as numbers, for sorting
        TenantRole, ///< the tenant's name, whatever the column
        PausedRole,
    };

    struct Row
    {
        QString tenant;
        TenantState state; ///< default (active) when control.db has no row
        std::vector<IngestKeyRecord> keys; ///< active ones, newest first
        std::optional<SpendTotals> inRange;
        std::optional<SpendTotals> sincePause;
        bool seenInTelemetry = false;
    };

    explicit TenantsModel(QObject* parent = nullptr);

    void setControl(const TenantControlSnapshot& snapshot);
    void setTelemetry(const TenantTelemetry& telemetry);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const Row* rowAt(int row) const;
    int rowOf(const QString& tenant) const;

private:
    void rebuild();
    QString stateText(const Row& row) const;
    QString keysText(const Row& row) const;

    TenantControlSnapshot m_control;
    TenantTelemetry m_telemetry;
    std::vector<Row> m_rows;
};

/// "09:41" today, "Nov 23 09:41" on other days: times on the Tenants and Audit pages.
QString formatWhen(int64_t unixMs);

} // namespace spanlight
