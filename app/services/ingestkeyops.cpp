#include "ingestkeyops.h"

#include "controlstore.h"
#include "ingestkey.h"

#include <QDateTime>
#include <algorithm>
#include <tuple>

namespace spanlight {

namespace {

void setError(QString* error, const QString& text)
{
    if (error)
        *error = text;
}

QString utc(int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QString tenantProblem(const QString& tenant)
{
    if (tenant.trimmed().isEmpty())
        return QStringLiteral("an ingest key needs a tenant name");
    if (tenant.trimmed() != tenant)
        return QStringLiteral("the tenant name '%1' has leading or trailing spaces").arg(tenant);
    if (std::any_of(tenant.begin(), tenant.end(), [](QChar c) { return c.category() == QChar::Other_Control; }))
        return QStringLiteral("the tenant name contains control characters");
    return {};
}

/// The tenant's keys that are active at \a nowMs, oldest first, or nullopt
/// when control.db cannot be read.
std::optional<std::vector<IngestKeyRecord>> activeKeys(
    ControlStore& store, const QString& tenant, int64_t nowMs, QString* error)
{
    std::string problem;
    std::vector<IngestKeyRecord> keys = store.keys(tenant, &problem);
    if (!problem.empty()) {
        setError(error, QStringLiteral("cannot read the ingest keys: %1").arg(QString::fromStdString(problem)));
        return std::nullopt;
    }
    keys.erase(
        std::remove_if(keys.begin(), keys.end(), [nowMs](const IngestKeyRecord& k) { return !k.activeAt(nowMs); }),
        keys.end());
    std::sort(keys.begin(), keys.end(), [](const IngestKeyRecord& a, const IngestKeyRecord& b) {
        return std::tie(a.createdMs, a.id) < std::tie(b.createdMs, b.id);
    });
    return keys;
}

QString displayOf(const IngestKeyRecord& key)
{
    return ingestKeyDisplay(key.prefix, key.last4);
}

/// Makes and stores a key; the caller has checked the limits.
std::optional<IssuedKey> issue(
    ControlStore& store, const QString& tenant, const QString& actor, int64_t nowMs, QString* error)
{
    const std::string key = generateIngestKey();
    IssuedKey issued;
    issued.key = QString::fromStdString(key);
    issued.record.tenant = tenant;
    issued.record.prefix = ingestKeyDisplayPrefix(key);
    issued.record.last4 = ingestKeyLast4(key);
    issued.record.secretHash = ingestKeyHash(key);
    issued.record.createdMs = nowMs;
    issued.record.createdBy = actor;
    std::string problem;
    const std::optional<int64_t> id = store.addKey(issued.record, &problem);
    if (!id) {
        setError(error, QStringLiteral("cannot store the new ingest key: %1").arg(QString::fromStdString(problem)));
        return std::nullopt;
    }
    issued.record.id = *id;
    return issued;
}

} // namespace

QString keyGraceProblem(int64_t graceMs)
{
    if (graceMs < 0 || graceMs > kMaxKeyGraceMs)
        return QStringLiteral("the grace period of a rotated key must be between 0 and 168 hours (7 days), not %1 "
                              "hours")
            .arg(static_cast<double>(graceMs) / 3600000.0);
    return {};
}

std::optional<IssuedKey> createIngestKey(
    ControlStore& store, const QString& tenant, const QString& actor, int64_t nowMs, QString* error)
{
    if (const QString problem = tenantProblem(tenant); !problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    const auto active = activeKeys(store, tenant, nowMs, error);
    if (!active)
        return std::nullopt;
    if (active->size() >= kMaxActiveKeysPerTenant) {
        setError(error,
            QStringLiteral("tenant %1 already has %2 active ingest keys (%3 and %4), the most allowed; revoke one "
                           "first (spanlight keys revoke)")
                .arg(tenant)
                .arg(active->size())
                .arg(displayOf(active->front()), displayOf(active->back())));
        return std::nullopt;
    }
    return issue(store, tenant, actor, nowMs, error);
}

std::optional<IssuedKey> rotateIngestKey(
    ControlStore& store, const QString& tenant, const QString& actor, int64_t graceMs, int64_t nowMs, QString* error)
{
    if (QString problem = tenantProblem(tenant);
        !problem.isEmpty() || !(problem = keyGraceProblem(graceMs)).isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    const auto active = activeKeys(store, tenant, nowMs, error);
    if (!active)
        return std::nullopt;
    if (active->empty()) {
        setError(error,
            QStringLiteral("tenant %1 has no active ingest key to rotate; create one (spanlight keys create)")
                .arg(tenant));
        return std::nullopt;
    }
    if (active->size() >= kMaxActiveKeysPerTenant) {
        const IngestKeyRecord& older = active->front();
        const QString until
            = older.expiresMs > 0 ? QStringLiteral(" (its grace period ends %1)").arg(utc(older.expiresMs)) : QString();
        setError(error,
            QStringLiteral("tenant %1 already has two active ingest keys; a rotation would make three. Revoke %2 "
                           "(key %3)%4 first, or wait until it expires")
                .arg(tenant, displayOf(older))
                .arg(older.id)
                .arg(until));
        return std::nullopt;
    }
    // The new key first: if storing it fails, the old key keeps working unchanged.
    std::optional<IssuedKey> issued = issue(store, tenant, actor, nowMs, error);
    if (!issued)
        return std::nullopt;
    const IngestKeyRecord& previous = active->back();
    int64_t expiresMs = nowMs + graceMs;
    if (previous.expiresMs > 0)
        expiresMs = std::min(expiresMs, previous.expiresMs); // a rotation never extends a key's life
    std::string problem;
    if (!store.setKeyExpiry(previous.id, expiresMs, &problem)) {
        // Without the grace period the tenant would keep two keys that never
        // expire; take the new key back so the rotation can simply be retried.
        std::string ignored;
        store.revokeKey(issued->record.id, nowMs, &ignored);
        setError(error,
            QStringLiteral("cannot start the grace period of %1: %2; nothing changed, retry the rotation")
                .arg(displayOf(previous), QString::fromStdString(problem)));
        return std::nullopt;
    }
    return issued;
}

bool revokeIngestKey(ControlStore& store, int64_t keyId, int64_t nowMs, QString* error)
{
    if (keyId <= 0) {
        setError(error, QStringLiteral("no ingest key with id %1").arg(keyId));
        return false;
    }
    std::string problem;
    if (!store.revokeKey(keyId, nowMs, &problem)) {
        setError(
            error, QStringLiteral("cannot revoke ingest key %1: %2").arg(keyId).arg(QString::fromStdString(problem)));
        return false;
    }
    return true;
}

} // namespace spanlight
