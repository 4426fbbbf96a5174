#include "audithead.h"

#include "auditchain.h"
#include "controldialect.h"
#include "controlstore.h"
#include "sqliteconnection.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <sqlite3.h>

namespace spanlight {

namespace {
constexpr char kHeadMagic[] = "spanlight-audit-head-v1";
}

QString auditHeadFileFor(const QString& auditKeyFile, const QString& controlDbPath)
{
    const QByteArray id
        = QCryptographicHash::hash(QFileInfo(controlDbPath).absoluteFilePath().toUtf8(), QCryptographicHash::Sha256)
              .left(8)
              .toHex();
    return QFileInfo(auditKeyFile).absoluteDir().filePath(QStringLiteral("audit-%1.head").arg(QLatin1String(id)));
}

bool writeAuditHead(const QString& path, int64_t seq, const QByteArray& hash, const QByteArray& key, std::string* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = "cannot write the audit head file " + path.toStdString() + ": " + file.errorString().toStdString();
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray line = QByteArray(kHeadMagic) + ' ' + QByteArray::number(static_cast<qlonglong>(seq)) + ' '
        + hash.toHex() + ' ' + auditCheckpointMac(key, seq, hash).toHex() + '\n';
    if (file.write(line) != line.size() || !file.commit()) {
        *error = "cannot write the audit head file " + path.toStdString() + ": " + file.errorString().toStdString();
        return false;
    }
    return true;
}

void checkAuditHead(
    const QString& path, const QByteArray& key, sqlite3* db, const ControlDialect& dialect, AuditVerification* result)
{
    if (!result->ok || path.isEmpty() || !QFileInfo::exists(path))
        return; // a log that never had a head file (or one the caller does not know) is judged by its checkpoints
    const auto fail = [&](int64_t seq, const std::string& problem) {
        result->ok = false;
        result->firstBadSeq = seq;
        result->problem = problem;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(1, "the audit head file " + path.toStdString() + " cannot be read");
    const QList<QByteArray> parts = file.readAll().trimmed().split(' ');
    bool numeric = false;
    const int64_t seq = parts.size() == 4 ? parts[1].toLongLong(&numeric) : 0;
    const QByteArray hash = parts.size() == 4 ? QByteArray::fromHex(parts[2]) : QByteArray();
    if (parts.size() != 4 || parts[0] != kHeadMagic || !numeric || seq < 1 || hash.size() != kAuditHashSize
        || auditCheckpointMac(key, seq, hash) != QByteArray::fromHex(parts[3]))
        return fail(1, "the audit head file " + path.toStdString() + " is damaged or was not sealed with this key");
    const int64_t last = result->entries;
    if (seq > last)
        return fail(last + 1,
            "entries from seq " + std::to_string(last + 1) + " on are missing: the head sealed outside the database ("
                + path.toStdString() + ") says the log reached seq " + std::to_string(seq));
    Statement select(db, dialect.selectAuditHash());
    if (!select.valid())
        return fail(seq, std::string("cannot read control.db: ") + sqlite3_errmsg(db));
    sqlite3_bind_int64(select.get(), 1, seq);
    const bool found = sqlite3_step(select.get()) == SQLITE_ROW;
    const QByteArray stored = found ? QByteArray(static_cast<const char*>(sqlite3_column_blob(select.get(), 0)),
                                  sqlite3_column_bytes(select.get(), 0))
                                    : QByteArray();
    if (stored != hash)
        fail(seq,
            "entry " + std::to_string(seq) + " differs from the head sealed outside the database (" + path.toStdString()
                + "): the log from there on was replaced");
}

} // namespace spanlight
