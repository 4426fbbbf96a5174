#include "actiondialog.h"

#include "actionrunner.h"
#include "palettes.h"
#include "sessionguard.h"
#include "stepupdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace spanlight {

namespace {

/// The service speaks in lower-case clauses; the dialog shows sentences.
QString sentence(const QString& text)
{
    if (text.isEmpty())
        return text;
    QString s = text.at(0).toUpper() + text.mid(1);
    if (!s.endsWith(QLatin1Char('.')))
        s += QLatin1Char('.');
    return s;
}

} // namespace

QString rolesAllowed(Action action)
{
    QStringList roles;
    for (Role role : { Role::Viewer, Role::Operator, Role::Admin, Role::Auditor })
        if (isAllowed(role, action))
            roles << roleName(role);
    if (roles.size() <= 1)
        return roles.join(QString());
    const QString last = roles.takeLast();
    return roles.join(QStringLiteral(", ")) + QObject::tr(" or ") + last;
}

QString describeAction(Action action, const QString& target)
{
    const QString t = QStringLiteral("<b>%1</b>").arg(target.toHtmlEscaped());
    switch (action) {
    case Action::PauseTenant:
        return QObject::tr("The platform stops serving %1. Its telemetry keeps arriving here, so you can watch the "
                           "pause take effect on this page.")
            .arg(t);
    case Action::ResumeTenant:
        return QObject::tr("The platform serves %1 again.").arg(t);
    case Action::PurgeTenantCaches:
        return QObject::tr("The platform drops the caches of %1. Until they warm up again its requests are slower "
                           "and cost more.")
            .arg(t);
    case Action::RotateTenantApiKey:
        return QObject::tr("The platform issues %1 a new API key; the tenant's clients need the new one.").arg(t);
    case Action::RequestTenantPurge:
        return QObject::tr("Asks a second admin to approve deleting every stored telemetry row of %1. The approval "
                           "holds for 30 minutes; the audit log keeps the record and the row counts.")
            .arg(t);
    case Action::ApproveTenantPurge:
        return QObject::tr("Approves purge request %1, made by another admin. Once approved, it can be run within "
                           "30 minutes of the request.")
            .arg(t);
    case Action::PurgeTenantData:
        return QObject::tr("Deletes every stored span, log and rollup row of %1 now. This cannot be undone.").arg(t);
    case Action::CreateIngestKey:
        return QObject::tr("Creates an ingest key for %1. Exporters sending with it are stored as %1. The key is "
                           "shown once.")
            .arg(t);
    case Action::RotateIngestKey:
        return QObject::tr("Creates a new ingest key for %1; its current key keeps working for the grace period, then "
                           "stops. The new key is shown once.")
            .arg(t);
    case Action::RevokeIngestKey:
        return QObject::tr("The key stops working at once: exporters using it get 401 Unauthorized.");
    case Action::ManageUsers:
        return QObject::tr("Changes user %1.").arg(t);
    case Action::ReadTelemetry:
    case Action::ReadAudit:
    case Action::VerifyAudit:
        break;
    }
    return {};
}

ActionDialog::ActionDialog(ActionRunner* runner, SessionGuard* session, ActionRequest request, QWidget* parent)
    : QDialog(parent)
    , m_runner(runner)
    , m_session(session)
    , m_request(std::move(request))
    , m_traits(traitsOf(m_request.action))
    , m_title(new QLabel(this))
    , m_description(new QLabel(this))
    , m_form(new QFormLayout)
    , m_reason(new QLineEdit(this))
    , m_ticket(new QLineEdit(this))
    , m_message(new QLabel(this))
    , m_secretBox(new QWidget(this))
    , m_secret(new QLineEdit(m_secretBox))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_ok(m_buttons->button(QDialogButtonBox::Ok))
{
    const QString label = QLatin1String(m_traits.label);
    setWindowTitle(label);
    setDescription(
        QStringLiteral("%1 — %2").arg(label, m_request.target), describeAction(m_request.action, m_request.target));
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::RichText);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_reason->setObjectName(QStringLiteral("reason"));
    m_reason->setPlaceholderText(tr("Required: why, in a sentence (kept in the audit log)"));
    m_reason->setMaxLength(500);
    m_ticket->setObjectName(QStringLiteral("ticket"));
    m_ticket->setPlaceholderText(tr("Optional, e.g. INC-1234"));
    m_ticket->setMaxLength(100);
    m_form->addRow(tr("&Reason:"), m_reason);
    m_form->addRow(tr("&Ticket:"), m_ticket);
    if (m_request.action == Action::PurgeTenantCaches) {
        m_scope = new QComboBox(this);
        m_scope->setObjectName(QStringLiteral("scope"));
        m_scope->addItem(tr("Prompt cache"), QStringLiteral("prompt_cache"));
        m_scope->addItem(tr("Embeddings"), QStringLiteral("embeddings"));
        m_scope->addItem(tr("All caches"), QStringLiteral("all"));
        m_scope->setCurrentIndex(2);
        m_form->addRow(tr("&Scope:"), m_scope);
    }
    if (m_request.action == Action::RotateIngestKey) {
        m_grace = new QSpinBox(this);
        m_grace->setObjectName(QStringLiteral("graceHours"));
        m_grace->setRange(0, 7 * 24); // the service's bounds: 0 to 7 days
        m_grace->setValue(24);
        m_grace->setSuffix(tr(" h"));
        m_grace->setToolTip(tr("How long the current key keeps working (0–168 hours)"));
        m_form->addRow(tr("&Grace period:"), m_grace);
    }
    if (m_traits.typeToConfirm) {
        m_confirm = new QLineEdit(this);
        m_confirm->setObjectName(QStringLiteral("confirm"));
        m_confirm->setPlaceholderText(m_request.target);
        auto* confirmLabel = new QLabel(tr("Type <b>%1</b> to confirm:").arg(m_request.target.toHtmlEscaped()), this);
        confirmLabel->setBuddy(m_confirm);
        m_form->addRow(confirmLabel, m_confirm);
        connect(m_confirm, &QLineEdit::textChanged, this, &ActionDialog::updateState);
    }
    connect(m_reason, &QLineEdit::textChanged, this, &ActionDialog::updateState);
    for (QWidget* input : std::initializer_list<QWidget*> { m_reason, m_ticket, m_scope, m_grace, m_confirm })
        if (input)
            m_inputs.push_back(input);

    // The new key, shown once: selectable, copyable, and gone when the dialog closes.
    m_secret->setObjectName(QStringLiteral("secret"));
    m_secret->setReadOnly(true);
    m_secret->setFont(QFont(QStringLiteral("monospace")));
    auto* copy = new QPushButton(tr("&Copy"), m_secretBox);
    copy->setObjectName(QStringLiteral("copySecret"));
    auto* note = new QLabel(tr("<b>Copy this key now.</b> Spanlight keeps only its hash: you will not see it again. "
                               "Exporters send it as <tt>Authorization: Bearer &lt;key&gt;</tt>."),
        m_secretBox);
    note->setWordWrap(true);
    auto* secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(copy);
    auto* secretColumn = new QVBoxLayout(m_secretBox);
    secretColumn->setContentsMargins(0, 0, 0, 0);
    secretColumn->addLayout(secretRow);
    secretColumn->addWidget(note);
    m_secretBox->hide();
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_secret->text()); });

    m_ok->setText(label);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_description);
    layout->addLayout(m_form);
    layout->addWidget(m_message);
    layout->addWidget(m_secretBox);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 70);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ActionDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_reason->setFocus();
    updateState();
}

ActionDialog::~ActionDialog() = default;

StepUpDialog* ActionDialog::stepUpDialog() const
{
    return m_stepUp;
}

void ActionDialog::setDescription(const QString& title, const QString& text)
{
    m_title->setText(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
    m_description->setText(text);
}

void ActionDialog::addField(const QString& label, QWidget* field, Collect collect)
{
    // Above the confirmation, which stays the last thing typed.
    if (m_confirm)
        m_form->insertRow(m_form->rowCount() - 1, label, field);
    else
        m_form->addRow(label, field);
    m_inputs.push_back(field);
    if (collect)
        m_collectors.push_back(std::move(collect));
    updateState();
}

QString ActionDialog::confirmationName() const
{
    return m_confirm ? m_request.target : QString();
}

bool ActionDialog::canSubmit() const
{
    return m_ok->isEnabled();
}

QString ActionDialog::message() const
{
    return m_message->text();
}

QString ActionDialog::shownSecret() const
{
    return m_secretBox->isVisible() ? m_secret->text() : QString();
}

void ActionDialog::setMessage(const QString& text, bool error)
{
    QPalette palette = m_message->palette();
    palette.setColor(
        QPalette::WindowText, error ? themeError(this->palette()) : this->palette().color(QPalette::WindowText));
    m_message->setPalette(palette);
    m_message->setText(text);
}

void ActionDialog::updateState()
{
    const bool editable = !m_busy && !m_hasResult;
    for (QWidget* field : m_inputs)
        field->setEnabled(editable);
    QString problem;
    if (m_reason->text().trimmed().isEmpty())
        problem = tr("A reason is required.");
    ActionRequest probe = m_request;
    for (const Collect& collect : m_collectors)
        if (const QString p = collect(&probe); problem.isEmpty() && !p.isEmpty())
            problem = p;
    const bool confirmed = !m_confirm || m_confirm->text() == m_request.target;
    m_ok->setEnabled(editable && problem.isEmpty() && confirmed);
    if (editable)
        setMessage(problem, false);
}

void ActionDialog::submit()
{
    if (!canSubmit())
        return;
    m_request.reason = m_reason->text().trimmed();
    m_request.ticket = m_ticket->text().trimmed();
    if (m_confirm)
        m_request.confirmation = m_confirm->text();
    if (m_scope)
        m_request.params.insert(QStringLiteral("scope"), m_scope->currentData().toString());
    if (m_grace)
        m_request.params.insert(QStringLiteral("grace_hours"), m_grace->value());
    for (const Collect& collect : m_collectors)
        collect(&m_request);
    m_retried = false;
    send();
}

void ActionDialog::send()
{
    if (!m_session)
        return;
    m_busy = true;
    updateState();
    setMessage(tr("Working…"), false);
    m_runner->perform(this, m_session->session(), m_request, [this](const ActionResult& result) { receive(result); });
}

void ActionDialog::receive(const ActionResult& result)
{
    m_busy = false;
    switch (result.status) {
    case ActionResult::Status::StepUpRequired:
        if (!m_retried) {
            updateState();
            askStepUp();
            return;
        }
        break;
    case ActionResult::Status::Invalid:
    case ActionResult::Status::ConfirmationRequired:
        // Nothing happened: the user may correct the request and send it again.
        updateState();
        setMessage(sentence(result.message), true);
        return;
    default:
        break;
    }
    showResult(result);
}

void ActionDialog::askStepUp()
{
    m_stepUp = new StepUpDialog(m_runner, m_session->session(), QLatin1String(m_traits.label), this);
    m_stepUp->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_stepUp, &StepUpDialog::confirmed, this, [this](const Session& refreshed) {
        if (m_session)
            m_session->setSession(refreshed);
        m_retried = true; // once: a second StepUpRequired is shown as the answer
        send();
    });
    connect(m_stepUp, &QDialog::rejected, this,
        [this] { setMessage(tr("Not done: the password was not confirmed."), true); });
    setMessage(tr("Confirm your password to go on."), false);
    m_stepUp->open();
}

void ActionDialog::showResult(const ActionResult& result)
{
    m_hasResult = true;
    m_result = result;
    m_result.secret.clear(); // lives only in the field below, until the dialog closes
    updateState();
    QString text = sentence(result.message);
    if (result.intentSeq || result.outcomeSeq) {
        text += QLatin1Char(' ')
            + (result.intentSeq ? tr("Audit log: intent #%1, outcome #%2.").arg(result.intentSeq).arg(result.outcomeSeq)
                                : tr("Audit log: entry #%1.").arg(result.outcomeSeq));
    }
    setMessage(text, !result.ok());
    if (!result.secret.isEmpty()) {
        m_secret->setText(result.secret);
        // Wide enough to show the whole key: people check what they copied.
        const QFontMetrics metrics(m_secret->font());
        m_secret->setMinimumWidth(metrics.horizontalAdvance(result.secret) + metrics.averageCharWidth() * 2);
        m_secretBox->show();
        m_secret->selectAll();
        m_secret->setFocus();
    }
    m_ok->hide();
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
    layout()->activate();
    adjustSize(); // room for the answer and the key, wrapped
    emit actionFinished(m_result);
}

void ActionDialog::done(int result)
{
    m_secret->clear();
    QDialog::done(result);
}

} // namespace spanlight
