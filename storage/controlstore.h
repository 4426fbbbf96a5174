#pragma once

#include "controlrecords.h"

#include <QString>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

struct AuditFilter
{
    int64_t fromMs = 0; ///< 0: from the beginning; otherwise entries at or after
    int64_t toMs = 0; ///< 0: up to now; otherwise entries before (exclusive)
    QString actor; ///< empty: any
    QString action; ///< empty: any; a prefix match ("tenant." matches every tenant action)
    QString target; ///< empty: any
    QString outcome; ///< empty: any; "intent" selects intents
    int limit = 1000; ///< newest first; <= 0: every matching entry (CSV export)
};

/// The result of `spanlight audit verify`: ok, or the first seq that fails and why.
struct AuditVerification
{
    bool ok = false;
    int64_t entries = 0; ///< entries checked
    int64_t firstBadSeq = 0; ///< 0 when ok
    std::string problem; ///< what is wrong at firstBadSeq ("hash mismatch", "missing", "checkpoint MAC mismatch" …)
};

/// control.db: users, ingest keys, tenants' state, pending approvals and the
/// audit log, written by its own writer thread (DESIGN.md "Two databases"), so
/// actions and audit keep working while telemetry ingest is overloaded or its
/// disk is full. Every method may be called from any thread; it runs on the
/// writer thread and returns after its transaction committed (or failed).
/// A method that fails returns false / nullopt and fills \a error; a lookup
/// that finds nothing returns nullopt with an empty \a error.
/// Schema, statements and the audit chain: docs/audit.md, ControlDialect.
class ControlStore
{
public:
    struct Options
    {
        QString path; ///< control.db
        /// Key of the HMAC that seals the audit chain head; lives outside the
        /// database (AuditKeyFile). Must be 32 bytes.
        QByteArray auditMacKey;
        /// The newest seal, copied outside the database after every append
        /// (auditHeadFileFor); empty: none (tests of the store alone).
        QString auditHeadFile;
    };

    ControlStore();
    ~ControlStore();
    ControlStore(const ControlStore&) = delete;
    ControlStore& operator=(const ControlStore&) = delete;

    bool open(const Options& options, std::string* error);
    void close();

    // Users.
    std::vector<UserRecord> users(std::string* error = nullptr);
    std::optional<UserRecord> user(const QString& name, std::string* error = nullptr);
    bool addUser(UserRecord user, std::string* error); ///< fails when the name exists
    bool updateUser(
        const UserRecord& user, std::string* error); ///< by id: role, hash, disabled, attempts, lockout, last login

    // Ingest keys.
    std::vector<IngestKeyRecord> keys(
        const QString& tenant = {}, std::string* error = nullptr); ///< empty: every tenant
    std::optional<IngestKeyRecord> keyByHash(const QByteArray& secretHash, std::string* error = nullptr);
    std::optional<int64_t> addKey(IngestKeyRecord key, std::string* error); ///< returns the id
    bool setKeyExpiry(int64_t keyId, int64_t expiresMs, std::string* error);
    bool revokeKey(int64_t keyId, int64_t revokedMs, std::string* error);

    // Tenants' state (tenants never seen in control.db are active without a budget).
    std::vector<TenantState> tenantStates(std::string* error = nullptr);
    TenantState tenantState(const QString& tenant, std::string* error = nullptr);
    bool setTenantState(const TenantState& state, std::string* error);

    // Two-person approvals.
    std::optional<int64_t> addApproval(ApprovalRecord approval, std::string* error);
    std::optional<ApprovalRecord> approval(int64_t id, std::string* error = nullptr);
    std::vector<ApprovalRecord> pendingApprovals(int64_t nowMs, std::string* error = nullptr);
    bool approve(int64_t id, const QString& approver, int64_t nowMs, std::string* error);
    bool consumeApproval(int64_t id, int64_t nowMs, std::string* error);

    // Audit log. append() fills seq, prevHash and hash, inserts the entry and
    // re-seals the chain head with the HMAC checkpoint in one transaction;
    // returns the seq, or nullopt (the caller must not perform the action).
    std::optional<int64_t> appendAudit(AuditEntry entry, std::string* error);
    std::vector<AuditEntry> auditEntries(const AuditFilter& filter, std::string* error = nullptr);
    AuditVerification verifyAudit();

    /// Runs \a job on the writer thread with the raw connection (tests, purges
    /// of control rows). Returns what the job returns. The job must not call
    /// back into this store (it would wait for itself).
    bool runOnWriter(const std::function<bool(sqlite3*, std::string*)>& job, std::string* error);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Verifies control.db's audit chain without a running store (CLI, read-only):
/// every entry's hash, the links, gaps in seq, and the HMAC checkpoint of the head.
AuditVerification verifyAuditFile(
    const QString& controlDbPath, const QByteArray& auditMacKey, const QString& auditHeadFile = {});

/// The HMAC key file: created with 32 random bytes and mode 0600 on first use.
/// Returns an empty array (and fills \a error) when it cannot be read or made.
QByteArray loadOrCreateAuditKey(const QString& keyFilePath, std::string* error);

} // namespace spanlight
