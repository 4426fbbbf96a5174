#include "appconfig.h"
#include "controlplaneconfig.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QSettings>
#include <QStandardPaths>
#include <algorithm>
#include <variant>

namespace spanlight {

namespace {

/// One config knob: its INI key and the field it sets. A table, so the
/// loader, the example file and the documentation cannot drift apart.
struct Knob
{
    const char* key;
    std::variant<size_t IngestLimits::*, int IngestLimits::*, size_t WriterOptions::*, int WriterOptions::*,
        int64_t RetentionOptions::*>
        field;
    const char* help;
};

const Knob kKnobs[] = {
    { "limits/max_body_bytes", &IngestLimits::maxBodyBytes, "request body after decompression (413 beyond)" },
    { "limits/max_receiving_bytes", &IngestLimits::maxReceivingBytes, "request bodies held at once (429 beyond)" },
    { "limits/max_decoding_bytes", &IngestLimits::maxDecodingBytes, "bodies decoded at once (429 beyond)" },
    { "limits/max_anyvalue_depth", &IngestLimits::maxAnyValueDepth, "attribute value nesting (400 beyond)" },
    { "limits/max_attributes", &IngestLimits::maxAttributesPerItem, "attributes per item (extra dropped, counted)" },
    { "limits/max_attribute_value_bytes", &IngestLimits::maxAttributeValueBytes, "value length (cut, counted)" },
    { "limits/header_timeout_ms", &IngestLimits::headerTimeoutMs, "time allowed for request headers" },
    { "limits/body_timeout_ms", &IngestLimits::bodyTimeoutMs, "time allowed for a request body" },
    { "limits/max_connections", &IngestLimits::maxConnections, "concurrent HTTP connections" },
    { "limits/max_header_bytes", &IngestLimits::maxHeaderBytes, "HTTP header block size (431 beyond)" },
    { "limits/retry_after_seconds", &IngestLimits::retryAfterSeconds, "Retry-After / RetryInfo hint" },
    { "limits/http_threads", &IngestLimits::httpThreads, "HTTP receiver threads" },
    { "storage/max_queued_items", &WriterOptions::maxQueuedItems, "items waiting for the writer (429 beyond)" },
    { "storage/max_queued_bytes", &WriterOptions::maxQueuedBytes, "bytes waiting for the writer (429 beyond)" },
    { "storage/max_items_per_commit", &WriterOptions::maxItemsPerCommit, "group commit size" },
    { "storage/dedup_window", &WriterOptions::dedupWindow, "recent span ids remembered against retries" },
    { "storage/wal_checkpoint_pages", &WriterOptions::walCheckpointPages, "WAL pages before a passive checkpoint" },
    { "storage/wal_restart_pages", &WriterOptions::walRestartPages, "WAL pages before the WAL is restarted" },
    { "retention/raw_max_age_hours", &RetentionOptions::rawMaxAgeHours, "raw spans, logs, points kept this long" },
    { "retention/raw_max_bytes", &RetentionOptions::rawMaxBytes, "database size beyond which oldest raw rows go" },
    { "retention/minute_rollup_days", &RetentionOptions::minuteRollupDays, "minute rollup rows kept" },
    { "retention/rollup_days", &RetentionOptions::rollupDays, "hour and day rollup rows kept" },
    { "retention/step_rows", &RetentionOptions::stepRows, "rows deleted per retention step" },
    { "retention/interval_seconds", &RetentionOptions::intervalSeconds, "seconds between retention rounds; 0 off" },
};

/// The field a knob names, in whichever struct of the config owns it.
template <typename Config, typename T, typename Owner> auto& fieldOf(Config& config, T Owner::*member)
{
    if constexpr (std::is_same_v<Owner, IngestLimits>)
        return config.limits.*member;
    else if constexpr (std::is_same_v<Owner, RetentionOptions>)
        return config.writer.retention.*member;
    else
        return config.writer.*member;
}

const QString kCaptureContentKey = QStringLiteral("genai/capture_content");
const QString kTenantAttributesKey = QStringLiteral("genai/tenant_attributes");

/// genai/capture_content (a boolean) and genai/tenant_attributes (a comma list).
void readGenAi(QSettings& ini, const QString& path, GenAiSettings* genai, QStringList* known, QStringList* problems)
{
    *known << kCaptureContentKey << kTenantAttributesKey;
    if (ini.contains(kCaptureContentKey)) {
        const QString value = ini.value(kCaptureContentKey).toString().trimmed().toLower();
        const QStringList yes { QStringLiteral("true"), QStringLiteral("1"), QStringLiteral("yes"),
            QStringLiteral("on") };
        const QStringList no { QStringLiteral("false"), QStringLiteral("0"), QStringLiteral("no"),
            QStringLiteral("off") };
        if (yes.contains(value) || no.contains(value))
            genai->captureContent = yes.contains(value);
        else
            problems->append(QStringLiteral("%1: %2 must be true or false; content capture stays off")
                                 .arg(path, kCaptureContentKey));
    }
    if (ini.contains(kTenantAttributesKey)) {
        // QSettings reads an unquoted "a,b" as a string list, a quoted one as a string.
        const QVariant value = ini.value(kTenantAttributesKey);
        const QStringList parts = value.typeId() == QMetaType::QStringList ? value.toStringList()
                                                                           : value.toString().split(QLatin1Char(','));
        genai->tenantKeys.clear();
        for (const QString& part : parts)
            if (!part.trimmed().isEmpty())
                genai->tenantKeys.push_back(part.trimmed().toStdString());
    }
}

} // namespace

void applyIngestMemoryCap(size_t mib, AppConfig* config)
{
    // First what does not grow with load (the writer's 64 MiB SQLite cache, the
    // dedup window, code, Qt). Of the rest: a quarter for bodies being
    // received, a sixteenth for bodies being decoded (their objects take about
    // four times that), a quarter for the writer queue, the last quarter for
    // what the queue's estimate misses and what malloc keeps.
    const size_t bytes = (std::max<size_t>(mib, kMemoryReserveMiB) - kMemoryReserveMiB) << 20;
    config->limits.maxReceivingBytes = bytes / 4;
    config->limits.maxDecodingBytes = bytes / 16;
    config->writer.maxQueuedBytes = bytes / 4;
}

QString defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/spanlight");
}

QString defaultConfigFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/spanlight/spanlight.conf");
}

QString defaultPricingFile()
{
    return QFileInfo(defaultConfigFile()).absolutePath() + QStringLiteral("/pricing.json");
}

void loadConfigFile(const QString& path, AppConfig* config, QStringList* problems)
{
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError) {
        problems->append(QStringLiteral("%1: cannot be read as an INI file").arg(path));
        return;
    }
    QStringList known;
    // The cap first: the budgets it derives are defaults the explicit knobs below may still override.
    const QString capKey = QString::fromLatin1(kMemoryCapKey);
    known << capKey;
    if (ini.contains(capKey)) {
        bool ok = false;
        const qlonglong mib = ini.value(capKey).toLongLong(&ok);
        if (ok && mib >= kMinMemoryCapMiB && mib <= kMaxMemoryCapMiB)
            applyIngestMemoryCap(static_cast<size_t>(mib), config);
        else
            problems->append(QStringLiteral("%1: %2 must be a whole number of MiB from %3 to %4, not '%5'; using %6")
                                 .arg(path, capKey)
                                 .arg(kMinMemoryCapMiB)
                                 .arg(kMaxMemoryCapMiB)
                                 .arg(ini.value(capKey).toString())
                                 .arg(kDefaultMemoryCapMiB));
    }
    for (const Knob& knob : kKnobs) {
        const QString key = QString::fromLatin1(knob.key);
        known << key;
        if (!ini.contains(key))
            continue;
        bool ok = false;
        const qlonglong value = ini.value(key).toLongLong(&ok);
        if (!ok || value < 0) {
            problems->append(QStringLiteral("%1: %2 must be a non-negative integer, not '%3'; using the default")
                                 .arg(path, key, ini.value(key).toString()));
            continue;
        }
        std::visit(
            [&](auto member) {
                auto& field = fieldOf(*config, member);
                field = static_cast<std::remove_reference_t<decltype(field)>>(value);
            },
            knob.field);
    }
    const struct
    {
        const char* key;
        std::string* target;
    } strings[] = {
        { "receivers/bind", &config->receivers.bind },
        { "receivers/http_tls_cert", &config->receivers.httpTls.certificate },
        { "receivers/http_tls_key", &config->receivers.httpTls.privateKey },
        { "receivers/grpc_tls_cert", &config->receivers.grpcTls.certificate },
        { "receivers/grpc_tls_key", &config->receivers.grpcTls.privateKey },
    };
    for (const auto& s : strings) {
        known << QString::fromLatin1(s.key);
        if (ini.contains(QString::fromLatin1(s.key)))
            *s.target = ini.value(QString::fromLatin1(s.key)).toString().toStdString();
    }
    const struct
    {
        const char* key;
        uint16_t* target;
    } ports[] = { { "receivers/http_port", &config->receivers.httpPort },
        { "receivers/grpc_port", &config->receivers.grpcPort } };
    for (const auto& p : ports) {
        const QString key = QString::fromLatin1(p.key);
        known << key;
        if (!ini.contains(key))
            continue;
        bool ok = false;
        const int port = ini.value(key).toInt(&ok);
        if (!ok || port < 0 || port > 65535)
            problems->append(
                QStringLiteral("%1: %2 must be a port number (0-65535); using the default").arg(path, key));
        else
            *p.target = static_cast<uint16_t>(port);
    }
    known << QStringLiteral("storage/data_dir") << QStringLiteral("storage/synchronous");
    if (ini.contains(QStringLiteral("storage/data_dir")))
        config->dataDir = ini.value(QStringLiteral("storage/data_dir")).toString();
    if (ini.contains(QStringLiteral("storage/synchronous"))) {
        const QString mode = ini.value(QStringLiteral("storage/synchronous")).toString().toLower();
        if (mode == QStringLiteral("full") || mode == QStringLiteral("normal"))
            config->writer.synchronousFull = mode == QStringLiteral("full");
        else
            problems->append(QStringLiteral("%1: storage/synchronous must be full or normal").arg(path));
    }
    readGenAi(ini, path, &config->receivers.genai, &known, problems);
    readAccessSettings(ini, path, &config->access, &known, problems);
    readIngestAuthSettings(ini, path, &config->ingestAuth, &known, problems);
    readControlPlaneSettings(ini, path, &config->controlPlane, &config->controlPlaneSecretFile, &known, problems);
    for (const QString& key : ini.allKeys())
        if (!known.contains(key))
            problems->append(QStringLiteral("%1: unknown setting '%2' ignored").arg(path, key));
}

QString exampleConfig()
{
    const AppConfig defaults;
    QString text = QStringLiteral("# Spanlight configuration (INI). Every key is optional.\n[receivers]\n"
                                  "bind=127.0.0.1\nhttp_port=4318\ngrpc_port=4317\n"
                                  "; http_tls_cert, http_tls_key, grpc_tls_cert, grpc_tls_key: PEM files for TLS\n");
    // Storage keys that are not numbers, written at the end of their section.
    const QString kStorageExtras
        = QStringLiteral("# full: an answered span survives power loss; normal: faster, survives a crash\n"
                         "synchronous=full\n; data_dir: where telemetry.db lives (default: the XDG data dir)\n");
    QString section;
    for (const Knob& knob : kKnobs) {
        const QString key = QString::fromLatin1(knob.key);
        const QString group = key.section(QLatin1Char('/'), 0, 0);
        if (group != section) {
            if (section == QStringLiteral("storage"))
                text += kStorageExtras;
            section = group;
            text += QStringLiteral("\n[%1]\n").arg(section);
            if (section == QStringLiteral("limits"))
                text += QStringLiteral("# MiB for request bodies, decoding and the writer queue together; sets\n"
                                       "# max_receiving_bytes, max_decoding_bytes and storage/max_queued_bytes\n"
                                       "# (any of them written out below wins)\n%1=%2\n")
                            .arg(QString::fromLatin1(kMemoryCapKey).section(QLatin1Char('/'), 1))
                            .arg(kDefaultMemoryCapMiB);
        }
        const qlonglong value
            = std::visit([&](auto member) { return static_cast<qlonglong>(fieldOf(defaults, member)); }, knob.field);
        text += QStringLiteral("# %1\n%2=%3\n")
                    .arg(QString::fromLatin1(knob.help), key.section(QLatin1Char('/'), 1))
                    .arg(value);
    }
    if (section == QStringLiteral("storage"))
        text += kStorageExtras;
    QStringList tenantKeys;
    for (const std::string& key : defaults.receivers.genai.tenantKeys)
        tenantKeys << QString::fromStdString(key);
    text += QStringLiteral("\n[genai]\n# keep one example text per prompt (prompts may hold personal data)\n"
                           "capture_content=%1\n"
                           "# resource, then span attributes naming the tenant (first present wins; an ingest key "
                           "overrides them)\ntenant_attributes=%2\n")
                .arg(defaults.receivers.genai.captureContent ? QStringLiteral("true") : QStringLiteral("false"),
                    tenantKeys.join(QLatin1Char(',')));
    text += accessExampleConfig();
    text += ingestAuthExampleConfig();
    text += controlPlaneExampleConfig();
    return text;
}

bool isLoopback(const std::string& address)
{
    const QHostAddress host(QString::fromStdString(address));
    return host.isLoopback();
}

} // namespace spanlight
