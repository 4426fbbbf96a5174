// ControlStore: the audit log (docs/audit.md).

#include "controlstoreimpl.h"

#include "auditchain.h"
#include "audithead.h"
#include "controlrows.h"

#include <QDateTime>
#include <QFileInfo>
#include <sqlite3.h>

namespace spanlight {

namespace {

// What an entry must look like before it may enter the chain.
std::string invalidEntry(const AuditEntry& entry)
{
    if (entry.actor.isEmpty() || entry.action.isEmpty())
        return "an audit entry needs an actor and an action";
    if (entry.phase == AuditEntry::Phase::Intent) {
        if (!entry.outcome.isEmpty() || entry.intentSeq != 0)
            return "an intent entry has no outcome and cites no intent";
        return {};
    }
    if (entry.outcome != QLatin1String("success") && entry.outcome != QLatin1String("failure")
        && entry.outcome != QLatin1String("denied"))
        return "an outcome entry's outcome is success, failure or denied, not \"" + entry.outcome.toStdString() + "\"";
    if (entry.intentSeq < 0)
        return "an outcome entry cites a negative intent seq";
    return {};
}

} // namespace

std::optional<int64_t> ControlStore::appendAudit(AuditEntry entry, std::string* error)
{
    if (const std::string invalid = invalidEntry(entry); !invalid.empty()) {
        setError(error, invalid);
        return std::nullopt;
    }
    if (entry.timeMs == 0)
        entry.timeMs = QDateTime::currentMSecsSinceEpoch();
    std::string problem;
    const auto seq = m_impl->run(
        [this, &entry, &problem]() -> std::optional<int64_t> {
            const ControlDialect& dialect = m_impl->dialect;
            const bool ok = m_impl->transaction(&problem, [&](std::string* failure) {
                // The head is read inside the write transaction: nobody else can append in between.
                Statement head = m_impl->prepare(dialect.selectAuditHead(), failure);
                if (!head.valid())
                    return false;
                int64_t headSeq = 0;
                QByteArray headHash(kAuditHashSize, '\0');
                const int rc = sqlite3_step(head.get());
                if (rc == SQLITE_ROW) {
                    headSeq = sqlite3_column_int64(head.get(), 0);
                    headHash = columnBlob(head.get(), 1);
                } else if (rc != SQLITE_DONE) {
                    *failure = m_impl->failed("cannot read the audit log's head");
                    return false;
                }
                if (headHash.size() != kAuditHashSize || headSeq < 0) {
                    *failure = "the newest audit entry (seq " + std::to_string(headSeq)
                        + ") is damaged; run `spanlight audit verify`";
                    return false;
                }
                if (entry.intentSeq > 0) {
                    Statement phase = m_impl->prepare(dialect.selectAuditPhase(), failure);
                    if (!phase.valid())
                        return false;
                    bindInt(phase.get(), 1, entry.intentSeq);
                    if (sqlite3_step(phase.get()) != SQLITE_ROW || sqlite3_column_int(phase.get(), 0) != 0) {
                        *failure = "the outcome cites seq " + std::to_string(entry.intentSeq)
                            + ", which is not an intent entry";
                        return false;
                    }
                }
                entry.seq = headSeq + 1;
                entry.prevHash = headHash;
                entry.hash = AuditHasher().hash(entry, entry.prevHash);
                Statement insert = m_impl->prepare(dialect.insertAuditEntry(), failure);
                if (!insert.valid())
                    return false;
                bindAuditEntry(insert.get(), entry);
                if (!m_impl->execute(insert, "cannot insert the entry", failure))
                    return false;
                Statement seal = m_impl->prepare(dialect.insertAuditCheckpoint(), failure);
                if (!seal.valid())
                    return false;
                bindInt(seal.get(), 1, entry.seq);
                bindBlob(seal.get(), 2, entry.hash);
                bindBlob(seal.get(), 3, auditCheckpointMac(m_impl->options.auditMacKey, entry.seq, entry.hash));
                bindInt(seal.get(), 4, QDateTime::currentMSecsSinceEpoch());
                return m_impl->execute(seal, "cannot seal the new head", failure);
            });
            // The copy outside the database comes after the commit; if it cannot be
            // written the caller is told (and does not act), the entry stays.
            if (ok && !m_impl->options.auditHeadFile.isEmpty()
                && !writeAuditHead(
                    m_impl->options.auditHeadFile, entry.seq, entry.hash, m_impl->options.auditMacKey, &problem))
                return std::nullopt;
            return ok ? std::optional<int64_t>(entry.seq) : std::nullopt;
        },
        std::optional<int64_t>(), &problem);
    if (!seq)
        setError(error, "the audit log in " + m_impl->options.path.toStdString() + " cannot be written: " + problem);
    return seq;
}

std::vector<AuditEntry> ControlStore::auditEntries(const AuditFilter& filter, std::string* error)
{
    return m_impl->run(
        [this, &filter, error] {
            std::vector<AuditEntry> entries;
            Statement select = m_impl->prepare(m_impl->dialect.selectAuditEntries(), error);
            if (!select.valid())
                return entries;
            bindInt(select.get(), 1, filter.fromMs);
            bindInt(select.get(), 2, filter.toMs);
            bindText(select.get(), 3, filter.actor);
            bindText(select.get(), 4, filter.action);
            bindText(select.get(), 5, filter.target);
            bindText(select.get(), 6, filter.outcome);
            bindInt(select.get(), 7, filter.limit > 0 ? filter.limit : -1);
            int rc;
            while ((rc = sqlite3_step(select.get())) == SQLITE_ROW)
                entries.push_back(readAuditEntry(select.get()));
            if (rc != SQLITE_DONE)
                setError(error, m_impl->failed("cannot read the audit log"));
            return entries;
        },
        std::vector<AuditEntry>(), error);
}

AuditVerification ControlStore::verifyAudit()
{
    AuditVerification closed;
    closed.problem = "control.db is not open";
    return m_impl->run(
        [this] {
            AuditVerification result = verifyAuditChain(m_impl->db(), m_impl->dialect, m_impl->options.auditMacKey);
            checkAuditHead(
                m_impl->options.auditHeadFile, m_impl->options.auditMacKey, m_impl->db(), m_impl->dialect, &result);
            return result;
        },
        closed, nullptr);
}

AuditVerification verifyAuditFile(
    const QString& controlDbPath, const QByteArray& auditMacKey, const QString& auditHeadFile)
{
    AuditVerification result;
    if (!QFileInfo(controlDbPath).isFile()) {
        result.problem = "no control database at " + controlDbPath.toStdString();
        return result;
    }
    SqliteControlDialect dialect;
    SqliteConnection connection;
    if (!connection.open(controlDbPath, SqliteConnection::Mode::ReadOnly, dialect, false, &result.problem))
        return result;
    result = verifyAuditChain(connection.handle(), dialect, auditMacKey);
    checkAuditHead(auditHeadFile, auditMacKey, connection.handle(), dialect, &result);
    return result;
}

} // namespace spanlight
