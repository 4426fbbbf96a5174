#pragma once

#include "controlrecords.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace spanlight {

class ControlDialect;
struct AuditVerification;

/// Bytes of an entry hash, a checkpoint MAC and the audit key.
constexpr int kAuditHashSize = 32;

/// Hashes audit entries: SHA-256 over the previous entry's hash followed by the
/// entry's canonical encoding (docs/audit.md). Keeps its buffers between calls,
/// so verifying a long chain allocates nothing per entry.
class AuditHasher
{
public:
    AuditHasher();

    /// The hash of \a entry (its seq set) chained to \a prevHash.
    QByteArray hash(const AuditEntry& entry, const QByteArray& prevHash);
    /// The hash of the audit_log row \a row points at (the columns of
    /// ControlDialect::selectAuditChain), chained to the row's own prev_hash.
    QByteArrayView hashRow(sqlite3_stmt* row);

private:
    void addInteger(int64_t value);
    void addText(const char* data, size_t size);
    void addText(const QString& text);
    QByteArrayView finish(QByteArrayView prevHash);

    std::string m_encoding;
    QCryptographicHash m_sha;
};

/// The checkpoint MAC sealing the head (\a seq, \a hash):
/// HMAC-SHA256(key, "spanlight-audit-v1" || seq as 8 bytes big-endian || hash).
QByteArray auditCheckpointMac(const QByteArray& key, int64_t seq, const QByteArray& hash);

/// Walks the whole chain of the open control.db \a db (docs/audit.md
/// "Verification") and reports the first seq that fails.
AuditVerification verifyAuditChain(sqlite3* db, const ControlDialect& dialect, const QByteArray& key);

} // namespace spanlight
