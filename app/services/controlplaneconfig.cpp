#include "controlplaneconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>

namespace spanlight {

namespace {

/// A secret file is a line of text; anything larger is the wrong file.
constexpr qint64 kMaxSecretFileBytes = 4096;

const QString kUrlKey = QStringLiteral("control_plane/url");
const QString kSecretFileKey = QStringLiteral("control_plane/secret_file");
const QString kTimeoutKey = QStringLiteral("control_plane/timeout_ms");
const QString kAttemptsKey = QStringLiteral("control_plane/max_attempts");

/// An integer knob within [low, high]; otherwise a problem and the default stays.
void readBounded(
    QSettings& ini, const QString& path, const QString& key, int low, int high, int* target, QStringList* problems)
{
    if (!ini.contains(key))
        return;
    bool ok = false;
    const qlonglong value = ini.value(key).toLongLong(&ok);
    if (!ok || value < low || value > high) {
        problems->append(QStringLiteral("%1: %2 must be an integer from %3 to %4, not '%5'; using %6")
                             .arg(path, key, QString::number(low), QString::number(high), ini.value(key).toString(),
                                 QString::number(*target)));
        return;
    }
    *target = static_cast<int>(value);
}

} // namespace

bool readControlPlaneSecret(const QString& path, QByteArray* secret, QString* error)
{
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile()) {
        *error = QStringLiteral("control-plane secret file %1 does not exist").arg(path);
        return false;
    }
    // The secret signs actions on every tenant: other local users must not be able to read or replace it.
    const QFileDevice::Permissions others
        = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther;
    if (info.permissions() & others) {
        *error = QStringLiteral("control-plane secret file %1 can be read or written by other users; "
                                "restrict it with: chmod 600 %1")
                     .arg(path);
        return false;
    }
    if (info.size() > kMaxSecretFileBytes) {
        *error = QStringLiteral("control-plane secret file %1 is larger than %2 bytes; it should hold one line")
                     .arg(path, QString::number(kMaxSecretFileBytes));
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("control-plane secret file %1 cannot be read: %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray content = file.read(kMaxSecretFileBytes).trimmed();
    if (content.size() < kMinControlPlaneSecretBytes) {
        *error = QStringLiteral("control-plane secret in %1 is shorter than %2 bytes; generate one with: "
                                "openssl rand -hex 32")
                     .arg(path, QString::number(kMinControlPlaneSecretBytes));
        return false;
    }
    *secret = content;
    return true;
}

void readControlPlaneSettings(QSettings& ini, const QString& configPath, ControlPlaneOptions* options,
    QString* secretFile, QStringList* known, QStringList* problems)
{
    *known << kUrlKey << kSecretFileKey << kTimeoutKey << kAttemptsKey;
    if (ini.contains(kUrlKey))
        options->baseUrl = ini.value(kUrlKey).toString().trimmed();
    readBounded(ini, configPath, kTimeoutKey, kMinControlPlaneTimeoutMs, kMaxControlPlaneTimeoutMs, &options->timeoutMs,
        problems);
    readBounded(ini, configPath, kAttemptsKey, 1, kMaxControlPlaneAttempts, &options->maxAttempts, problems);
    if (ini.contains(kSecretFileKey)) {
        const QString file = ini.value(kSecretFileKey).toString().trimmed();
        *secretFile = QDir(QFileInfo(configPath).absolutePath()).absoluteFilePath(file);
        QString error;
        if (!readControlPlaneSecret(*secretFile, &options->secret, &error))
            problems->append(QStringLiteral("%1: %2; control-plane actions will fail").arg(configPath, error));
    }
    if (!options->baseUrl.isEmpty() && !ini.contains(kSecretFileKey))
        problems->append(QStringLiteral("%1: %2 is set but %3 is not; control-plane actions will fail")
                             .arg(configPath, kUrlKey, kSecretFileKey));
}

QString controlPlaneExampleConfig()
{
    const ControlPlaneOptions defaults;
    return QStringLiteral("\n[control_plane]\n"
                          "# where pause/resume, key rotation and cache purges are sent (docs/control-plane.md);\n"
                          "# empty: no control plane, those actions are unavailable\nurl=\n"
                          "# file holding the shared HMAC secret (chmod 600; relative to this file)\n"
                          "; secret_file=control-plane.secret\n"
                          "# per attempt, %1-%2 ms\ntimeout_ms=%3\n"
                          "# attempts per action, first included, 1-%4\nmax_attempts=%5\n")
        .arg(QString::number(kMinControlPlaneTimeoutMs), QString::number(kMaxControlPlaneTimeoutMs),
            QString::number(defaults.timeoutMs), QString::number(kMaxControlPlaneAttempts),
            QString::number(defaults.maxAttempts));
}

} // namespace spanlight
