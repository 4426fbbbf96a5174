// ControlStore: ingest keys and tenants' state.

#include "controlstoreimpl.h"

#include "auditchain.h"
#include "controlrows.h"

#include <QDateTime>
#include <sqlite3.h>

namespace spanlight {

namespace {

// Tells "no such key" from "already revoked" for the error message.
std::string missingOrRevoked(sqlite3* db, const ControlDialect& dialect, int64_t keyId)
{
    Statement select(db, dialect.selectKeyById());
    if (select.valid()) {
        sqlite3_bind_int64(select.get(), 1, keyId);
        if (sqlite3_step(select.get()) == SQLITE_ROW)
            return "ingest key " + std::to_string(keyId) + " is already revoked";
    }
    return "no ingest key with id " + std::to_string(keyId);
}

} // namespace

std::vector<IngestKeyRecord> ControlStore::keys(const QString& tenant, std::string* error)
{
    return m_impl->run(
        [this, &tenant, error] {
            std::vector<IngestKeyRecord> keys;
            Statement select = m_impl->prepare(
                tenant.isEmpty() ? m_impl->dialect.selectKeys() : m_impl->dialect.selectKeysOfTenant(), error);
            if (!select.valid())
                return keys;
            if (!tenant.isEmpty())
                bindText(select.get(), 1, tenant);
            while (sqlite3_step(select.get()) == SQLITE_ROW)
                keys.push_back(readKey(select.get()));
            return keys;
        },
        std::vector<IngestKeyRecord>(), error);
}

std::optional<IngestKeyRecord> ControlStore::keyByHash(const QByteArray& secretHash, std::string* error)
{
    setError(error, {});
    if (secretHash.size() != kAuditHashSize) {
        setError(error, "a key hash is 32 bytes (SHA-256)");
        return std::nullopt;
    }
    return m_impl->run(
        [this, &secretHash, error]() -> std::optional<IngestKeyRecord> {
            // An index lookup by the hash; the caller compares the hashes in constant time.
            Statement select = m_impl->prepare(m_impl->dialect.selectKeyByHash(), error);
            if (!select.valid())
                return std::nullopt;
            bindBlob(select.get(), 1, secretHash);
            if (sqlite3_step(select.get()) != SQLITE_ROW)
                return std::nullopt;
            return readKey(select.get());
        },
        std::optional<IngestKeyRecord>(), error);
}

std::optional<int64_t> ControlStore::addKey(IngestKeyRecord key, std::string* error)
{
    if (key.tenant.isEmpty()) {
        setError(error, "an ingest key needs a tenant");
        return std::nullopt;
    }
    if (key.secretHash.size() != kAuditHashSize) {
        setError(error, "an ingest key is stored as its 32-byte SHA-256 hash, never in clear");
        return std::nullopt;
    }
    if (key.createdMs == 0)
        key.createdMs = QDateTime::currentMSecsSinceEpoch();
    return m_impl->run(
        [this, &key, error]() -> std::optional<int64_t> {
            int64_t id = 0;
            const bool ok = m_impl->transaction(error, [&](std::string* problem) {
                Statement insert = m_impl->prepare(m_impl->dialect.insertKey(), problem);
                if (!insert.valid())
                    return false;
                bindText(insert.get(), 1, key.tenant);
                bindText(insert.get(), 2, key.prefix);
                bindText(insert.get(), 3, key.last4);
                bindBlob(insert.get(), 4, key.secretHash);
                bindInt(insert.get(), 5, key.createdMs);
                bindInt(insert.get(), 6, key.expiresMs);
                bindInt(insert.get(), 7, key.revokedMs);
                bindText(insert.get(), 8, key.createdBy);
                if (sqlite3_step(insert.get()) != SQLITE_DONE) {
                    *problem = sqlite3_extended_errcode(m_impl->db()) == SQLITE_CONSTRAINT_UNIQUE
                        ? std::string("an ingest key with this hash already exists")
                        : m_impl->failed("cannot add the ingest key");
                    return false;
                }
                id = sqlite3_last_insert_rowid(m_impl->db());
                return true;
            });
            return ok ? std::optional<int64_t>(id) : std::nullopt;
        },
        std::optional<int64_t>(), error);
}

bool ControlStore::setKeyExpiry(int64_t keyId, int64_t expiresMs, std::string* error)
{
    if (expiresMs < 0) {
        setError(error, "a key's expiry cannot be negative");
        return false;
    }
    return m_impl->run(
        [this, keyId, expiresMs, error] {
            return m_impl->transaction(error, [&](std::string* problem) {
                Statement update = m_impl->prepare(m_impl->dialect.updateKeyExpiry(), problem);
                if (!update.valid())
                    return false;
                bindInt(update.get(), 1, keyId);
                bindInt(update.get(), 2, expiresMs);
                if (!m_impl->execute(update, "cannot set the key's expiry", problem))
                    return false;
                if (sqlite3_changes(m_impl->db()) == 0) {
                    *problem = "no ingest key with id " + std::to_string(keyId);
                    return false;
                }
                return true;
            });
        },
        false, error);
}

bool ControlStore::revokeKey(int64_t keyId, int64_t revokedMs, std::string* error)
{
    if (revokedMs <= 0) {
        setError(error, "a revocation needs its time");
        return false;
    }
    return m_impl->run(
        [this, keyId, revokedMs, error] {
            return m_impl->transaction(error, [&](std::string* problem) {
                Statement update = m_impl->prepare(m_impl->dialect.updateKeyRevoked(), problem);
                if (!update.valid())
                    return false;
                bindInt(update.get(), 1, keyId);
                bindInt(update.get(), 2, revokedMs);
                if (!m_impl->execute(update, "cannot revoke the key", problem))
                    return false;
                if (sqlite3_changes(m_impl->db()) == 0) {
                    *problem = missingOrRevoked(m_impl->db(), m_impl->dialect, keyId);
                    return false;
                }
                return true;
            });
        },
        false, error);
}

std::vector<TenantState> ControlStore::tenantStates(std::string* error)
{
    return m_impl->run(
        [this, error] {
            std::vector<TenantState> states;
            Statement select = m_impl->prepare(m_impl->dialect.selectTenantStates(), error);
            while (select.valid() && sqlite3_step(select.get()) == SQLITE_ROW)
                states.push_back(readTenantState(select.get()));
            return states;
        },
        std::vector<TenantState>(), error);
}

TenantState ControlStore::tenantState(const QString& tenant, std::string* error)
{
    TenantState unknown;
    unknown.tenant = tenant;
    return m_impl->run(
        [this, &tenant, &unknown, error] {
            Statement select = m_impl->prepare(m_impl->dialect.selectTenantState(), error);
            if (!select.valid())
                return unknown;
            bindText(select.get(), 1, tenant);
            return sqlite3_step(select.get()) == SQLITE_ROW ? readTenantState(select.get()) : unknown;
        },
        unknown, error);
}

bool ControlStore::setTenantState(const TenantState& state, std::string* error)
{
    if (state.tenant.isEmpty()) {
        setError(error, "a tenant state needs the tenant's name");
        return false;
    }
    if (state.monthlyBudgetNanoUsd < 0) {
        setError(error, "a monthly budget cannot be negative");
        return false;
    }
    return m_impl->run(
        [this, &state, error] {
            return m_impl->transaction(error, [&](std::string* problem) {
                Statement upsert = m_impl->prepare(m_impl->dialect.upsertTenantState(), problem);
                if (!upsert.valid())
                    return false;
                bindText(upsert.get(), 1, state.tenant);
                bindInt(upsert.get(), 2, state.paused ? 1 : 0);
                bindText(upsert.get(), 3, state.changedBy);
                bindInt(upsert.get(), 4, state.changedMs);
                bindText(upsert.get(), 5, state.reason);
                bindInt(upsert.get(), 6, state.monthlyBudgetNanoUsd);
                return m_impl->execute(upsert, "cannot store the tenant's state", problem);
            });
        },
        false, error);
}

} // namespace spanlight
