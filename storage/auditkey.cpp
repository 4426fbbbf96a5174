// The HMAC key that seals the audit chain's head. It lives outside control.db,
// so someone who can edit the database cannot re-seal a rewritten log.

#include "auditchain.h"
#include "controlstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spanlight {

namespace {

std::string systemError(const std::string& what, const QString& path)
{
    return what + " " + path.toStdString() + ": " + std::strerror(errno);
}

QByteArray readKey(int fd, const QString& path, std::string* error)
{
    struct stat info
    {
    };
    if (::fstat(fd, &info) != 0) {
        *error = systemError("cannot inspect the audit key file", path);
        return {};
    }
    if (!S_ISREG(info.st_mode)) {
        *error = "the audit key file " + path.toStdString() + " is not a regular file";
        return {};
    }
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        *error = "the audit key file " + path.toStdString() + " is accessible by other users (mode " + mode
            + "); restrict it with: chmod 600 " + path.toStdString();
        return {};
    }
    if (info.st_size != kAuditHashSize) {
        *error = "the audit key file " + path.toStdString() + " holds " + std::to_string(info.st_size)
            + " bytes instead of " + std::to_string(kAuditHashSize) + ": it is damaged or not an audit key";
        return {};
    }
    QByteArray key(kAuditHashSize, '\0');
    qsizetype done = 0;
    while (done < key.size()) {
        const ssize_t n = ::read(fd, key.data() + done, static_cast<size_t>(key.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *error = systemError("cannot read the audit key file", path);
            return {};
        }
        done += n;
    }
    return key;
}

bool writeAll(int fd, const char* data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

} // namespace

QByteArray loadOrCreateAuditKey(const QString& keyFilePath, std::string* error)
{
    std::string ignored;
    std::string& problem = error ? *error : ignored;
    const QByteArray native = QFile::encodeName(keyFilePath);
    for (int attempt = 0; attempt < 2; ++attempt) {
        const int existing = ::open(native.constData(), O_RDONLY | O_CLOEXEC);
        if (existing >= 0) {
            QByteArray key = readKey(existing, keyFilePath, &problem);
            ::close(existing);
            return key;
        }
        if (errno != ENOENT) {
            problem = systemError("cannot open the audit key file", keyFilePath);
            return {};
        }
        const QString dir = QFileInfo(keyFilePath).absolutePath();
        if (!QDir().mkpath(dir)) {
            problem = "cannot create the directory " + dir.toStdString() + " for the audit key";
            return {};
        }
        // Written in full under a private name (O_EXCL, mode 0600: never readable by
        // others), then linked into place: link() is atomic and fails if another
        // process got there first, so nobody ever reads a half-written key.
        const QByteArray temp = native + ".tmp-" + QByteArray::number(::getpid()) + "-"
            + QByteArray::number(QRandomGenerator::system()->generate());
        const int created = ::open(temp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (created < 0) {
            problem = systemError("cannot create the audit key file", keyFilePath);
            return {};
        }
        std::array<quint32, kAuditHashSize / sizeof(quint32)> words {};
        QRandomGenerator::system()->fillRange(words.data(), words.size());
        QByteArray key(reinterpret_cast<const char*>(words.data()), kAuditHashSize);
        const bool written
            = writeAll(created, key.constData(), static_cast<size_t>(key.size())) && ::fsync(created) == 0;
        int savedErrno = errno;
        ::close(created);
        const bool linked = written && ::link(temp.constData(), native.constData()) == 0;
        if (written && !linked)
            savedErrno = errno;
        ::unlink(temp.constData());
        if (written && !linked && savedErrno == EEXIST)
            continue; // another process made the key first: use theirs
        if (!linked) {
            errno = savedErrno;
            problem = systemError(
                written ? "cannot put the audit key file in place" : "cannot write the audit key file", keyFilePath);
            return {};
        }
        return key;
    }
    problem = "the audit key file " + keyFilePath.toStdString() + " keeps appearing and disappearing";
    return {};
}

} // namespace spanlight
