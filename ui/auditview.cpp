#include "auditview.h"

#include "actiondialog.h"
#include "actionrunner.h"
#include "auditmodel.h"
#include "controlruntime.h"
#include "palettes.h"
#include "sessionguard.h"
#include "spendformat.h"
#include "tablecsv.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace spanlight {

namespace {

struct AuditPage
{
    std::vector<AuditEntry> entries;
    QString error;
};

constexpr int64_t kHourMs = 3600 * 1000;

} // namespace

AuditView::AuditView(ActionRunner* runner, SessionGuard* session, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_session(session)
    , m_model(new AuditModel(this))
    , m_table(new QTableView(this))
    , m_pages(new QStackedWidget(this))
    , m_denied(new QLabel(this))
    , m_actor(new QLineEdit(this))
    , m_action(new QComboBox(this))
    , m_outcome(new QComboBox(this))
    , m_period(new QComboBox(this))
    , m_verify(new QPushButton(tr("&Verify chain"), this))
    , m_verdict(new QLabel(this))
    , m_summary(new QLabel(this))
{
    m_actor->setObjectName(QStringLiteral("actor"));
    m_actor->setPlaceholderText(tr("any actor"));
    m_actor->setClearButtonEnabled(true);
    m_action->setObjectName(QStringLiteral("action"));
    m_action->setEditable(true);
    m_action->setInsertPolicy(QComboBox::NoInsert);
    m_action->lineEdit()->setPlaceholderText(tr("any action"));
    m_action->setToolTip(tr("An action name or its beginning: “tenant.” matches every tenant action"));
    for (const char* prefix : { "", "tenant.", "tenant.pause", "tenant.purge_data", "key.", "users.", "auth." })
        m_action->addItem(QLatin1String(prefix));
    m_outcome->setObjectName(QStringLiteral("outcome"));
    m_outcome->addItem(tr("any outcome"), QString());
    for (const char* outcome : { "intent", "success", "failure", "denied" })
        m_outcome->addItem(QLatin1String(outcome), QLatin1String(outcome));
    m_period->setObjectName(QStringLiteral("period"));
    m_period->addItem(tr("all time"), qlonglong(0));
    m_period->addItem(tr("last hour"), qlonglong(kHourMs));
    m_period->addItem(tr("last 24 hours"), qlonglong(24 * kHourMs));
    m_period->addItem(tr("last 7 days"), qlonglong(7 * 24 * kHourMs));
    m_period->addItem(tr("last 30 days"), qlonglong(30 * 24 * kHourMs));

    auto* csv = new QPushButton(tr("Export CSV…"), this);
    csv->setToolTip(tr("Save the entries shown as a CSV file (Ctrl+E)"));
    auto* refreshButton = new QPushButton(tr("Refresh"), this);
    m_verify->setToolTip(tr("Check every entry's hash, the links between entries and the sealed chain head"));
    auto* filters = new QHBoxLayout;
    for (const auto& [label, field] : { std::pair<QString, QWidget*> { tr("A&ctor:"), m_actor },
             { tr("Ac&tion:"), m_action }, { tr("&Outcome:"), m_outcome }, { tr("&When:"), m_period } }) {
        auto* l = new QLabel(label, this);
        l->setBuddy(field);
        filters->addWidget(l);
        filters->addWidget(field, field == m_actor || field == m_action ? 1 : 0);
    }
    filters->addWidget(refreshButton);
    filters->addWidget(csv);
    auto* verifyRow = new QHBoxLayout;
    verifyRow->addWidget(m_verify);
    verifyRow->addWidget(m_verdict, 1);
    m_verdict->setObjectName(QStringLiteral("verdict"));
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(AuditModel::RawValueRole);
    m_table->setModel(proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(AuditModel::Seq, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Audit log"));

    auto* logPage = new QWidget(this);
    auto* logLayout = new QVBoxLayout(logPage);
    logLayout->addLayout(filters);
    logLayout->addLayout(verifyRow);
    logLayout->addWidget(m_summary);
    logLayout->addWidget(m_table, 1);
    m_denied->setAlignment(Qt::AlignCenter);
    m_denied->setWordWrap(true);
    m_denied->setTextFormat(Qt::PlainText);
    m_denied->setObjectName(QStringLiteral("denied"));
    m_pages->addWidget(logPage);
    m_pages->addWidget(m_denied);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    m_typing.setSingleShot(true);
    m_typing.setInterval(300);
    connect(&m_typing, &QTimer::timeout, this, &AuditView::refresh);
    connect(m_actor, &QLineEdit::textChanged, &m_typing, qOverload<>(&QTimer::start));
    connect(m_action, &QComboBox::currentTextChanged, &m_typing, qOverload<>(&QTimer::start));
    connect(m_outcome, &QComboBox::currentIndexChanged, this, &AuditView::refresh);
    connect(m_period, &QComboBox::currentIndexChanged, this, &AuditView::refresh);
    connect(refreshButton, &QPushButton::clicked, this, &AuditView::refresh);
    connect(m_verify, &QPushButton::clicked, this, &AuditView::verify);
    connect(csv, &QPushButton::clicked, this, &AuditView::chooseCsvFile);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_E), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &AuditView::chooseCsvFile);
    // An action anywhere in the console adds entries.
    connect(m_runner, &ActionRunner::actionPerformed, this, [this] {
        if (isVisible())
            refresh();
        else
            m_stale = true;
    });
    if (m_session)
        connect(m_session, &SessionGuard::sessionChanged, this, &AuditView::sessionChanged);
    sessionChanged();
}

AuditView::~AuditView() = default;

void AuditView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

bool AuditView::showsLog() const
{
    return m_session && isAllowed(m_session->session().role, Action::ReadAudit);
}

void AuditView::sessionChanged()
{
    const Session session = m_session ? m_session->session() : Session();
    if (!showsLog()) {
        m_model->setEntries({}); // a role change must not leave entries readable
        m_denied->setText(tr("The audit log is for the %1 roles. You are signed in as %2 (%3): ask an admin or an "
                             "auditor, or use “spanlight audit” on the server.")
                              .arg(rolesAllowed(Action::ReadAudit), session.user, roleName(session.role)));
        m_pages->setCurrentWidget(m_denied);
        return;
    }
    m_pages->setCurrentIndex(0);
    m_verify->setEnabled(isAllowed(session.role, Action::VerifyAudit));
    m_stale = true;
    if (isVisible())
        refresh();
}

void AuditView::setLimit(int limit)
{
    m_limit = std::max(1, limit);
}

AuditFilter AuditView::filter() const
{
    AuditFilter filter;
    filter.actor = m_actor->text().trimmed();
    filter.action = m_action->currentText().trimmed();
    filter.outcome = m_outcome->currentData().toString();
    filter.limit = m_limit;
    return filter;
}

QString AuditView::verdict() const
{
    return m_verdict->text();
}

void AuditView::refresh()
{
    m_stale = false;
    if (!showsLog())
        return;
    m_typing.stop();
    const AuditFilter base = filter();
    const int64_t periodMs = m_period->currentData().toLongLong();
    m_runner->run(
        this, QStringLiteral("audit-view:%1").arg(quintptr(this)),
        [base, periodMs](ControlRuntime& control) {
            AuditFilter filter = base;
            if (periodMs > 0)
                filter.fromMs = control.audit().now() - periodMs; // the control clock: the one entries carry
            AuditPage page;
            std::string error;
            page.entries = control.store().auditEntries(filter, &error);
            page.error = QString::fromStdString(error);
            return page;
        },
        [this](AuditPage page) {
            if (!showsLog())
                return; // the role changed while the read ran
            m_model->setEntries(std::move(page.entries));
            if (!page.error.isEmpty())
                m_summary->setText(tr("The audit log cannot be read: %1").arg(page.error));
            else if (m_model->rowCount() >= m_limit)
                m_summary->setText(
                    tr("The newest %1 entries; narrow the filters to see older ones.").arg(formatCount(m_limit)));
            else
                m_summary->setText(tr("Entries: %1, newest first. Hover an entry for its details.")
                                       .arg(formatCount(m_model->rowCount())));
            if (!m_resized && m_model->rowCount() > 0) {
                m_table->resizeColumnsToContents(); // once there are rows, not per refresh
                m_resized = true;
            }
            emit entriesApplied();
        });
}

void AuditView::verify()
{
    if (!showsLog())
        return;
    m_verify->setEnabled(false);
    m_verdict->setText(tr("Verifying…"));
    m_runner->run(
        this, QStringLiteral("audit-verify:%1").arg(quintptr(this)),
        [](ControlRuntime& control) { return control.store().verifyAudit(); },
        [this](AuditVerification result) {
            m_verify->setEnabled(true);
            QPalette palette = m_verdict->palette();
            palette.setColor(
                QPalette::WindowText, result.ok ? themeAccent(this->palette()) : themeError(this->palette()));
            m_verdict->setPalette(palette);
            m_verdict->setText(result.ok ? tr("OK: the chain of %1 entries is intact and its sealed head matches.")
                                               .arg(formatCount(result.entries))
                                         : tr("Broken at seq %1: %2. Entries before it are intact.")
                                               .arg(result.firstBadSeq)
                                               .arg(QString::fromStdString(result.problem)));
            emit verified(result);
        });
}

bool AuditView::exportCsv(const QString& path, QString* error)
{
    return writeTableCsv(*m_table->model(), path, error); // the proxy: rows as sorted on screen
}

void AuditView::chooseCsvFile()
{
    if (!showsLog())
        return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the audit log as CSV"), QStringLiteral("audit.csv"), tr("CSV files (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export failed"), tr("The CSV file could not be written: %1").arg(error));
}

} // namespace spanlight
