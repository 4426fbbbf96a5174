// ControlStore: two-person approvals of destructive actions.

#include "controlstoreimpl.h"

#include "controlrows.h"

#include <QDateTime>
#include <sqlite3.h>

namespace spanlight {

namespace {

std::string utcText(int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate).toStdString();
}

std::string requestText(int64_t id)
{
    return "approval request " + std::to_string(id);
}

std::optional<ApprovalRecord> loadApproval(sqlite3* db, const ControlDialect& dialect, int64_t id, std::string* error)
{
    Statement select(db, dialect.selectApproval());
    if (!select.valid()) {
        setError(error, std::string("cannot read the approval request: ") + sqlite3_errmsg(db));
        return std::nullopt;
    }
    bindInt(select.get(), 1, id);
    if (sqlite3_step(select.get()) != SQLITE_ROW)
        return std::nullopt;
    return readApproval(select.get());
}

// Why \a approval cannot run or be approved at \a nowMs; empty when it can.
std::string closedReason(const ApprovalRecord& approval, int64_t nowMs)
{
    if (approval.consumedMs != 0)
        return requestText(approval.id) + " was already carried out at " + utcText(approval.consumedMs)
            + "; an approval runs once";
    if (nowMs >= approval.expiresMs)
        return requestText(approval.id) + " expired at " + utcText(approval.expiresMs) + "; request it again";
    return {};
}

} // namespace

std::optional<int64_t> ControlStore::addApproval(ApprovalRecord approval, std::string* error)
{
    if (approval.action.isEmpty() || approval.requestedBy.isEmpty()) {
        setError(error, "an approval request needs an action and the admin who requests it");
        return std::nullopt;
    }
    if (approval.expiresMs <= approval.requestedMs) {
        setError(error, "an approval request must expire after it was made");
        return std::nullopt;
    }
    return m_impl->run(
        [this, &approval, error]() -> std::optional<int64_t> {
            int64_t id = 0;
            const bool ok = m_impl->transaction(error, [&](std::string* problem) {
                Statement insert = m_impl->prepare(m_impl->dialect.insertApproval(), problem);
                if (!insert.valid())
                    return false;
                bindText(insert.get(), 1, approval.action);
                bindText(insert.get(), 2, approval.target);
                bindText(insert.get(), 3, approval.params);
                bindText(insert.get(), 4, approval.requestedBy);
                bindText(insert.get(), 5, approval.reason);
                bindText(insert.get(), 6, approval.ticket);
                bindInt(insert.get(), 7, approval.requestedMs);
                bindInt(insert.get(), 8, approval.expiresMs);
                if (!m_impl->execute(insert, "cannot store the approval request", problem))
                    return false;
                id = sqlite3_last_insert_rowid(m_impl->db());
                return true;
            });
            return ok ? std::optional<int64_t>(id) : std::nullopt;
        },
        std::optional<int64_t>(), error);
}

std::optional<ApprovalRecord> ControlStore::approval(int64_t id, std::string* error)
{
    setError(error, {});
    return m_impl->run([this, id, error] { return loadApproval(m_impl->db(), m_impl->dialect, id, error); },
        std::optional<ApprovalRecord>(), error);
}

std::vector<ApprovalRecord> ControlStore::pendingApprovals(int64_t nowMs, std::string* error)
{
    return m_impl->run(
        [this, nowMs, error] {
            std::vector<ApprovalRecord> pending;
            Statement select = m_impl->prepare(m_impl->dialect.selectPendingApprovals(), error);
            if (!select.valid())
                return pending;
            bindInt(select.get(), 1, nowMs);
            while (sqlite3_step(select.get()) == SQLITE_ROW)
                pending.push_back(readApproval(select.get()));
            return pending;
        },
        std::vector<ApprovalRecord>(), error);
}

bool ControlStore::approve(int64_t id, const QString& approver, int64_t nowMs, std::string* error)
{
    if (approver.isEmpty()) {
        setError(error, "an approval needs the approving admin's name");
        return false;
    }
    return m_impl->run(
        [this, id, &approver, nowMs, error] {
            return m_impl->transaction(error, [&](std::string* problem) {
                const auto approval = loadApproval(m_impl->db(), m_impl->dialect, id, problem);
                if (!approval) {
                    if (problem->empty())
                        *problem = "no " + requestText(id);
                    return false;
                }
                if (*problem = closedReason(*approval, nowMs); !problem->empty())
                    return false;
                if (!approval->approvedBy.isEmpty()) {
                    *problem = requestText(id) + " was already approved by " + approval->approvedBy.toStdString();
                    return false;
                }
                if (approval->requestedBy == approver) {
                    *problem
                        = "an admin cannot approve their own request: " + requestText(id) + " needs a second admin";
                    return false;
                }
                Statement update = m_impl->prepare(m_impl->dialect.updateApproved(), problem);
                if (!update.valid())
                    return false;
                bindInt(update.get(), 1, id);
                bindText(update.get(), 2, approver);
                bindInt(update.get(), 3, nowMs);
                return m_impl->execute(update, "cannot record the approval", problem);
            });
        },
        false, error);
}

bool ControlStore::consumeApproval(int64_t id, int64_t nowMs, std::string* error)
{
    return m_impl->run(
        [this, id, nowMs, error] {
            return m_impl->transaction(error, [&](std::string* problem) {
                const auto approval = loadApproval(m_impl->db(), m_impl->dialect, id, problem);
                if (!approval) {
                    if (problem->empty())
                        *problem = "no " + requestText(id);
                    return false;
                }
                if (*problem = closedReason(*approval, nowMs); !problem->empty())
                    return false;
                if (approval->approvedBy.isEmpty()) {
                    *problem = requestText(id) + " has not been approved by a second admin yet";
                    return false;
                }
                Statement update = m_impl->prepare(m_impl->dialect.updateConsumed(), problem);
                if (!update.valid())
                    return false;
                bindInt(update.get(), 1, id);
                bindInt(update.get(), 2, nowMs);
                if (!m_impl->execute(update, "cannot mark the approval as carried out", problem))
                    return false;
                return sqlite3_changes(m_impl->db()) == 1;
            });
        },
        false, error);
}

} // namespace spanlight
