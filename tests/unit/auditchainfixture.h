#pragma once

// Builds real control.db audit chains for the tamper tests and the verify
// benchmark: the schema comes from ControlStore itself, the entries from the
// same hasher and checkpoint MAC the store uses, in one transaction (appending
// 100,000 entries one fsync at a time would take minutes).

#include "auditchain.h"
#include "controldialect.h"
#include "controlrows.h"
#include "controlstore.h"
#include "sqliteconnection.h"

#include <QString>
#include <sqlite3.h>
#include <string>

namespace spanlight::test {

inline QByteArray fixedAuditKey(char fill)
{
    return QByteArray(kAuditHashSize, fill);
}

/// A plausible entry; odd numbers are intents, even ones the outcome of the entry before.
inline AuditEntry sampleAuditEntry(int64_t n)
{
    AuditEntry entry;
    entry.timeMs = 1'790'000'000'000 + n * 1000;
    entry.phase = n % 2 == 1 ? AuditEntry::Phase::Intent : AuditEntry::Phase::Outcome;
    entry.intentSeq = n % 2 == 1 ? 0 : n - 1;
    entry.actor = n % 3 == 0 ? QStringLiteral("bob") : QStringLiteral("alice");
    entry.role = QStringLiteral("admin");
    entry.authMethod = QStringLiteral("password");
    entry.stepUpMs = entry.timeMs - 60'000;
    entry.approver = n % 7 == 0 ? QStringLiteral("carol") : QString();
    entry.action = n % 5 == 0 ? QStringLiteral("keys.rotate") : QStringLiteral("tenant.pause");
    entry.target = QStringLiteral("tenant-%1").arg(n % 50);
    entry.reason = QStringLiteral("incident %1: runaway spend").arg(n);
    entry.ticket = QStringLiteral("OPS-%1").arg(n);
    entry.before = QStringLiteral(R"({"paused":false})");
    entry.after = QStringLiteral(R"({"paused":true})");
    entry.outcome = n % 2 == 1 ? QString() : QStringLiteral("success");
    entry.error = QString();
    entry.host = QStringLiteral("ops-laptop-7");
    entry.appVersion = QStringLiteral("0.1.0");
    return entry;
}

/// Creates control.db at \a path (through ControlStore, so the schema is the
/// real one) holding \a count sealed entries. Returns an error, empty on success.
inline std::string writeSealedAuditChain(const QString& path, const QByteArray& key, int64_t count)
{
    {
        ControlStore store;
        std::string error;
        if (!store.open({ path, key, {} }, &error))
            return error;
    }
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return "cannot open " + path.toStdString();
    }
    std::string error;
    {
        SqliteControlDialect dialect;
        Statement insert(db, dialect.insertAuditEntry());
        Statement seal(db, dialect.insertAuditCheckpoint());
        AuditHasher hasher;
        QByteArray prev(kAuditHashSize, '\0');
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (int64_t seq = 1; seq <= count && error.empty(); ++seq) {
            AuditEntry entry = sampleAuditEntry(seq);
            entry.seq = seq;
            entry.prevHash = prev;
            entry.hash = hasher.hash(entry, prev);
            bindAuditEntry(insert.get(), entry);
            bindInt(seal.get(), 1, seq);
            bindBlob(seal.get(), 2, entry.hash);
            bindBlob(seal.get(), 3, auditCheckpointMac(key, seq, entry.hash));
            bindInt(seal.get(), 4, entry.timeMs);
            if (sqlite3_step(insert.get()) != SQLITE_DONE || sqlite3_step(seal.get()) != SQLITE_DONE)
                error = sqlite3_errmsg(db);
            sqlite3_reset(insert.get());
            sqlite3_reset(seal.get());
            prev = entry.hash;
        }
        if (sqlite3_exec(db, error.empty() ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK
            && error.empty())
            error = sqlite3_errmsg(db);
    }
    sqlite3_close(db);
    return error;
}

} // namespace spanlight::test
