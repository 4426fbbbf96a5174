#include "stepupdialog.h"

#include "actionrunner.h"
#include "controlruntime.h"
#include "palettes.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace spanlight {

StepUpDialog::StepUpDialog(ActionRunner* runner, const Session& session, const QString& actionLabel, QWidget* parent)
    : QDialog(parent)
    , m_runner(runner)
    , m_session(session)
    , m_password(new QLineEdit(this))
    , m_message(new QLabel(this))
{
    setWindowTitle(tr("Confirm it is you"));
    auto* explanation = new QLabel(tr("<b>%1</b> is destructive, and your last password check was a while ago. "
                                      "Enter %2's password again to go on.")
                                       .arg(actionLabel.toHtmlEscaped(), session.user.toHtmlEscaped()),
        this);
    explanation->setWordWrap(true);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, themeError(this->palette()));
    m_message->setPalette(palette);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Confirm"));
    m_ok->setEnabled(false);
    auto* form = new QFormLayout;
    auto* label = new QLabel(tr("&Password:"), this);
    label->setBuddy(m_password);
    form->addRow(label, m_password);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 55);

    connect(
        m_password, &QLineEdit::textEdited, this, [this](const QString& text) { m_ok->setEnabled(!text.isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &StepUpDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_password->setFocus();
}

StepUpDialog::~StepUpDialog() = default;

QString StepUpDialog::message() const
{
    return m_message->text();
}

void StepUpDialog::submit()
{
    if (m_password->text().isEmpty())
        return;
    const QByteArray password = m_password->text().toUtf8();
    m_password->clear();
    m_password->setEnabled(false);
    m_ok->setEnabled(false);
    m_message->setText(tr("Checking the password…"));
    const Session session = m_session;
    m_runner->run(
        this, QString(),
        [session, password](ControlRuntime& control) { return control.auth().reauthenticate(session, password); },
        [this](LoginResult result) {
            m_password->setEnabled(true);
            m_password->setFocus();
            if (!result.ok) {
                const QString& e = result.error;
                m_message->setText(e.isEmpty() ? tr("The password was not accepted.")
                                               : e.at(0).toUpper() + e.mid(1) + QLatin1Char('.'));
                return;
            }
            m_message->clear();
            emit confirmed(result.session);
            accept();
        });
}

} // namespace spanlight
