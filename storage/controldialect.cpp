#include "controldialect.h"

namespace spanlight {

namespace {

const char* const kUserColumns = "id, name, role, password_hash, disabled, failed_attempts, locked_until_ms, "
                                 "created_ms, last_login_ms";
const char* const kKeyColumns
    = "id, tenant, prefix, last4, secret_hash, created_ms, expires_ms, revoked_ms, created_by";
const char* const kTenantColumns = "tenant, paused, changed_by, changed_ms, reason, monthly_budget_nano_usd";
const char* const kApprovalColumns = "id, action, target, params, requested_by, reason, ticket, requested_ms, "
                                     "expires_ms, approved_by, approved_ms, consumed_ms";
const char* const kAuditColumns
    = "seq, time_ms, phase, intent_seq, actor, role, auth_method, step_up_ms, approver, action, target, reason, "
      "ticket, before_json, after_json, outcome, error, host, app_version, prev_hash, hash";

// Triggers cannot stop someone with write access to the file (they can drop
// them), but they stop every accidental or casual edit; the hash chain and the
// HMAC checkpoint catch the rest.
std::vector<std::string> appendOnly(const std::string& table, const std::string& what)
{
    return {
        "CREATE TRIGGER " + table + "_no_update BEFORE UPDATE ON " + table + " BEGIN SELECT RAISE(ABORT, 'the " + what
            + " is append-only: rows cannot be changed'); END",
        "CREATE TRIGGER " + table + "_no_delete BEFORE DELETE ON " + table + " BEGIN SELECT RAISE(ABORT, 'the " + what
            + " is append-only: rows cannot be deleted'); END",
    };
}

} // namespace

std::vector<std::string> SqliteControlDialect::connectionSetup(bool /*synchronousFull*/) const
{
    return {
        "PRAGMA journal_mode=WAL",
        // Always FULL: every write here is an audited action, and control.db is
        // small enough that the fsync per commit costs nothing that matters.
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        // Deleted rows (users, keys) are overwritten, not left in free pages.
        "PRAGMA secure_delete=ON",
    };
}

std::vector<std::vector<std::string>> SqliteControlDialect::migrations() const
{
    // Version 1. STRICT tables, so a column holds only its declared type.
    std::vector<std::string> v1 = {
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),"
        " role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin', 'auditor')),"
        " password_hash TEXT NOT NULL, disabled INTEGER NOT NULL, failed_attempts INTEGER NOT NULL,"
        " locked_until_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, last_login_ms INTEGER NOT NULL) STRICT",
        // Keys are found by the hash of the presented key (unique index) and
        // listed per tenant; the key itself is never stored.
        "CREATE TABLE ingest_keys (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, prefix TEXT NOT NULL,"
        " last4 TEXT NOT NULL, secret_hash BLOB NOT NULL UNIQUE CHECK (length(secret_hash) = 32),"
        " created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, revoked_ms INTEGER NOT NULL,"
        " created_by TEXT NOT NULL) STRICT",
        "CREATE INDEX ingest_keys_by_tenant ON ingest_keys (tenant)",
        "CREATE TABLE tenant_state (tenant TEXT PRIMARY KEY, paused INTEGER NOT NULL, changed_by TEXT NOT NULL,"
        " changed_ms INTEGER NOT NULL, reason TEXT NOT NULL, monthly_budget_nano_usd INTEGER NOT NULL) STRICT",
        // The two-person rule holds in the schema too: nobody approves their own request.
        "CREATE TABLE approvals (id INTEGER PRIMARY KEY, action TEXT NOT NULL, target TEXT NOT NULL,"
        " params TEXT NOT NULL, requested_by TEXT NOT NULL, reason TEXT NOT NULL, ticket TEXT NOT NULL,"
        " requested_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, approved_by TEXT NOT NULL,"
        " approved_ms INTEGER NOT NULL, consumed_ms INTEGER NOT NULL,"
        " CHECK (approved_by = '' OR approved_by <> requested_by)) STRICT",
        // Every field of an entry has its own column, in the order of the
        // chain's canonical encoding (docs/audit.md).
        "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, phase INTEGER NOT NULL,"
        " intent_seq INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, auth_method TEXT NOT NULL,"
        " step_up_ms INTEGER NOT NULL, approver TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
        " reason TEXT NOT NULL, ticket TEXT NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL,"
        " outcome TEXT NOT NULL, error TEXT NOT NULL, host TEXT NOT NULL, app_version TEXT NOT NULL,"
        " prev_hash BLOB NOT NULL, hash BLOB NOT NULL) STRICT",
        // One row per sealed head: the HMAC over (seq, hash) of the newest entry
        // at the time, made with a key kept outside this file.
        "CREATE TABLE audit_checkpoint (seq INTEGER PRIMARY KEY, hash BLOB NOT NULL, mac BLOB NOT NULL,"
        " time_ms INTEGER NOT NULL) STRICT",
    };
    for (auto& trigger : appendOnly("audit_log", "audit log"))
        v1.push_back(std::move(trigger));
    for (auto& trigger : appendOnly("audit_checkpoint", "audit checkpoint table"))
        v1.push_back(std::move(trigger));
    return { v1 };
}

std::string SqliteControlDialect::writeSchemaVersion(int version) const
{
    return "PRAGMA user_version=" + std::to_string(version);
}

std::string SqliteControlDialect::selectUsers() const
{
    return std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name";
}

std::string SqliteControlDialect::selectUserByName() const
{
    return std::string("SELECT ") + kUserColumns + " FROM users WHERE name = ?1";
}

std::string SqliteControlDialect::insertUser() const
{
    return "INSERT INTO users (name, role, password_hash, disabled, failed_attempts, locked_until_ms, created_ms,"
           " last_login_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
}

std::string SqliteControlDialect::updateUser() const
{
    return "UPDATE users SET role = ?2, password_hash = ?3, disabled = ?4, failed_attempts = ?5,"
           " locked_until_ms = ?6, last_login_ms = ?7 WHERE id = ?1";
}

std::string SqliteControlDialect::selectKeys() const
{
    return std::string("SELECT ") + kKeyColumns + " FROM ingest_keys ORDER BY tenant, id";
}

std::string SqliteControlDialect::selectKeysOfTenant() const
{
    return std::string("SELECT ") + kKeyColumns + " FROM ingest_keys WHERE tenant = ?1 ORDER BY id";
}

std::string SqliteControlDialect::selectKeyById() const
{
    return std::string("SELECT ") + kKeyColumns + " FROM ingest_keys WHERE id = ?1";
}

std::string SqliteControlDialect::selectKeyByHash() const
{
    return std::string("SELECT ") + kKeyColumns + " FROM ingest_keys WHERE secret_hash = ?1";
}

std::string SqliteControlDialect::insertKey() const
{
    return "INSERT INTO ingest_keys (tenant, prefix, last4, secret_hash, created_ms, expires_ms, revoked_ms,"
           " created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
}

std::string SqliteControlDialect::updateKeyExpiry() const
{
    return "UPDATE ingest_keys SET expires_ms = ?2 WHERE id = ?1";
}

std::string SqliteControlDialect::updateKeyRevoked() const
{
    return "UPDATE ingest_keys SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms = 0";
}

std::string SqliteControlDialect::selectTenantStates() const
{
    return std::string("SELECT ") + kTenantColumns + " FROM tenant_state ORDER BY tenant";
}

std::string SqliteControlDialect::selectTenantState() const
{
    return std::string("SELECT ") + kTenantColumns + " FROM tenant_state WHERE tenant = ?1";
}

std::string SqliteControlDialect::upsertTenantState() const
{
    return std::string("INSERT INTO tenant_state (") + kTenantColumns
        + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant) DO UPDATE SET paused = excluded.paused,"
          " changed_by = excluded.changed_by, changed_ms = excluded.changed_ms, reason = excluded.reason,"
          " monthly_budget_nano_usd = excluded.monthly_budget_nano_usd";
}

std::string SqliteControlDialect::insertApproval() const
{
    return "INSERT INTO approvals (action, target, params, requested_by, reason, ticket, requested_ms, expires_ms,"
           " approved_by, approved_ms, consumed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', 0, 0)";
}

std::string SqliteControlDialect::selectApproval() const
{
    return std::string("SELECT ") + kApprovalColumns + " FROM approvals WHERE id = ?1";
}

std::string SqliteControlDialect::selectPendingApprovals() const
{
    return std::string("SELECT ") + kApprovalColumns
        + " FROM approvals WHERE consumed_ms = 0 AND expires_ms > ?1 ORDER BY id";
}

std::string SqliteControlDialect::updateApproved() const
{
    return "UPDATE approvals SET approved_by = ?2, approved_ms = ?3 WHERE id = ?1 AND approved_by = ''"
           " AND consumed_ms = 0";
}

std::string SqliteControlDialect::updateConsumed() const
{
    return "UPDATE approvals SET consumed_ms = ?2 WHERE id = ?1 AND approved_by <> '' AND consumed_ms = 0";
}

std::string SqliteControlDialect::selectAuditHead() const
{
    return "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
}

std::string SqliteControlDialect::selectAuditHash() const
{
    return "SELECT hash FROM audit_log WHERE seq = ?1";
}

std::string SqliteControlDialect::selectAuditPhase() const
{
    return "SELECT phase FROM audit_log WHERE seq = ?1";
}

std::string SqliteControlDialect::insertAuditEntry() const
{
    return std::string("INSERT INTO audit_log (") + kAuditColumns
        + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";
}

std::string SqliteControlDialect::insertAuditCheckpoint() const
{
    return "INSERT INTO audit_checkpoint (seq, hash, mac, time_ms) VALUES (?1, ?2, ?3, ?4)";
}

std::string SqliteControlDialect::selectAuditEntries() const
{
    // Newest first by walking seq backwards, so a LIMIT stops the scan early.
    return std::string("SELECT ") + kAuditColumns
        + " FROM audit_log WHERE (?1 = 0 OR time_ms >= ?1) AND (?2 = 0 OR time_ms < ?2)"
          " AND (?3 = '' OR actor = ?3) AND (?4 = '' OR substr(action, 1, length(?4)) = ?4)"
          " AND (?5 = '' OR target = ?5)"
          " AND (?6 = '' OR (?6 = 'intent' AND phase = 0) OR (phase = 1 AND outcome = ?6))"
          " ORDER BY seq DESC LIMIT ?7";
}

std::string SqliteControlDialect::selectAuditChain() const
{
    return std::string("SELECT ") + kAuditColumns + " FROM audit_log ORDER BY seq";
}

std::string SqliteControlDialect::selectCheckpoints() const
{
    return "SELECT c.seq, c.hash, c.mac, l.hash FROM audit_checkpoint c LEFT JOIN audit_log l ON l.seq = c.seq"
           " ORDER BY c.seq DESC";
}

} // namespace spanlight
