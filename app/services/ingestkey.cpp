#include "ingestkey.h"

#include <QtGlobal>
#include <algorithm>
#include <array>
#include <sodium.h>
#include <vector>

namespace spanlight {

namespace {

constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void ensureSodium()
{
    // Thread-safe and idempotent; only fails when the system has no usable
    // randomness, in which case no key may be made at all.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        qFatal("spanlight: libsodium cannot be initialised; ingest keys cannot be generated");
}

/// \a bytes as one big-endian number in base62, left-padded with '0' to \a width.
std::string base62(const unsigned char* bytes, size_t size, size_t width)
{
    std::vector<unsigned char> number(bytes, bytes + size);
    std::string digits;
    while (std::any_of(number.begin(), number.end(), [](unsigned char b) { return b != 0; })) {
        unsigned remainder = 0;
        for (unsigned char& byte : number) {
            const unsigned value = remainder * 256 + byte;
            byte = static_cast<unsigned char>(value / 62);
            remainder = value % 62;
        }
        digits.push_back(kBase62[remainder]);
    }
    Q_ASSERT(digits.size() <= width);
    digits.resize(std::max(digits.size(), width), '0');
    std::reverse(digits.begin(), digits.end());
    return digits;
}

std::array<unsigned char, ingestkey::kHashBytes> sha256(std::string_view text)
{
    std::array<unsigned char, ingestkey::kHashBytes> digest {};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
    return digest;
}

/// The 6 checksum characters for "spl_" + body.
std::string checksumOf(std::string_view prefixAndBody)
{
    const auto digest = sha256(prefixAndBody);
    return base62(digest.data(), 4, ingestkey::kChecksumChars);
}

} // namespace

std::string generateIngestKey()
{
    ensureSodium();
    std::array<unsigned char, ingestkey::kRandomBytes> secret {};
    randombytes_buf(secret.data(), secret.size());
    std::string key = std::string(ingestkey::kPrefix) + base62(secret.data(), secret.size(), ingestkey::kBodyChars);
    sodium_memzero(secret.data(), secret.size());
    key += checksumOf(key);
    return key;
}

std::string ingestKeyFormatProblem(std::string_view key)
{
    using namespace ingestkey;
    if (key.substr(0, kPrefix.size()) != kPrefix)
        return "this is not a Spanlight ingest key: ingest keys start with 'spl_'";
    if (key.size() != kLength)
        return "the ingest key has " + std::to_string(key.size()) + " characters instead of " + std::to_string(kLength)
            + ": it was cut short or has extra characters";
    const auto bad = std::find_if(
        key.begin() + kPrefix.size(), key.end(), [](char c) { return kBase62.find(c) == std::string_view::npos; });
    if (bad != key.end())
        return "the ingest key has a character other than a letter or digit at position "
            + std::to_string(bad - key.begin() + 1);
    const std::string_view body = key.substr(0, kPrefix.size() + kBodyChars);
    const std::string expected = checksumOf(body);
    if (key.substr(body.size()) != expected)
        return "the ingest key's checksum does not match: it was mistyped or altered";
    return {};
}

QByteArray ingestKeyHash(std::string_view key)
{
    ensureSodium();
    const auto digest = sha256(key);
    return QByteArray(reinterpret_cast<const char*>(digest.data()), static_cast<qsizetype>(digest.size()));
}

QString ingestKeyDisplayPrefix(std::string_view key)
{
    const std::string_view shown = key.substr(0, ingestkey::kPrefix.size() + 4);
    return QString::fromLatin1(shown.data(), static_cast<qsizetype>(shown.size()));
}

QString ingestKeyLast4(std::string_view key)
{
    const std::string_view shown = key.substr(key.size() - std::min<size_t>(4, key.size()));
    return QString::fromLatin1(shown.data(), static_cast<qsizetype>(shown.size()));
}

QString ingestKeyDisplay(const QString& displayPrefix, const QString& last4)
{
    return displayPrefix + QStringLiteral("...") + last4;
}

} // namespace spanlight
