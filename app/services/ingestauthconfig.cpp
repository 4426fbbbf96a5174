#include "ingestauthconfig.h"

#include "appconfig.h"

#include <QSettings>

namespace spanlight {

namespace {

const QString kModeKey = QStringLiteral("auth/ingest");
const QString kGraceKey = QStringLiteral("auth/key_grace_hours");
constexpr int kMaxGraceHours = 7 * 24;

} // namespace

QString ingestAuthModeName(IngestAuthMode mode)
{
    switch (mode) {
    case IngestAuthMode::Auto:
        return QStringLiteral("auto");
    case IngestAuthMode::On:
        return QStringLiteral("on");
    case IngestAuthMode::Off:
        return QStringLiteral("off");
    }
    return QStringLiteral("auto");
}

std::optional<IngestAuthMode> ingestAuthModeFromName(const QString& name)
{
    for (IngestAuthMode mode : { IngestAuthMode::Auto, IngestAuthMode::On, IngestAuthMode::Off })
        if (name.trimmed().compare(ingestAuthModeName(mode), Qt::CaseInsensitive) == 0)
            return mode;
    return std::nullopt;
}

void readIngestAuthSettings(
    QSettings& ini, const QString& configPath, IngestAuthOptions* options, QStringList* known, QStringList* problems)
{
    *known << kModeKey << kGraceKey;
    if (ini.contains(kModeKey)) {
        const QString value = ini.value(kModeKey).toString();
        if (const auto mode = ingestAuthModeFromName(value))
            options->mode = *mode;
        else
            problems->append(QStringLiteral("%1: %2 must be auto, on or off, not '%3'; using %4")
                                 .arg(configPath, kModeKey, value, ingestAuthModeName(options->mode)));
    }
    if (ini.contains(kGraceKey)) {
        bool ok = false;
        const int hours = ini.value(kGraceKey).toInt(&ok);
        if (ok && hours >= 0 && hours <= kMaxGraceHours)
            options->keyGraceHours = hours;
        else
            problems->append(QStringLiteral("%1: %2 must be a whole number of hours from 0 to %3 (7 days), not '%4'; "
                                            "using %5")
                                 .arg(configPath, kGraceKey)
                                 .arg(kMaxGraceHours)
                                 .arg(ini.value(kGraceKey).toString())
                                 .arg(options->keyGraceHours));
    }
}

QString ingestAuthExampleConfig()
{
    const IngestAuthOptions defaults;
    // No '=' in the comments: QSettings would read such a line as a key.
    return QStringLiteral("\n[auth]\n# whether exporters must send an ingest key (Authorization: Bearer spl_...): "
                          "auto (only when receivers/bind is not loopback), on or off\ningest=%1\n"
                          "# hours a rotated ingest key keeps working beside the new one (0-168)\n"
                          "key_grace_hours=%2\n")
        .arg(ingestAuthModeName(defaults.mode))
        .arg(defaults.keyGraceHours);
}

bool ingestAuthRequired(const IngestAuthOptions& options, const std::string& bindAddress)
{
    switch (options.mode) {
    case IngestAuthMode::On:
        return true;
    case IngestAuthMode::Off:
        return false;
    case IngestAuthMode::Auto:
        break;
    }
    return !isLoopback(bindAddress);
}

QString ingestAuthStartupNotice(const IngestAuthOptions& options, const std::string& bindAddress, size_t activeKeys)
{
    const QString bind = QString::fromStdString(bindAddress);
    if (!ingestAuthRequired(options, bindAddress)) {
        if (isLoopback(bindAddress))
            return {};
        return QStringLiteral("Ingest authentication is off (auth/ingest=off) while the receivers listen on %1: "
                              "anyone who can reach this address can store telemetry under any tenant. Set "
                              "auth/ingest=auto or on, or bind to 127.0.0.1.")
            .arg(bind);
    }
    if (activeKeys > 0)
        return {};
    const QString why = options.mode == IngestAuthMode::Auto
        ? QStringLiteral("because the receivers listen on %1, not only on loopback (auth/ingest=auto)").arg(bind)
        : QStringLiteral("(auth/ingest=on)");
    return QStringLiteral(
        "Ingest authentication is on %1, and no ingest key exists yet: every export will be refused with 401 / "
        "UNAUTHENTICATED until you create one.\n"
        "Create the first key for a tenant from the console's Tenants page, or stop Spanlight (the command needs "
        "the data directory to itself) and run, as an admin user:\n"
        "    spanlight keys create --tenant NAME --user ADMIN --reason \"first ingest key\"\n"
        "The key is shown once. Give it to the tenant's exporters as the header\n"
        "    Authorization: Bearer spl_...\n"
        "(OTEL_EXPORTER_OTLP_HEADERS=\"Authorization=Bearer spl_...\"). Every span, log and metric sent with it is "
        "stored under that tenant.\n"
        "To accept exports without keys instead, set auth/ingest=off in the config file or bind to 127.0.0.1.")
        .arg(why);
}

} // namespace spanlight
