#include "auditchain.h"

#include "controldialect.h"
#include "controlrows.h"
#include "controlstore.h"
#include "sqliteconnection.h"

#include <QMessageAuthenticationCode>
#include <array>
#include <cstring>
#include <sqlite3.h>

namespace spanlight {

namespace {

// The first field of every encoding: a later format gets a new tag, so an old
// entry can never hash like a new one.
constexpr char kEntryTag[] = "spanlight-audit-entry-v1";
constexpr char kCheckpointTag[] = "spanlight-audit-v1";

// The audit_log columns that are integers, in selectAuditChain's order (the
// canonical order); the rest up to app_version (column 18) are text.
constexpr int kEncodedColumns = 19;
constexpr std::array<bool, kEncodedColumns> kIntegerColumn = { true, true, true, true, false, false, false, true, false,
    false, false, false, false, false, false, false, false, false, false };
constexpr int kPrevHashColumn = 19;
constexpr int kHashColumn = 20;

void appendBigEndian(std::string& out, uint64_t value)
{
    char bytes[8];
    for (int i = 7; i >= 0; --i, value >>= 8)
        bytes[i] = static_cast<char>(value & 0xff);
    out.append(bytes, sizeof bytes);
}

QByteArrayView columnBytes(sqlite3_stmt* stmt, int column)
{
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, column));
    return data ? QByteArrayView(data, sqlite3_column_bytes(stmt, column)) : QByteArrayView();
}

bool sameBytes(QByteArrayView a, QByteArrayView b)
{
    // Constant time for equal lengths: the MAC comparison must not leak how much matched.
    if (a.size() != b.size())
        return false;
    const auto* x = reinterpret_cast<const unsigned char*>(a.data());
    const auto* y = reinterpret_cast<const unsigned char*>(b.data());
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(x[i] ^ y[i]);
    return diff == 0;
}

AuditVerification failure(int64_t seq, std::string problem, int64_t checked)
{
    AuditVerification result;
    result.ok = false;
    result.firstBadSeq = seq;
    result.problem = std::move(problem);
    result.entries = checked;
    return result;
}

std::string seqText(int64_t seq)
{
    return std::to_string(seq);
}

} // namespace

AuditHasher::AuditHasher()
    : m_sha(QCryptographicHash::Sha256)
{
    m_encoding.reserve(4096);
}

void AuditHasher::addInteger(int64_t value)
{
    appendBigEndian(m_encoding, 8);
    appendBigEndian(m_encoding, static_cast<uint64_t>(value));
}

void AuditHasher::addText(const char* data, size_t size)
{
    appendBigEndian(m_encoding, size);
    m_encoding.append(data, size);
}

void AuditHasher::addText(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    addText(utf8.constData(), static_cast<size_t>(utf8.size()));
}

QByteArrayView AuditHasher::finish(QByteArrayView prevHash)
{
    m_sha.reset();
    m_sha.addData(prevHash);
    m_sha.addData(QByteArrayView(m_encoding.data(), static_cast<qsizetype>(m_encoding.size())));
    return m_sha.resultView();
}

QByteArray AuditHasher::hash(const AuditEntry& entry, const QByteArray& prevHash)
{
    // Same order as kIntegerColumn and the audit_log columns.
    m_encoding.clear();
    addText(kEntryTag, sizeof(kEntryTag) - 1);
    addInteger(entry.seq);
    addInteger(entry.timeMs);
    addInteger(static_cast<int64_t>(entry.phase));
    addInteger(entry.intentSeq);
    addText(entry.actor);
    addText(entry.role);
    addText(entry.authMethod);
    addInteger(entry.stepUpMs);
    addText(entry.approver);
    addText(entry.action);
    addText(entry.target);
    addText(entry.reason);
    addText(entry.ticket);
    addText(entry.before);
    addText(entry.after);
    addText(entry.outcome);
    addText(entry.error);
    addText(entry.host);
    addText(entry.appVersion);
    return finish(prevHash).toByteArray();
}

QByteArrayView AuditHasher::hashRow(sqlite3_stmt* row)
{
    m_encoding.clear();
    addText(kEntryTag, sizeof(kEntryTag) - 1);
    for (int column = 0; column < kEncodedColumns; ++column) {
        if (kIntegerColumn[column]) {
            addInteger(sqlite3_column_int64(row, column));
        } else {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row, column));
            addText(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(row, column)));
        }
    }
    return finish(columnBytes(row, kPrevHashColumn));
}

QByteArray auditCheckpointMac(const QByteArray& key, int64_t seq, const QByteArray& hash)
{
    std::string message(kCheckpointTag, sizeof(kCheckpointTag) - 1);
    appendBigEndian(message, static_cast<uint64_t>(seq));
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, key);
    mac.addData(message.data(), static_cast<qsizetype>(message.size()));
    mac.addData(hash);
    return mac.result();
}

namespace {

struct ChainWalk
{
    int64_t last = 0; ///< seq of the newest entry; 0 for an empty log
    int64_t checked = 0;
    bool stray = false; ///< a row numbered below 1: someone renumbered or inserted an entry
    int64_t straySeq = 0;
};

// Checks seq continuity, the links and every entry's hash. Returns a failure,
// or an ok result with the walk's extent in \a walk.
AuditVerification walkEntries(sqlite3* db, const ControlDialect& dialect, ChainWalk& walk)
{
    Statement chain(db, dialect.selectAuditChain());
    if (!chain.valid())
        return failure(
            0, std::string("cannot read the audit log (is this Spanlight's control.db?): ") + sqlite3_errmsg(db), 0);
    sqlite3_stmt* row = chain.get();
    AuditHasher hasher;
    std::array<char, kAuditHashSize> previous {}; // all zero before seq 1
    int64_t expected = 1;
    int rc;
    while ((rc = sqlite3_step(row)) == SQLITE_ROW) {
        const int64_t seq = sqlite3_column_int64(row, 0);
        if (seq < expected) {
            if (!walk.stray)
                walk.straySeq = seq;
            walk.stray = true;
            continue;
        }
        if (seq > expected)
            return failure(expected,
                "entry " + seqText(expected) + " is missing: it was deleted, or entries were renumbered", walk.checked);
        const QByteArrayView prevHash = columnBytes(row, kPrevHashColumn);
        if (!sameBytes(prevHash, QByteArrayView(previous.data(), kAuditHashSize)))
            return failure(seq,
                "entry " + seqText(seq) + " does not link to entry " + seqText(seq - 1)
                    + " (prev_hash mismatch): entries were removed, reordered or replaced here",
                walk.checked);
        const QByteArrayView stored = columnBytes(row, kHashColumn);
        if (!sameBytes(hasher.hashRow(row), stored))
            return failure(seq,
                "hash mismatch: entry " + seqText(seq)
                    + " was changed after it was written (its contents no longer "
                      "match its hash)",
                walk.checked);
        std::memcpy(previous.data(), stored.data(), kAuditHashSize);
        walk.last = seq;
        ++walk.checked;
        ++expected;
    }
    if (rc != SQLITE_DONE)
        return failure(expected, std::string("cannot read the audit log: ") + sqlite3_errmsg(db), walk.checked);
    AuditVerification ok;
    ok.ok = true;
    ok.entries = walk.checked;
    return ok;
}

// The head is vouched for by the newest checkpoint whose MAC verifies. When the
// newest does not, the newest one that does tells where forging started.
AuditVerification checkSeal(sqlite3* db, const ControlDialect& dialect, const QByteArray& key, const ChainWalk& walk)
{
    Statement checkpoints(db, dialect.selectCheckpoints());
    if (!checkpoints.valid())
        return failure(0, std::string("cannot read the audit checkpoints: ") + sqlite3_errmsg(db), walk.checked);
    sqlite3_stmt* row = checkpoints.get();
    if (sqlite3_step(row) != SQLITE_ROW) {
        if (walk.last == 0) {
            AuditVerification empty;
            empty.ok = true;
            return empty;
        }
        return failure(1,
            "the log has " + std::to_string(walk.checked) + " entries but no sealed head: the checkpoints were deleted",
            walk.checked);
    }
    auto sealOf = [&](bool* macOk, bool* matchesEntry) {
        const int64_t seq = sqlite3_column_int64(row, 0);
        const QByteArray hash = columnBlob(row, 1);
        *macOk = sameBytes(auditCheckpointMac(key, seq, hash), columnBytes(row, 2));
        *matchesEntry = sqlite3_column_type(row, 3) != SQLITE_NULL && sameBytes(columnBytes(row, 3), hash);
        return seq;
    };
    bool macOk = false;
    bool matches = false;
    const int64_t headSeq = sealOf(&macOk, &matches);
    if (macOk && headSeq > walk.last)
        return failure(walk.last + 1,
            "truncated: the log ends at seq " + seqText(walk.last) + " but seq " + seqText(headSeq)
                + " was sealed; entries from seq " + seqText(walk.last + 1) + " on were removed",
            walk.checked);
    if (macOk && matches) {
        if (headSeq == walk.last) {
            AuditVerification ok;
            ok.ok = true;
            ok.entries = walk.checked;
            return ok;
        }
        return failure(headSeq + 1,
            "entries after the sealed head (seq " + seqText(headSeq) + ") were added without the audit key",
            walk.checked);
    }
    int64_t oldest = headSeq;
    do {
        const int64_t seq = sealOf(&macOk, &matches);
        oldest = seq;
        if (macOk && matches)
            return failure(seq + 1,
                "checkpoint MAC mismatch: the sealed head does not verify; entries from seq " + seqText(seq + 1)
                    + " on were rewritten without the audit key (seq " + seqText(seq) + " is the newest sealed entry)",
                walk.checked);
    } while (sqlite3_step(row) == SQLITE_ROW);
    return failure(oldest,
        "checkpoint MAC mismatch: no checkpoint verifies with this audit key: the key file is not the one this log "
        "was sealed with, or the whole log was rewritten",
        walk.checked);
}

} // namespace

AuditVerification verifyAuditChain(sqlite3* db, const ControlDialect& dialect, const QByteArray& key)
{
    if (key.size() != kAuditHashSize)
        return failure(0, "the audit key must be " + std::to_string(kAuditHashSize) + " bytes", 0);
    // One snapshot for entries and checkpoints, so a concurrent append cannot look like tampering.
    Statement begin(db, dialect.beginRead());
    if (!begin.valid() || sqlite3_step(begin.get()) != SQLITE_DONE)
        return failure(0, std::string("cannot read control.db: ") + sqlite3_errmsg(db), 0);
    ChainWalk walk;
    AuditVerification result = walkEntries(db, dialect, walk);
    if (result.ok)
        result = checkSeal(db, dialect, key, walk);
    // An entry moved below seq 1 leaves a gap or a short log, reported above at
    // the seq it came from; only a row added there is left to report.
    if (result.ok && walk.stray)
        result = failure(1,
            "an entry with the invalid seq " + seqText(walk.straySeq) + " was added before the first entry",
            walk.checked);
    Statement end(db, dialect.rollback());
    if (end.valid())
        sqlite3_step(end.get());
    return result;
}

} // namespace spanlight
