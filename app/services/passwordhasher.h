#pragma once

#include <QByteArray>
#include <QString>
#include <cstddef>
#include <cstdint>

namespace spanlight {

/// Argon2id cost (libsodium crypto_pwhash). The defaults are libsodium's
/// "interactive" level (t = 2, m = 64 MiB), above OWASP's minimum for Argon2id
/// (t = 2, m = 19 MiB, p = 1); config knobs auth/password_ops and
/// auth/password_mem_mib may raise them, and logins rehash to the new cost.
struct PasswordCost
{
    uint64_t opsLimit = 2;
    size_t memLimitBytes = size_t(64) << 20;

    static constexpr uint64_t kMinOps = 2;
    static constexpr size_t kMinMemBytes = size_t(19) << 20;
};

/// Why a new password is refused, or empty when it is acceptable.
QString passwordProblem(const QString& userName, const QByteArray& password);

/// crypto_pwhash_str: the result encodes algorithm, cost and salt. Returns an
/// empty string when libsodium cannot allocate the memory the cost asks for.
QString hashPassword(const QByteArray& password, const PasswordCost& cost);
bool verifyPassword(const QString& storedHash, const QByteArray& password);
/// True when \a storedHash was made with a different cost than \a cost.
bool passwordNeedsRehash(const QString& storedHash, const PasswordCost& cost);

} // namespace spanlight
