#include "passwordhasher.h"

#include <sodium.h>

namespace spanlight {

namespace {
constexpr int kMinPasswordLength = 10;

bool sodiumReady()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}
} // namespace

QString passwordProblem(const QString& userName, const QByteArray& password)
{
    if (password.size() < kMinPasswordLength)
        return QStringLiteral("a password needs at least %1 characters").arg(kMinPasswordLength);
    if (password.size() > 4096)
        return QStringLiteral("a password may have at most 4096 characters");
    if (QString::fromUtf8(password).compare(userName, Qt::CaseInsensitive) == 0)
        return QStringLiteral("the password must not be the user name");
    return {};
}

QString hashPassword(const QByteArray& password, const PasswordCost& cost)
{
    if (!sodiumReady())
        return {};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.constData(), static_cast<unsigned long long>(password.size()),
            cost.opsLimit, cost.memLimitBytes, crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return {};
    return QString::fromLatin1(out);
}

bool verifyPassword(const QString& storedHash, const QByteArray& password)
{
    if (!sodiumReady() || storedHash.isEmpty())
        return false;
    const QByteArray hash = storedHash.toLatin1();
    return crypto_pwhash_str_verify(
               hash.constData(), password.constData(), static_cast<unsigned long long>(password.size()))
        == 0;
}

bool passwordNeedsRehash(const QString& storedHash, const PasswordCost& cost)
{
    if (!sodiumReady())
        return false;
    const QByteArray hash = storedHash.toLatin1();
    return crypto_pwhash_str_needs_rehash(hash.constData(), cost.opsLimit, cost.memLimitBytes) != 0;
}

} // namespace spanlight
