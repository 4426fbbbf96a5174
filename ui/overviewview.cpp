#include "overviewview.h"

#include "consolecontext.h"
#include "overviewtile.h"
#include "sparkline.h"

#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QStringList>
#include <QVBoxLayout>
#include <cmath>
#include <functional>

namespace spanlight {

namespace {

const QString kThroughput = QStringLiteral("Throughput");
const QString kErrorRate = QStringLiteral("Error rate");
const QString kP50 = QStringLiteral("p50 latency");
const QString kP95 = QStringLiteral("p95 latency");
const QString kP99 = QStringLiteral("p99 latency");
const QString kSpend = QStringLiteral("Spend per hour");
const QString kTenants = QStringLiteral("Active tenants");
const QString kUnpriced = QStringLiteral("Unpriced models");

QString duration(std::optional<double> ns)
{
    if (!ns)
        return QStringLiteral("–");
    const double ms = *ns / 1e6;
    if (ms < 1)
        return QStringLiteral("%1 µs").arg(*ns / 1e3, 0, 'f', 0);
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', ms < 10 ? 1 : 0);
    if (ms < 120'000)
        return QStringLiteral("%1 s").arg(ms / 1000, 0, 'f', 2);
    return QStringLiteral("%1 min").arg(ms / 60'000, 0, 'f', 1);
}

QString rate(double perSecond)
{
    if (perSecond >= 100)
        return QLocale().toString(perSecond, 'f', 0);
    return QLocale().toString(perSecond, 'f', perSecond >= 10 ? 1 : 2);
}

QString usd(double dollars)
{
    return QStringLiteral("$") + QLocale().toString(dollars, 'f', dollars >= 100 ? 0 : 2);
}

QString count(int64_t n)
{
    return QLocale().toString(qlonglong(n));
}

QString minuteLabel(int64_t minute, bool withDate)
{
    const QDateTime t = QDateTime::fromSecsSinceEpoch(minute * 60);
    return QLocale().toString(t, withDate ? QStringLiteral("d MMM HH:mm") : QStringLiteral("HH:mm"));
}

QString rangeDescription(const OverviewFigures& f, bool live)
{
    const int64_t minutes = f.range.minutes();
    const QString span = minutes >= 2 * 1440 ? QObject::tr("%1 days").arg(minutes / 1440)
        : minutes >= 120                     ? QObject::tr("%1 h").arg(minutes / 60)
                                             : QObject::tr("%1 min").arg(minutes);
    const QString width = f.columnMinutes >= 60 ? QObject::tr("%1 h").arg(f.columnMinutes / 60)
                                                : QObject::tr("%1 min").arg(f.columnMinutes);
    return QObject::tr("%1 to %2 (%3%4) · big numbers cover the whole range · one point per %5")
        .arg(minuteLabel(f.range.fromMinute, true), live ? QObject::tr("now") : minuteLabel(f.range.toMinute, true),
            span, live ? QObject::tr(", live") : QString(), width);
}

} // namespace

OverviewView::OverviewView(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_header(new QLabel(this))
    , m_notices(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    m_header->setForegroundRole(QPalette::Dark);
    layout->addWidget(m_header);
    m_notices->setWordWrap(true);
    m_notices->hide();
    layout->addWidget(m_notices);

    m_grid = new QGridLayout;
    m_grid->setSpacing(10);
    addTile(kThroughput, 0, 0);
    addTile(kErrorRate, 0, 1);
    addTile(kSpend, 0, 2);
    addTile(kTenants, 0, 3);
    addTile(kP50, 1, 0);
    addTile(kP95, 1, 1);
    addTile(kP99, 1, 2);
    addTile(kUnpriced, 1, 3);
    for (int c = 0; c < 4; ++c)
        m_grid->setColumnStretch(c, 1);
    layout->addLayout(m_grid, 1);
    m_tiles[kP50]->sparkline()->setFilled(false);
    m_tiles[kP95]->sparkline()->setFilled(false);
    m_tiles[kP99]->sparkline()->setFilled(false);

    connect(m_context, &ConsoleContext::selectionChanged, this, &OverviewView::refresh);
    connect(m_context, &ConsoleContext::dataChanged, this, &OverviewView::onDataChanged);
    m_clock.setInterval(30'000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        if (m_context->live())
            onDataChanged();
    });
    m_clock.start();
    refresh();
}

OverviewTile* OverviewView::addTile(const QString& caption, int row, int column)
{
    auto* tile = new OverviewTile(caption, this);
    m_grid->addWidget(tile, row, column);
    m_tiles[caption] = tile;
    return tile;
}

OverviewTile* OverviewView::tile(const QString& caption) const
{
    const auto it = m_tiles.find(caption);
    return it == m_tiles.end() ? nullptr : it->second;
}

void OverviewView::refresh()
{
    m_inFlight = true;
    m_again = false;
    m_stale = false;
    const TimeRange range = m_context->range();
    const int columnMinutes = m_context->columnMinutes();
    const QueryFilters filters = m_context->filters();
    const int64_t now = QDateTime::currentSecsSinceEpoch();
    m_context->ask(
        this, "overview",
        [range, columnMinutes, filters, now](sqlite3* db, const QueryControl& control) {
            return queryOverview(db, range, columnMinutes, filters, now, control);
        },
        [this](OverviewFigures figures) { apply(std::move(figures)); });
}

void OverviewView::onDataChanged()
{
    // Hidden pages do not query on every commit; they catch up when shown.
    if (!isVisible()) {
        m_stale = true;
        return;
    }
    if (m_inFlight) {
        m_again = true; // one query at a time: under heavy ingest the page refreshes as fast as reads finish
        return;
    }
    refresh();
}

void OverviewView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!m_stale)
        return;
    if (m_inFlight)
        m_again = true; // the answer on its way predates the data that made this page stale
    else
        refresh();
}

void OverviewView::apply(OverviewFigures f)
{
    m_inFlight = false;
    if (!f.interrupted) // incomplete figures are never shown
        present(std::move(f));
    if (m_again) {
        if (isVisible())
            refresh();
        else
            m_stale = true;
    }
}

void OverviewView::present(OverviewFigures f)
{
    m_figures = std::move(f);
    const OverviewFigures& fig = m_figures;
    const bool live = m_context->live();
    m_header->setText(rangeDescription(fig, live));

    QStringList notices;
    if (!fig.ok())
        notices << tr("Query failed: %1").arg(QString::fromStdString(fig.error));
    for (const std::string& notice : fig.notices)
        notices << QString::fromStdString(notice);
    m_notices->setText(notices.join(QLatin1Char('\n')));
    m_notices->setVisible(!notices.isEmpty());

    const QString from = minuteLabel(fig.range.fromMinute, fig.range.minutes() > 1440);
    const QString to = live ? tr("now") : minuteLabel(fig.range.toMinute, fig.range.minutes() > 1440);
    // Each sparkline with its time range and its highest point, so its height means something.
    const auto plot = [&](OverviewTile* tile, Series series, const std::function<QString(double)>& format) {
        std::optional<double> peak;
        for (const auto& v : series)
            if (v && (!peak || *v > *peak))
                peak = v;
        tile->setAxis(from, to, peak ? tr("peak %1").arg(format(*peak)) : QString());
        tile->setSeries(std::move(series));
    };

    const double seconds = std::max(1.0, fig.seconds);
    OverviewTile* t = m_tiles[kThroughput];
    t->setValue(tr("%1 /s").arg(rate(fig.spans / seconds)));
    t->setDetail(tr("%1 spans · %2 LLM calls/s").arg(count(fig.spans), rate(fig.spend.requests / seconds)));
    plot(t, fig.spanRate, [](double v) { return tr("%1 /s").arg(rate(v)); });

    t = m_tiles[kErrorRate];
    const double errorShare = fig.spans > 0 ? double(fig.errors) / double(fig.spans) : 0;
    t->setValue(fig.spans > 0 ? QStringLiteral("%1 %").arg(errorShare * 100, 0, 'f', 2) : QStringLiteral("–"),
        errorShare >= 0.05 ? OverviewTile::Tone::Error : OverviewTile::Tone::Normal);
    t->setDetail(tr("%1 failed spans").arg(count(fig.errors)));
    Series percent;
    for (const auto& v : fig.errorRate)
        percent.push_back(v ? std::optional<double>(*v * 100) : std::nullopt);
    plot(t, std::move(percent), [](double v) { return QStringLiteral("%1 %").arg(v, 0, 'f', 1); });

    const std::pair<QString, const Series*> latencies[]
        = { { kP50, &fig.p50 }, { kP95, &fig.p95 }, { kP99, &fig.p99 } };
    const std::optional<double> overall[] = { fig.p50Ns, fig.p95Ns, fig.p99Ns };
    for (int i = 0; i < 3; ++i) {
        t = m_tiles[latencies[i].first];
        t->setValue(duration(overall[i]));
        t->setDetail(fig.fromRawSpans ? tr("all spans, from raw spans (prompt filter)") : tr("all spans in range"));
        plot(t, *latencies[i].second, [](double v) { return duration(v); });
    }

    t = m_tiles[kSpend];
    const double dollars = fig.spend.costNanoUsd / 1e9;
    t->setValue(tr("%1 /h").arg(usd(dollars / seconds * 3600)));
    t->setDetail(fig.spendFiltered ? tr("%1 in range").arg(usd(dollars))
                                   : tr("%1 in range · service/prompt filters not applied").arg(usd(dollars)));
    plot(t, fig.spendPerHour, [](double v) { return tr("%1 /h").arg(usd(v)); });

    t = m_tiles[kTenants];
    t->setValue(count(fig.activeTenants));
    t->setDetail(tr("tenants with LLM calls in range"));
    plot(t, fig.tenants, [](double v) { return QLocale().toString(v, 'f', 0); });

    t = m_tiles[kUnpriced];
    QStringList models;
    for (const std::string& model : fig.unpricedModels)
        models << QString::fromStdString(model);
    t->setValue(count(static_cast<int64_t>(models.size())),
        models.isEmpty() ? OverviewTile::Tone::Normal : OverviewTile::Tone::Warning);
    t->setDetail(models.isEmpty() ? tr("every model call matched a price row")
                                  : tr("%1 calls without a price: %2")
                                        .arg(count(fig.spend.unpricedRequests), models.join(QStringLiteral(", "))));
    plot(t, fig.unpriced, [](double v) { return tr("%1 calls").arg(QLocale().toString(v, 'f', 0)); });

    emit resultApplied();
}

} // namespace spanlight
