#include "ingeststatuspage.h"

#include "servicecountsmodel.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace spanlight {

namespace {

QString number(int64_t value)
{
    return QLocale().toString(qlonglong(value));
}

/// "Queue full" for RejectReason::QueueFull: the caption and the counter's key.
QString rejectLabel(int reason)
{
    QString label = QString::fromLatin1(rejectReasonName(static_cast<RejectReason>(reason)));
    label[0] = label[0].toUpper();
    return label;
}

} // namespace

IngestStatusPage::IngestStatusPage(SnapshotSource source, QWidget* parent)
    : QWidget(parent)
    , m_source(std::move(source))
    , m_timer(new QTimer(this))
    , m_endpoints(new QLabel(this))
    , m_storageWarning(new QLabel(this))
    , m_services(new ServiceCountsModel(this))
    , m_serviceTable(new QTableView(this))
{
    auto* layout = new QVBoxLayout(this);

    // Shown only while commits fail: the one state an engineer must not miss.
    m_storageWarning->setWordWrap(true);
    m_storageWarning->setStyleSheet(
        QStringLiteral("QLabel { background: #b3261e; color: white; padding: 8px; font-weight: bold; }"));
    m_storageWarning->hide();
    layout->addWidget(m_storageWarning);

    auto* listening = new QGroupBox(tr("Listening"), this);
    auto* listeningLayout = new QVBoxLayout(listening);
    m_endpoints->setTextInteractionFlags(Qt::TextSelectableByMouse);
    listeningLayout->addWidget(m_endpoints);
    layout->addWidget(listening);

    auto* counters = new QGroupBox(tr("Ingest"), this);
    auto* grid = new QGridLayout(counters);
    const QString names[] = {
        tr("Requests (HTTP)"),
        tr("Requests (gRPC)"),
        tr("Spans received"),
        tr("Spans stored"),
        tr("Ingest rate"),
        tr("Log records"),
        tr("Metric points"),
        tr("Duplicates dropped"),
        tr("Queue depth"),
        tr("Commit latency"),
        tr("Connections"),
        tr("Attributes truncated"),
    };
    int i = 0;
    for (const QString& name : names) {
        addCounter(grid, i / 4, i % 4, name);
        ++i;
    }
    layout->addWidget(counters);

    auto* rejections = new QGroupBox(tr("Rejected"), this);
    auto* rejectGrid = new QGridLayout(rejections);
    for (int r = 0; r < static_cast<int>(RejectReason::Count); ++r)
        addCounter(rejectGrid, r / 5, r % 5, rejectLabel(r));
    layout->addWidget(rejections);

    m_serviceTable->setModel(m_services);
    m_serviceTable->verticalHeader()->hide();
    m_serviceTable->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_serviceTable->horizontalHeader()->setSectionResizeMode(ServiceCountsModel::Service, QHeaderView::Stretch);
    m_serviceTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_serviceTable->setAlternatingRowColors(true);
    auto* perService = new QGroupBox(tr("Per service"), this);
    auto* serviceLayout = new QVBoxLayout(perService);
    serviceLayout->addWidget(m_serviceTable);
    layout->addWidget(perService, 1);

    m_clock.start();
    connect(m_timer, &QTimer::timeout, this, &IngestStatusPage::refresh);
    m_timer->start(500);
    refresh();
}

QLabel* IngestStatusPage::addCounter(QGridLayout* grid, int row, int column, const QString& name)
{
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(4, 4, 4, 4);
    auto* caption = new QLabel(name, box);
    caption->setStyleSheet(QStringLiteral("color: palette(dark);"));
    auto* value = new QLabel(QStringLiteral("–"), box);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    value->setFont(big);
    value->setAccessibleName(name);
    v->addWidget(caption);
    v->addWidget(value);
    grid->addWidget(box, row, column);
    m_counters[name] = value;
    return value;
}

QString IngestStatusPage::storageWarning() const
{
    return m_storageWarning->isVisible() ? m_storageWarning->text() : QString();
}

QString IngestStatusPage::counterText(const QString& name) const
{
    auto it = m_counters.find(name);
    return it == m_counters.end() ? QString() : it->second->text();
}

void IngestStatusPage::refresh()
{
    const IngestSnapshot s = m_source();
    m_endpoints->setText(tr("OTLP/HTTP  %1/v1/traces · /v1/logs · /v1/metrics\nOTLP/gRPC  %2\nData  %3")
                             .arg(s.httpEndpoint, s.grpcEndpoint, s.dataDir));
    m_storageWarning->setVisible(!s.writer.healthy);
    if (!s.writer.healthy)
        m_storageWarning->setText(tr("Storage unavailable: %1. Exports are answered 503 and exporters retry; "
                                     "ingest resumes by itself when the database can be written again.")
                                      .arg(QString::fromStdString(s.writer.lastError)));
    const auto set = [this](const QString& name, const QString& text) { m_counters[name]->setText(text); };
    set(tr("Requests (HTTP)"), number(s.httpRequests));
    set(tr("Requests (gRPC)"), number(s.grpcRequests));
    set(tr("Spans received"), number(s.spansReceived));
    set(tr("Spans stored"), number(s.writer.spansStored));
    set(tr("Log records"), number(s.writer.logsStored));
    set(tr("Metric points"), number(s.writer.pointsStored));
    set(tr("Duplicates dropped"), number(s.writer.duplicatesDropped));
    set(tr("Queue depth"), tr("%1 items").arg(number(static_cast<int64_t>(s.writer.queuedItems))));
    set(tr("Commit latency"),
        tr("%1 ms (max %2)")
            .arg(QLocale().toString(s.writer.lastCommitMicros / 1000.0, 'f', 1))
            .arg(QLocale().toString(s.writer.maxCommitMicros / 1000.0, 'f', 1)));
    set(tr("Connections"), number(s.openConnections));
    set(tr("Attributes truncated"), number(s.attributesTruncated));

    // A rate over a very short interval (a manual refresh) would be noise:
    // measure over at least most of a timer period.
    const qint64 now = m_clock.elapsed();
    if (m_lastSpans < 0 || now - m_lastMs >= 400) {
        if (m_lastSpans >= 0) {
            const double rate = double(s.writer.spansStored - m_lastSpans) * 1000.0 / double(now - m_lastMs);
            set(tr("Ingest rate"), tr("%1 spans/s").arg(QLocale().toString(rate, 'f', 0)));
        }
        m_lastSpans = s.writer.spansStored;
        m_lastMs = now;
    }

    for (int r = 0; r < static_cast<int>(RejectReason::Count); ++r)
        set(rejectLabel(r), number(s.rejected[static_cast<size_t>(r)]));
    m_services->update(s.writer.perService);
}

} // namespace spanlight
