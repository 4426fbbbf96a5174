#include "controlruntime.h"

#include "appconfig.h"
#include "audithead.h"
#include "controlplaneclient.h"
#include "controlstore.h"
#include "keydirectory.h"
#include "telemetrywriter.h"
#include "tenantpurge.h"

#include <QDir>

namespace spanlight {

struct ControlRuntime::Config
{
    QString dataDir;
    AccessOptions access;
    ControlPlaneOptions controlPlane;
    int64_t keyGraceMs;
};

ControlRuntime::ControlRuntime(const AppConfig& config, Clock clock)
    : m_config(std::make_unique<Config>(
        Config { config.dataDir, config.access, config.controlPlane, config.ingestAuth.keyGraceMs() }))
    , m_clock(std::move(clock))
{
}

ControlRuntime::~ControlRuntime()
{
    m_actions.reset();
    m_keys.reset();
    m_auth.reset();
    m_audit.reset();
    if (m_store)
        m_store->close();
}

QString ControlRuntime::controlDbPath() const
{
    return QDir(m_config->dataDir).filePath(QStringLiteral("control.db"));
}

bool ControlRuntime::open(TelemetryWriter* telemetry, QString* error)
{
    std::string why;
    const QByteArray key = loadOrCreateAuditKey(m_config->access.auditKeyFile, &why);
    if (key.isEmpty()) {
        *error = QStringLiteral("the audit key %1 cannot be used: %2 (audit/key_file)")
                     .arg(m_config->access.auditKeyFile, QString::fromStdString(why));
        return false;
    }
    QDir().mkpath(m_config->dataDir);
    m_store = std::make_unique<ControlStore>();
    if (!m_store->open(
            { controlDbPath(), key, auditHeadFileFor(m_config->access.auditKeyFile, controlDbPath()) }, &why)) {
        *error = QStringLiteral("cannot open %1: %2").arg(controlDbPath(), QString::fromStdString(why));
        m_store.reset();
        return false;
    }
    m_audit = std::make_unique<AuditRecorder>(*m_store, m_clock);
    m_auth = std::make_unique<AuthService>(*m_store, *m_audit, m_config->access.auth, m_clock);
    m_keys = std::make_unique<KeyDirectory>(*m_store, m_clock);
    if (!m_keys->reload(&why)) {
        *error = QStringLiteral("cannot read the ingest keys: %1").arg(QString::fromStdString(why));
        return false;
    }

    m_telemetry = telemetry;
    makeActionService();
    return true;
}

void ControlRuntime::useControlPlane(const ControlPlaneOptions& options)
{
    m_config->controlPlane = options;
    makeActionService();
}

void ControlRuntime::makeActionService()
{
    ActionEffects effects;
    if (!m_config->controlPlane.baseUrl.isEmpty()) {
        auto client = std::make_shared<ControlPlaneClient>(m_config->controlPlane);
        effects.controlPlane = [client](const ControlPlaneRequest& request) { return client->deliver(request); };
    }
    if (TelemetryWriter* telemetry = m_telemetry) {
        effects.purgeTelemetry = [telemetry](const QString& tenant, QJsonObject* counts, QString* failure) {
            const TenantPurgeReport report = telemetry->purgeTenant(tenant.toStdString()).get();
            for (const auto& [table, rows] : report.deletedRows)
                counts->insert(QString::fromStdString(table), static_cast<qint64>(rows));
            if (!report.ok)
                *failure = QString::fromStdString(report.error);
            return report.ok;
        };
    }
    KeyDirectory* keys = m_keys.get();
    effects.keysChanged = [keys] { keys->reload(nullptr); };
    effects.keyGraceMs = m_config->keyGraceMs;
    m_actions = std::make_unique<ActionService>(*m_store, *m_auth, *m_audit, std::move(effects));
}

} // namespace spanlight
