#include "consolestatusbar.h"

#include "catalogquery.h"
#include "consolecontext.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <numeric>

namespace spanlight {

namespace {

/// What the storage refresh reads on a reader thread.
struct StorageFacts : QueryStatus
{
    RetentionHorizon horizon;
    qint64 databaseBytes = -1; ///< telemetry.db + its WAL; -1 when there is no data dir
};

QString horizonText(const RetentionHorizon& h)
{
    if (!h.ok())
        return QObject::tr("raw spans: unknown");
    if (!h.oldestRawMinute)
        return QObject::tr("no raw spans yet");
    const QDateTime oldest = QDateTime::fromSecsSinceEpoch(*h.oldestRawMinute * 60);
    const bool today = oldest.date() == QDate::currentDate();
    return QObject::tr("raw spans since %1")
        .arg(QLocale().toString(oldest, today ? QStringLiteral("HH:mm") : QStringLiteral("d MMM HH:mm")));
}

} // namespace

ConsoleStatusBar::ConsoleStatusBar(ConsoleContext* context, IngestStatusPage::SnapshotSource snapshots, QWidget* parent)
    : QStatusBar(parent)
    , m_context(context)
    , m_snapshots(std::move(snapshots))
    , m_banner(new QLabel(this))
{
    setSizeGripEnabled(true);
    // The banner must not be missed: demo data is not real data.
    m_banner->setStyleSheet(QStringLiteral(
        "QLabel { background: #8a4b00; color: white; font-weight: bold; padding: 1px 8px; border-radius: 3px; }"));
    m_banner->hide();
    addWidget(m_banner);
    addField(QStringLiteral("endpoints"), tr("Where the collector listens for OTLP"));
    addField(QStringLiteral("rate"), tr("Spans stored per second"));
    addField(QStringLiteral("queue"), tr("Batches waiting for the writer"));
    addField(QStringLiteral("rejected"), tr("Exports refused (queue full, too large, bad data…); see the Ingest page"));
    addField(QStringLiteral("size"), tr("telemetry.db and its write-ahead log"));
    addField(QStringLiteral("horizon"), tr("How far back raw spans go; rollups reach further"));

    m_clock.start();
    m_counterTimer.setInterval(1000);
    connect(&m_counterTimer, &QTimer::timeout, this, &ConsoleStatusBar::refreshCounters);
    m_counterTimer.start();
    m_storageTimer.setInterval(15'000);
    connect(&m_storageTimer, &QTimer::timeout, this, &ConsoleStatusBar::refreshStorage);
    m_storageTimer.start();
    refreshCounters();
    refreshStorage();
}

QLabel* ConsoleStatusBar::addField(const QString& name, const QString& tip)
{
    auto* label = new QLabel(QStringLiteral("–"), this);
    label->setToolTip(tip);
    label->setAccessibleName(name);
    if (name == QLatin1String("endpoints")) {
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        // The endpoints give way first on a narrow window (the tooltip keeps them whole), so the
        // status bar never sets the window's minimum width.
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        addWidget(label, 1);
    } else {
        addPermanentWidget(label);
    }
    m_fields[name] = label;
    return label;
}

void ConsoleStatusBar::setBanner(const QString& text, const QString& tip)
{
    m_banner->setText(text);
    m_banner->setToolTip(tip);
    m_banner->setVisible(!text.isEmpty());
}

QString ConsoleStatusBar::bannerText() const
{
    return m_banner->text();
}

QString ConsoleStatusBar::fieldText(const QString& name) const
{
    const auto it = m_fields.find(name);
    return it == m_fields.end() ? QString() : it->second->text();
}

void ConsoleStatusBar::refreshCounters()
{
    const IngestSnapshot s = m_snapshots();
    m_dataDir = s.dataDir;
    QString endpoints;
    if (!s.httpEndpoint.isEmpty())
        endpoints = tr("OTLP/HTTP %1 · gRPC %2").arg(s.httpEndpoint, s.grpcEndpoint);
    QLabel* where = m_fields[QStringLiteral("endpoints")];
    where->setText(endpoints.isEmpty() ? tr("not listening") : endpoints);
    where->setToolTip(where->text());

    const qint64 nowMs = m_clock.elapsed();
    if (m_lastStored >= 0 && nowMs > m_lastMs) {
        const double perSecond = double(s.writer.spansStored - m_lastStored) * 1000.0 / double(nowMs - m_lastMs);
        m_fields[QStringLiteral("rate")]->setText(tr("%1 spans/s").arg(QLocale().toString(perSecond, 'f', 0)));
    }
    m_lastStored = s.writer.spansStored;
    m_lastMs = nowMs;
    m_fields[QStringLiteral("queue")]->setText(
        tr("queue %1").arg(QLocale().toString(qulonglong(s.writer.queuedItems))));
    const int64_t rejected = std::accumulate(s.rejected.begin(), s.rejected.end(), int64_t(0));
    QLabel* refusals = m_fields[QStringLiteral("rejected")];
    refusals->setText(tr("%1 rejected").arg(QLocale().toString(qlonglong(rejected))));
    refusals->setForegroundRole(rejected > 0 || !s.writer.healthy ? QPalette::BrightText : QPalette::WindowText);
}

void ConsoleStatusBar::refreshStorage()
{
    const QString database = m_dataDir.isEmpty() ? QString() : m_dataDir + QStringLiteral("/telemetry.db");
    m_context->ask(
        this, "statusbar.storage",
        [database](sqlite3* db, const QueryControl&) {
            StorageFacts facts;
            facts.horizon = queryRetentionHorizon(db);
            if (!database.isEmpty()) // file sizes are I/O too: read here, not on the UI thread
                facts.databaseBytes = QFileInfo(database).size() + QFileInfo(database + QStringLiteral("-wal")).size();
            return facts;
        },
        [this](StorageFacts facts) {
            m_fields[QStringLiteral("size")]->setText(facts.databaseBytes < 0
                    ? QStringLiteral("–")
                    : tr("database %1").arg(QLocale().formattedDataSize(facts.databaseBytes, 1)));
            m_fields[QStringLiteral("horizon")]->setText(horizonText(facts.horizon));
            emit storageRefreshed();
        });
}

} // namespace spanlight
