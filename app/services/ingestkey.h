#pragma once

#include <QByteArray>
#include <QString>
#include <string>
#include <string_view>

namespace spanlight {

/// Ingest keys (issue 5, "Ingest keys"): "spl_", then 43 base62 characters
/// that encode 32 random bytes (256 bits), then 6 base62 characters of
/// checksum (the first 4 bytes of SHA-256 over "spl_" + body). The checksum
/// lets a typo or a truncated paste be refused before any lookup, and makes
/// the keys recognisable to secret scanners.
namespace ingestkey {
constexpr std::string_view kPrefix = "spl_";
constexpr size_t kRandomBytes = 32;
constexpr size_t kBodyChars = 43; ///< 62^43 > 2^256
constexpr size_t kChecksumChars = 6; ///< 62^6 > 2^32
constexpr size_t kLength = kPrefix.size() + kBodyChars + kChecksumChars;
constexpr size_t kHashBytes = 32; ///< SHA-256
} // namespace ingestkey

/// A new key from libsodium's CSPRNG. Shown once; only its hash is kept.
std::string generateIngestKey();

/// Why \a key is not a well-formed ingest key (wrong prefix, wrong length,
/// a character outside base62, checksum mismatch), or empty when it is one.
/// The reason never repeats the key.
std::string ingestKeyFormatProblem(std::string_view key);

/// SHA-256 of the whole key (32 bytes): what control.db stores and looks up.
QByteArray ingestKeyHash(std::string_view key);

/// What lists show of a key: "spl_" + the first 4 body characters, and the
/// last 4 characters. Together "spl_ab12...wxyz" (ingestKeyDisplay).
QString ingestKeyDisplayPrefix(std::string_view key);
QString ingestKeyLast4(std::string_view key);
QString ingestKeyDisplay(const QString& displayPrefix, const QString& last4);

} // namespace spanlight
