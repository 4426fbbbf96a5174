#include "tenantsview.h"

#include "actionrunner.h"
#include "catalogquery.h"
#include "consolecontext.h"
#include "controlruntime.h"
#include "controlstore.h"
#include "sessionguard.h"
#include "spendquery.h"
#include "tenantactionspanel.h"
#include "usersview.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace spanlight {

namespace {

TenantControlSnapshot readControl(ControlRuntime& control)
{
    TenantControlSnapshot snapshot;
    snapshot.nowMs = control.audit().now();
    std::string error;
    ControlStore& store = control.store();
    snapshot.states = store.tenantStates(&error);
    if (error.empty())
        snapshot.keys = store.keys({}, &error);
    for (IngestKeyRecord& key : snapshot.keys)
        key.secretHash.clear(); // the UI shows prefix and last four only
    if (error.empty())
        snapshot.approvals = store.pendingApprovals(snapshot.nowMs, &error);
    snapshot.error = QString::fromStdString(error);
    return snapshot;
}

/// Spend per tenant over the range, and for each paused tenant from its pause to now.
TenantTelemetry readTelemetry(sqlite3* db, const QueryControl& control, const TimeRange& range,
    const std::vector<std::pair<std::string, int64_t>>& paused, int64_t nowMinute)
{
    TenantTelemetry telemetry;
    DictionaryListing names = queryDictionaries(db);
    if (!names.ok()) {
        telemetry.error = names.error;
        return telemetry;
    }
    telemetry.seen = std::move(names.tenants);
    const SpendResult spend = querySpend(db, { range, int(std::max<int64_t>(range.minutes(), 1)), {} }, control);
    if (!spend.ok()) {
        telemetry.error = spend.error;
        return telemetry;
    }
    telemetry.notices = spend.notices;
    for (const SpendSeries& series : spend.byTenant)
        telemetry.inRange[series.name] = series.total;
    for (const auto& [tenant, pausedMs] : paused) {
        // From the minute of the pause: rollups are per minute.
        const TimeRange since { pausedMs / 60000, nowMinute + 1 };
        QueryFilters filters;
        filters.tenant = tenant;
        const SpendResult after
            = querySpend(db, { since, int(std::max<int64_t>(since.minutes(), 1)), filters }, control);
        if (after.ok())
            telemetry.sincePause[tenant] = after.grand;
    }
    return telemetry;
}

/// "over the last 24 h" while live, else "from 23 Nov 09:00 to 23 Nov 10:00".
QString rangeText(const TimeRange& range, bool live)
{
    const int64_t minutes = range.minutes();
    if (live) {
        if (minutes % 1440 == 0 && minutes > 1440)
            return TenantsView::tr("over the last %1 days").arg(minutes / 1440);
        if (minutes % 60 == 0)
            return TenantsView::tr("over the last %1 h").arg(minutes / 60);
        return TenantsView::tr("over the last %1 min").arg(minutes);
    }
    const QString format = QStringLiteral("d MMM HH:mm");
    return TenantsView::tr("from %1 to %2")
        .arg(QDateTime::fromSecsSinceEpoch(range.fromMinute * 60).toString(format),
            QDateTime::fromSecsSinceEpoch(range.toMinute * 60).toString(format));
}

} // namespace

TenantsView::TenantsView(ConsoleContext* context, ActionRunner* runner, SessionGuard* session, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_runner(runner)
    , m_session(session)
    , m_channel("tenants-view:" + std::to_string(reinterpret_cast<quintptr>(this)))
    , m_model(new TenantsModel(this))
    , m_table(new QTableView(this))
    , m_actions(new TenantActionsPanel(runner, session, this))
    , m_users(new UsersView(runner, session, this))
    , m_tabs(new QTabWidget(this))
    , m_summary(new QLabel(this))
{
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(TenantsModel::RawValueRole);
    m_table->setModel(proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TenantsModel::Tenant, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Tenants"));
    m_summary->setWordWrap(true);

    auto* refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setToolTip(tr("Read tenants, keys and spend again (F5)"));
    auto* header = new QHBoxLayout;
    header->addWidget(m_summary, 1);
    header->addWidget(refreshButton);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_actions);
    splitter->setStretchFactor(0, 1);
    splitter->setChildrenCollapsible(false);
    // The panel is sized by its text, not in pixels.
    m_actions->setMinimumWidth(fontMetrics().averageCharWidth() * 42);
    auto* tenantsTab = new QWidget(this);
    auto* tenantsLayout = new QVBoxLayout(tenantsTab);
    tenantsLayout->addLayout(header);
    tenantsLayout->addWidget(splitter, 1);
    m_tabs->addTab(tenantsTab, tr("Tenants"));
    m_tabs->addTab(m_users, tr("Users"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(refreshButton, &QPushButton::clicked, this, &TenantsView::refresh);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TenantsView::selectionChanged);
    connect(m_runner, &ActionRunner::actionPerformed, this, [this] {
        if (isVisible())
            refresh();
        else
            m_stale = true;
    });
    // Telemetry moves on its own (live mode, another range): only the figures are read again.
    const auto telemetryChanged = [this] {
        if (isVisible() && m_controlRead)
            askTelemetry();
        else
            m_stale = true;
    };
    connect(m_context, &ConsoleContext::selectionChanged, this, telemetryChanged);
    connect(m_context, &ConsoleContext::dataChanged, this, [this, telemetryChanged] {
        if (m_context->live())
            telemetryChanged();
    });
    if (m_session)
        connect(m_session, &SessionGuard::sessionChanged, this, &TenantsView::sessionChanged);
    sessionChanged();
}

TenantsView::~TenantsView() = default;

void TenantsView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void TenantsView::sessionChanged()
{
    const Session session = m_session ? m_session->session() : Session();
    // Only admins manage users; the tab would be a wall of disabled buttons for the rest.
    m_tabs->setTabVisible(m_tabs->indexOf(m_users), isAllowed(session.role, Action::ManageUsers));
    m_actions->updateButtons();
}

void TenantsView::refresh()
{
    m_stale = false;
    m_runner->run(this, QString::fromStdString(m_channel), readControl, [this](TenantControlSnapshot snapshot) {
        applyControl(snapshot);
        askTelemetry();
    });
}

void TenantsView::applyControl(const TenantControlSnapshot& snapshot)
{
    const QString selected = selectedTenant();
    m_controlError = snapshot.error;
    m_controlRead = true;
    m_paused.clear();
    for (const TenantState& state : snapshot.states)
        if (state.paused)
            m_paused.emplace_back(state.tenant.toStdString(), state.changedMs);
    m_model->setControl(snapshot);
    m_actions->setApprovals(snapshot.approvals);
    if (!selected.isEmpty())
        selectTenant(selected);
    // States and keys change only through actions: their texts are re-measured here, not per live refresh.
    // Keys is the last column and takes the rest; a long reason is elided (the tooltip has it whole).
    m_table->resizeColumnToContents(TenantsModel::State);
    m_table->setColumnWidth(TenantsModel::State,
        std::min(m_table->columnWidth(TenantsModel::State), m_table->fontMetrics().averageCharWidth() * 45));
    selectionChanged();
    updateSummary();
    emit controlApplied();
}

void TenantsView::askTelemetry()
{
    const auto paused = m_paused;
    const TimeRange range = m_context->range();
    const int64_t nowMinute = QDateTime::currentSecsSinceEpoch() / 60;
    m_context->ask(
        this, m_channel.c_str(),
        [range, paused, nowMinute](
            sqlite3* db, const QueryControl& control) { return readTelemetry(db, control, range, paused, nowMinute); },
        [this](TenantTelemetry telemetry) {
            const QString selected = selectedTenant();
            m_telemetryError = QString::fromStdString(telemetry.error);
            m_model->setTelemetry(telemetry);
            if (!selected.isEmpty())
                selectTenant(selected);
            if (!m_resized && m_model->rowCount() > 0) {
                // Once, not a ResizeToContents header: the figures change with every refresh.
                m_table->resizeColumnsToContents();
                m_resized = true;
            }
            selectionChanged();
            updateSummary();
            emit telemetryApplied();
        });
}

void TenantsView::updateSummary()
{
    int paused = 0;
    for (int row = 0; row < m_model->rowCount(); ++row)
        paused += m_model->rowAt(row)->state.paused ? 1 : 0;
    const TimeRange range = m_context->range();
    QString text = m_model->rowCount() == 0
        ? tr("No tenant yet. Tenants appear when telemetry carrying a tenant arrives, or when an admin creates an "
             "ingest key for one.")
        : tr("Tenants: %1, paused: %2. Spend and requests %3 (the range above; the other filters do not apply "
             "here).")
              .arg(m_model->rowCount())
              .arg(paused)
              .arg(rangeText(range, m_context->live()));
    if (!m_controlError.isEmpty())
        text += QLatin1Char(' ') + tr("control.db cannot be read: %1.").arg(m_controlError);
    if (!m_telemetryError.isEmpty())
        text += QLatin1Char(' ') + tr("Telemetry cannot be read: %1.").arg(m_telemetryError);
    m_summary->setText(text);
}

bool TenantsView::selectTenant(const QString& tenant)
{
    const QAbstractItemModel* proxy = m_table->model();
    for (int row = 0; row < proxy->rowCount(); ++row) {
        if (proxy->index(row, 0).data(TenantsModel::TenantRole).toString() == tenant) {
            m_table->selectRow(row);
            return true;
        }
    }
    return false;
}

QString TenantsView::selectedTenant() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(TenantsModel::TenantRole).toString();
}

void TenantsView::selectionChanged()
{
    const int row = m_model->rowOf(selectedTenant());
    const TenantsModel::Row* tenant = m_model->rowAt(row);
    m_actions->setTenant(tenant ? std::optional<TenantsModel::Row>(*tenant) : std::nullopt);
}

} // namespace spanlight
