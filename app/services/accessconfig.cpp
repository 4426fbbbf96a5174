#include "accessconfig.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace spanlight {

namespace {

struct IntKey
{
    const char* key;
    qlonglong min, max;
    const char* help;
};

// [auth]: the lower bounds keep Argon2id at or above OWASP's minimum.
const IntKey kIntKeys[] = {
    { "auth/password_ops", 2, 16, "Argon2id passes (t); logins rehash when raised" },
    { "auth/password_mem_mib", 19, 4096, "Argon2id memory in MiB (m); at least 19 (OWASP)" },
    { "auth/max_failed_logins", 1, 100, "failed sign-ins in a row before a lockout" },
    { "auth/lockout_minutes", 1, 1440, "how long a lockout lasts" },
    { "auth/step_up_minutes", 1, 60, "destructive actions ask the password again after this" },
    { "auth/idle_lock_minutes", 0, 1440, "the console locks after this long without input; 0 never" },
};

qlonglong currentValue(const AccessOptions& o, const QString& key)
{
    if (key == QLatin1String("auth/password_ops"))
        return static_cast<qlonglong>(o.auth.cost.opsLimit);
    if (key == QLatin1String("auth/password_mem_mib"))
        return static_cast<qlonglong>(o.auth.cost.memLimitBytes >> 20);
    if (key == QLatin1String("auth/max_failed_logins"))
        return o.auth.maxFailedAttempts;
    if (key == QLatin1String("auth/lockout_minutes"))
        return o.auth.lockoutMs / 60000;
    if (key == QLatin1String("auth/step_up_minutes"))
        return o.auth.stepUpAfterMs / 60000;
    return o.idleLockMinutes;
}

void setValue(AccessOptions* o, const QString& key, qlonglong v)
{
    if (key == QLatin1String("auth/password_ops"))
        o->auth.cost.opsLimit = static_cast<uint64_t>(v);
    else if (key == QLatin1String("auth/password_mem_mib"))
        o->auth.cost.memLimitBytes = static_cast<size_t>(v) << 20;
    else if (key == QLatin1String("auth/max_failed_logins"))
        o->auth.maxFailedAttempts = static_cast<int>(v);
    else if (key == QLatin1String("auth/lockout_minutes"))
        o->auth.lockoutMs = v * 60000;
    else if (key == QLatin1String("auth/step_up_minutes"))
        o->auth.stepUpAfterMs = v * 60000;
    else
        o->idleLockMinutes = static_cast<int>(v);
}

} // namespace

QString defaultAuditKeyFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/spanlight/audit.key");
}

void readAccessSettings(
    QSettings& ini, const QString& configPath, AccessOptions* options, QStringList* known, QStringList* problems)
{
    for (const IntKey& k : kIntKeys) {
        const QString key = QString::fromLatin1(k.key);
        *known << key;
        if (!ini.contains(key))
            continue;
        bool ok = false;
        const qlonglong value = ini.value(key).toLongLong(&ok);
        if (!ok || value < k.min || value > k.max) {
            problems->append(QStringLiteral("%1: %2 must be an integer from %3 to %4, not '%5'; using %6")
                                 .arg(configPath, key)
                                 .arg(k.min)
                                 .arg(k.max)
                                 .arg(ini.value(key).toString())
                                 .arg(currentValue(*options, key)));
            continue;
        }
        setValue(options, key, value);
    }
    const QString keyFile = QStringLiteral("audit/key_file");
    *known << keyFile;
    if (ini.contains(keyFile)) {
        const QString path = ini.value(keyFile).toString();
        options->auditKeyFile
            = QFileInfo(path).isAbsolute() ? path : QFileInfo(configPath).absoluteDir().absoluteFilePath(path);
    }
}

QString accessExampleConfig()
{
    const AccessOptions defaults;
    QString text = QStringLiteral("\n[auth]\n");
    for (const IntKey& k : kIntKeys) {
        const QString key = QString::fromLatin1(k.key);
        text += QStringLiteral("# %1\n%2=%3\n")
                    .arg(QString::fromLatin1(k.help), key.section(QLatin1Char('/'), 1))
                    .arg(currentValue(defaults, key));
    }
    text += QStringLiteral("\n[audit]\n# HMAC key sealing the audit log's head (created 0600 on first start; keep it "
                           "outside the data dir)\n; key_file=%1\n")
                .arg(defaultAuditKeyFile());
    return text;
}

} // namespace spanlight
