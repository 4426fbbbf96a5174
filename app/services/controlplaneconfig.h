#pragma once

#include "controlplaneclient.h"

#include <QStringList>

class QSettings;

namespace spanlight {

/// control_plane/max_attempts and control_plane/timeout_ms accept these ranges.
inline constexpr int kMaxControlPlaneAttempts = 10;
inline constexpr int kMinControlPlaneTimeoutMs = 100;
inline constexpr int kMaxControlPlaneTimeoutMs = 600'000;
/// A shorter shared secret is refused: HMAC keys should carry at least 128 bits.
inline constexpr int kMinControlPlaneSecretBytes = 16;

/// Reads the shared secret from \a path: the file's content without surrounding
/// whitespace. Refuses (with a message in \a error) a missing or unreadable file,
/// one that the group or others may read, and a secret shorter than
/// kMinControlPlaneSecretBytes.
bool readControlPlaneSecret(const QString& path, QByteArray* secret, QString* error);

/// Reads the [control_plane] section of an INI config (url, secret_file,
/// timeout_ms, max_attempts) over \a options. A relative secret_file is taken
/// relative to the config file's folder and stored in \a secretFile. Adds the
/// keys it knows to \a known and bad values to \a problems (keeping defaults).
void readControlPlaneSettings(QSettings& ini, const QString& configPath, ControlPlaneOptions* options,
    QString* secretFile, QStringList* known, QStringList* problems);

/// The commented [control_plane] section of the example config.
QString controlPlaneExampleConfig();

} // namespace spanlight
