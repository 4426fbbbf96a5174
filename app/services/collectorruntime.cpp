#include "collectorruntime.h"

#include "collector.h"
#include "controlruntime.h"
#include "ingestauthconfig.h"
#include "keydirectory.h"
#include "pricetable.h"
#include "promptidentity.h"
#include "queryrunner.h"
#include "telemetrywriter.h"

#include <QDir>
#include <QLockFile>

namespace spanlight {

CollectorRuntime::CollectorRuntime(AppConfig config)
    : m_config(std::move(config))
{
}

CollectorRuntime::~CollectorRuntime()
{
    shutdown();
}

bool CollectorRuntime::start(QString* error)
{
    if (!QDir().mkpath(m_config.dataDir)) {
        *error = QStringLiteral("cannot create the data directory %1").arg(m_config.dataDir);
        return false;
    }
    m_lock = std::make_unique<QLockFile>(m_config.dataDir + QStringLiteral("/spanlight.lock"));
    m_lock->setStaleLockTime(0); // a lock whose process is gone is stale at once
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_lock->getLockInfo(&pid, &host, &app);
        *error = QStringLiteral("the data directory %1 is in use by another Spanlight (pid %2 on %3); "
                                "stop it or choose another --data-dir")
                     .arg(m_config.dataDir)
                     .arg(pid)
                     .arg(host);
        m_lock.reset();
        return false;
    }
    std::string message;
    auto prices = PriceTable::load(m_config.pricingFile.toStdString(), &message);
    if (!prices) {
        *error = QStringLiteral("cannot use the price table: %1").arg(QString::fromStdString(message));
        shutdown();
        return false;
    }
    m_config.receivers.genai.prices = prices;
    m_config.writer.path = m_config.dataDir + QStringLiteral("/telemetry.db");
    m_config.writer.promptIdentifier = contentPromptIdentifier(m_config.receivers.genai.captureContent);
    m_writer = std::make_unique<TelemetryWriter>(m_config.writer);
    if (!m_writer->start(&message)) {
        *error = QStringLiteral("cannot open telemetry storage: %1").arg(QString::fromStdString(message));
        m_writer.reset();
        shutdown();
        return false;
    }
    m_queries = std::make_unique<QueryRunner>(QueryRunner::Options { m_config.writer.path, 2 });
    if (!m_queries->start(&message)) {
        *error = QStringLiteral("cannot open telemetry storage for reading: %1").arg(QString::fromStdString(message));
        m_queries.reset();
        shutdown();
        return false;
    }
    // control.db before the receivers: with ingest auth on, keys decide who may send.
    m_control = std::make_unique<ControlRuntime>(m_config);
    if (!m_control->open(m_writer.get(), error)) {
        m_control.reset();
        shutdown();
        return false;
    }
    if (ingestAuthRequired(m_config.ingestAuth, m_config.receivers.bind)) {
        KeyDirectory* keys = &m_control->keys(); // outlives the receivers: shutdown() drains them first
        m_config.receivers.ingestAuth
            = std::shared_ptr<const IngestAuthenticator>(keys, [](const IngestAuthenticator*) {});
    }
    const QString notice
        = ingestAuthStartupNotice(m_config.ingestAuth, m_config.receivers.bind, m_control->keys().activeKeyCount());
    if (!notice.isEmpty())
        m_notices << notice;
    auto collector = std::make_unique<Collector>(*m_writer, m_config.limits);
    if (!collector->start(m_config.receivers, &message)) {
        *error = QString::fromStdString(message);
        collector.reset();
        shutdown();
        return false;
    }
    m_collector = std::move(collector);
    // Spans refer to price rows by id; keep each row's definition beside them.
    std::vector<std::pair<int64_t, std::string>> rows;
    for (const PriceRow& row : prices->rows())
        rows.emplace_back(row.id, row.canonicalJson);
    m_writer->recordPriceRows(std::move(rows));
    return true;
}

void CollectorRuntime::shutdown()
{
    if (m_collector) {
        m_collector->drain();
        m_collector.reset();
    }
    m_control.reset(); // after the receivers (keys), before the writer (purges)
    if (m_queries) {
        m_queries->stop();
        m_queries.reset();
    }
    if (m_writer) {
        m_writer->stop();
        m_writer.reset();
    }
    m_lock.reset();
}

QString CollectorRuntime::httpEndpoint() const
{
    if (!m_collector)
        return {};
    const bool tls = m_config.receivers.httpTls.enabled();
    return QStringLiteral("%1://%2:%3")
        .arg(tls ? QStringLiteral("https") : QStringLiteral("http"), QString::fromStdString(m_config.receivers.bind))
        .arg(m_collector->httpPort());
}

QString CollectorRuntime::grpcEndpoint() const
{
    if (!m_collector)
        return {};
    return QStringLiteral("%1:%2%3")
        .arg(QString::fromStdString(m_config.receivers.bind))
        .arg(m_collector->grpcPort())
        .arg(m_config.receivers.grpcTls.enabled() ? QStringLiteral(" (TLS)") : QString());
}

} // namespace spanlight
