#pragma once

#include "authservice.h"

#include <QString>
#include <QStringList>

class QSettings;

namespace spanlight {

QString defaultAuditKeyFile(); ///< audit.key beside the config file

/// Sign-in and audit settings ([auth] and [audit] in the config file).
struct AccessOptions
{
    AuthOptions auth;
    int idleLockMinutes = 15; ///< the console locks after this long without input; 0: never
    QString auditKeyFile = defaultAuditKeyFile(); ///< HMAC key sealing the audit chain (audit/key_file)
};

/// Reads [auth] password_ops, password_mem_mib, max_failed_logins,
/// lockout_minutes, step_up_minutes, idle_lock_minutes and [audit] key_file over
/// \a options. Values below the safe minimum are refused with a message in
/// \a problems (the default stays). Adds the keys it knows to \a known.
void readAccessSettings(
    QSettings& ini, const QString& configPath, AccessOptions* options, QStringList* known, QStringList* problems);

/// The commented [auth] and [audit] lines of the example config.
QString accessExampleConfig();

} // namespace spanlight
