#pragma once

#include "schemadialect.h"

#include <string>
#include <vector>

namespace spanlight {

/// Every statement ControlStore and the audit verifier run against control.db,
/// so a second engine is one more implementation of this class.
///
/// Column orders are part of the contract: the readers in controlrows.cpp and
/// the audit chain decode results by position.
class ControlDialect : public SchemaDialect
{
public:
    virtual std::string commit() const = 0;
    virtual std::string rollback() const = 0;
    /// A read transaction: the audit verifier reads entries and checkpoints from one snapshot.
    virtual std::string beginRead() const = 0;

    // users: id, name, role, password_hash, disabled, failed_attempts, locked_until_ms, created_ms, last_login_ms
    virtual std::string selectUsers() const = 0;
    virtual std::string selectUserByName() const = 0; ///< ?1 name
    virtual std::string insertUser() const = 0; ///< ?1 name … ?8 last_login_ms (the columns after id)
    virtual std::string
    updateUser() const = 0; ///< ?1 id, ?2 role, ?3 hash, ?4 disabled, ?5 attempts, ?6 locked, ?7 login

    // ingest_keys: id, tenant, prefix, last4, secret_hash, created_ms, expires_ms, revoked_ms, created_by
    virtual std::string selectKeys() const = 0;
    virtual std::string selectKeysOfTenant() const = 0; ///< ?1 tenant
    virtual std::string selectKeyById() const = 0; ///< ?1 id
    virtual std::string selectKeyByHash() const = 0; ///< ?1 secret_hash, through its unique index
    virtual std::string insertKey() const = 0; ///< ?1 tenant … ?8 created_by (the columns after id)
    virtual std::string updateKeyExpiry() const = 0; ///< ?1 id, ?2 expires_ms
    virtual std::string updateKeyRevoked() const = 0; ///< ?1 id, ?2 revoked_ms; only a key not yet revoked

    // tenant_state: tenant, paused, changed_by, changed_ms, reason, monthly_budget_nano_usd
    virtual std::string selectTenantStates() const = 0;
    virtual std::string selectTenantState() const = 0; ///< ?1 tenant
    virtual std::string upsertTenantState() const = 0; ///< ?1 … ?6 in column order

    // approvals: id, action, target, params, requested_by, reason, ticket, requested_ms, expires_ms,
    // approved_by, approved_ms, consumed_ms
    virtual std::string insertApproval() const = 0; ///< ?1 action … ?8 expires_ms; pending, not approved
    virtual std::string selectApproval() const = 0; ///< ?1 id
    virtual std::string selectPendingApprovals() const = 0; ///< ?1 now: unconsumed and unexpired
    virtual std::string updateApproved() const = 0; ///< ?1 id, ?2 approver, ?3 now; only while unapproved
    virtual std::string updateConsumed() const = 0; ///< ?1 id, ?2 now; only while unconsumed

    // audit_log, in the canonical order of the audit chain: seq, time_ms, phase, intent_seq, actor, role,
    // auth_method, step_up_ms, approver, action, target, reason, ticket, before_json, after_json, outcome,
    // error, host, app_version, prev_hash, hash
    virtual std::string selectAuditHead() const = 0; ///< seq, hash of the newest entry
    virtual std::string selectAuditHash() const = 0; ///< hash of entry ?1
    virtual std::string selectAuditPhase() const = 0; ///< ?1 seq → phase
    virtual std::string insertAuditEntry() const = 0; ///< ?1 … ?21 in column order
    virtual std::string insertAuditCheckpoint() const = 0; ///< ?1 seq, ?2 hash, ?3 mac, ?4 time_ms
    /// Newest first. ?1 from (0: any), ?2 to (exclusive, 0: any), ?3 actor, ?4 action prefix, ?5 target,
    /// ?6 outcome ("intent": intents), ?7 limit (negative: all); an empty text matches any.
    virtual std::string selectAuditEntries() const = 0;
    /// Every entry in seq order, for verification.
    virtual std::string selectAuditChain() const = 0;
    /// Checkpoints newest first: seq, hash, mac, and the hash of the entry at that seq (NULL when missing).
    virtual std::string selectCheckpoints() const = 0;
};

/// control.db on SQLite.
class SqliteControlDialect final : public ControlDialect
{
public:
    std::vector<std::string> connectionSetup(bool synchronousFull) const override;
    std::vector<std::vector<std::string>> migrations() const override;
    std::string readSchemaVersion() const override { return "PRAGMA user_version"; }
    std::string writeSchemaVersion(int version) const override;
    std::string beginWrite() const override { return "BEGIN IMMEDIATE"; }
    std::string commit() const override { return "COMMIT"; }
    std::string rollback() const override { return "ROLLBACK"; }
    std::string beginRead() const override { return "BEGIN DEFERRED"; }

    std::string selectUsers() const override;
    std::string selectUserByName() const override;
    std::string insertUser() const override;
    std::string updateUser() const override;

    std::string selectKeys() const override;
    std::string selectKeysOfTenant() const override;
    std::string selectKeyById() const override;
    std::string selectKeyByHash() const override;
    std::string insertKey() const override;
    std::string updateKeyExpiry() const override;
    std::string updateKeyRevoked() const override;

    std::string selectTenantStates() const override;
    std::string selectTenantState() const override;
    std::string upsertTenantState() const override;

    std::string insertApproval() const override;
    std::string selectApproval() const override;
    std::string selectPendingApprovals() const override;
    std::string updateApproved() const override;
    std::string updateConsumed() const override;

    std::string selectAuditHead() const override;
    std::string selectAuditHash() const override;
    std::string selectAuditPhase() const override;
    std::string insertAuditEntry() const override;
    std::string insertAuditCheckpoint() const override;
    std::string selectAuditEntries() const override;
    std::string selectAuditChain() const override;
    std::string selectCheckpoints() const override;
};

} // namespace spanlight
