#pragma once

#include <QByteArray>
#include <QString>
#include <string>

struct sqlite3;

namespace spanlight {

class ControlDialect;
struct AuditVerification;

// The sealed head kept OUTSIDE control.db (docs/audit.md "Head file"). The
// checkpoints inside the database catch every edit, but someone who deletes
// the newest entries together with their checkpoints leaves an older, truly
// sealed log behind. A copy of the newest seal beside the audit key — a file
// the database's owner cannot forge without the key — catches that too.

/// audit-<first 8 bytes of SHA-256 of the control.db path, hex>.head beside the
/// key file: one head per data dir, so the demo's log and the real one differ.
QString auditHeadFileFor(const QString& auditKeyFile, const QString& controlDbPath);

/// Replaces the head file with (seq, hash, MAC), atomically, mode 0600.
bool writeAuditHead(
    const QString& path, int64_t seq, const QByteArray& hash, const QByteArray& key, std::string* error);

/// After a chain verified OK (\a result): the head file, when present, must
/// carry a valid MAC and name an entry that exists with that hash. Otherwise
/// \a result becomes a failure at the first missing or differing seq.
void checkAuditHead(
    const QString& path, const QByteArray& key, sqlite3* db, const ControlDialect& dialect, AuditVerification* result);

} // namespace spanlight
