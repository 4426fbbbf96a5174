#pragma once

#include "accessconfig.h"
#include "collector.h"
#include "controlplaneclient.h"
#include "ingestauthconfig.h"
#include "ingestlimits.h"
#include "telemetrywriter.h"

#include <QString>
#include <QStringList>

namespace spanlight {

QString defaultPricingFile();

/// Everything a Spanlight process is configured with: defaults, overridden by
/// the config file, overridden by the command line.
struct AppConfig
{
    QString dataDir; ///< holds telemetry.db and the lock file
    QString pricingFile = defaultPricingFile(); ///< the user's price rows, tried before the built-in table
    ReceiverOptions receivers; ///< ports, TLS, and how spans are read as GenAI calls (genai/*)
    IngestLimits limits;
    WriterOptions writer; ///< path is derived from dataDir at start
    ControlPlaneOptions controlPlane; ///< control_plane/*: where pause, rotate and purge actions go
    AccessOptions access; ///< auth/* and audit/*: sign-in, lockout, step-up, idle lock, audit key
    IngestAuthOptions ingestAuth; ///< auth/ingest, auth/key_grace_hours: ingest keys
    QString controlPlaneSecretFile; ///< control_plane/secret_file, absolute; the secret itself is in controlPlane
};

/// limits/memory_cap_mb: one number for the memory ingest may hold (bodies
/// received, decoded, queued for the writer); the default equals the defaults
/// of the three budgets it sets.
inline constexpr const char* kMemoryCapKey = "limits/memory_cap_mb";
inline constexpr int kDefaultMemoryCapMiB = 1024;
inline constexpr int kMemoryReserveMiB = 128; ///< of the cap, for what does not grow with load
/// Below this the fixed costs and grpc's own connection buffers leave the
/// budgets too little: the overload run peaked at 316 MiB with a 256 MiB cap.
inline constexpr int kMinMemoryCapMiB = 384;
inline constexpr int kMaxMemoryCapMiB = 1 << 20;
void applyIngestMemoryCap(size_t mib, AppConfig* config);

/// Default paths: data in the XDG data dir, config in the XDG config dir.
QString defaultDataDir();
QString defaultConfigFile();
QString defaultPricingFile(); ///< pricing.json beside the config file (docs/pricing.md)

/// Reads an INI config file over \a config. Unknown keys and bad values are
/// reported in \a problems (and leave the default); a missing file is fine.
void loadConfigFile(const QString& path, AppConfig* config, QStringList* problems);

/// Writes a commented example config with every knob and its default.
QString exampleConfig();

/// True when the address only accepts connections from this machine.
bool isLoopback(const std::string& address);

} // namespace spanlight
