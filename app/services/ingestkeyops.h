#pragma once

#include "controlrecords.h"

#include <QString>
#include <cstdint>
#include <optional>

namespace spanlight {

class ControlStore;

/// A key just made: the key itself, shown once and never stored, and its row.
struct IssuedKey
{
    QString key;
    IngestKeyRecord record; ///< as stored (id set)
};

/// At most two active keys per tenant: the current one and, during a
/// rotation's grace period, the previous one.
constexpr int kMaxActiveKeysPerTenant = 2;
constexpr int64_t kDefaultKeyGraceMs = 24LL * 3600 * 1000; ///< auth/key_grace_hours
constexpr int64_t kMaxKeyGraceMs = 7LL * 24 * 3600 * 1000;

/// Why \a graceMs cannot be a rotation's grace period (0 to 7 days), or empty.
QString keyGraceProblem(int64_t graceMs);

/// A new key for \a tenant; refused when the tenant already has two active keys.
std::optional<IssuedKey> createIngestKey(
    ControlStore& store, const QString& tenant, const QString& actor, int64_t nowMs, QString* error);

/// A new key for \a tenant; the newest active key keeps working until
/// nowMs + graceMs (0: it stops at once). Refused when the tenant has no
/// active key (create one instead) or already has two (one is still in a
/// grace period: revoke it, or wait until it expires).
std::optional<IssuedKey> rotateIngestKey(
    ControlStore& store, const QString& tenant, const QString& actor, int64_t graceMs, int64_t nowMs, QString* error);

/// Revokes one key at once (by id); refused when it does not exist or is already revoked.
bool revokeIngestKey(ControlStore& store, int64_t keyId, int64_t nowMs, QString* error);

} // namespace spanlight
