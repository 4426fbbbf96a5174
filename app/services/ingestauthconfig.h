#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <string>

class QSettings;

namespace spanlight {

/// auth/ingest: whether exporters must present an ingest key.
enum class IngestAuthMode {
    Auto, ///< off when the receivers listen on loopback only, on otherwise
    On,
    Off,
};

QString ingestAuthModeName(IngestAuthMode mode); ///< "auto", "on", "off"
std::optional<IngestAuthMode> ingestAuthModeFromName(const QString& name);

/// Ingest keys' settings ([auth] in the config file).
struct IngestAuthOptions
{
    IngestAuthMode mode = IngestAuthMode::Auto; ///< auth/ingest
    int keyGraceHours = 24; ///< auth/key_grace_hours: how long a rotated key keeps working (0-168)

    int64_t keyGraceMs() const { return int64_t(keyGraceHours) * 3600 * 1000; }
};

/// Reads auth/ingest and auth/key_grace_hours over \a options; a bad value is
/// reported in \a problems and leaves the default. Adds both keys to \a known.
void readIngestAuthSettings(
    QSettings& ini, const QString& configPath, IngestAuthOptions* options, QStringList* known, QStringList* problems);

/// The commented lines of the example config, with their own [auth] header.
QString ingestAuthExampleConfig();

/// Whether ingest needs a key, from the mode and the receivers' bind address.
bool ingestAuthRequired(const IngestAuthOptions& options, const std::string& bindAddress);

/// What to tell the operator at start, or empty when all is as expected:
/// auth is on, no key is active and so every export would be refused (how to
/// create the first key), or auth was turned off on an address others can
/// reach (anyone there may write any tenant's telemetry).
QString ingestAuthStartupNotice(const IngestAuthOptions& options, const std::string& bindAddress, size_t activeKeys);

} // namespace spanlight
