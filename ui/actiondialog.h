#pragma once

#include "actionservice.h"

#include <QDialog>
#include <QPointer>
#include <functional>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace spanlight {

class ActionRunner;
class SessionGuard;
class StepUpDialog;

/// One action, from asking to result: the reason (required) and an optional
/// ticket id; for actions that must be typed to confirm, a field where the
/// tenant's name is typed (OK is enabled only on an exact match); the cache
/// purge scope and a rotated key's grace period; then the service's answer.
/// StepUpRequired opens the step-up dialog and retries the action once with
/// the refreshed session. A new ingest key is shown once, selectable, with a
/// Copy button, and forgotten when the dialog closes.
class ActionDialog : public QDialog
{
    Q_OBJECT
public:
    /// Fills the request from extra fields (users: op, role, password; keys: which key).
    /// Returns why it cannot be sent yet, or an empty string.
    using Collect = std::function<QString(ActionRequest* request)>;

    ActionDialog(ActionRunner* runner, SessionGuard* session, ActionRequest request, QWidget* parent = nullptr);
    ~ActionDialog() override;

    /// Replaces the title and the sentence that says what the action does.
    void setDescription(const QString& title, const QString& text);
    /// Adds fields (a row of the form) whose values \a collect puts into the request.
    void addField(const QString& label, QWidget* field, Collect collect = {});
    /// Re-checks whether OK may be pressed (extra fields call it when edited).
    void updateState();

    const ActionRequest& request() const { return m_request; }
    /// The name that has to be typed, empty when the action needs no typing.
    QString confirmationName() const;
    bool canSubmit() const;
    bool busy() const { return m_busy; }
    /// True once the service gave its final answer.
    bool hasResult() const { return m_hasResult; }
    const ActionResult& result() const { return m_result; }
    /// What the dialog says right now, plain text.
    QString message() const;
    /// The new ingest key while it is shown, else empty.
    QString shownSecret() const;
    /// The step-up dialog while it is open (tests drive it), else null.
    StepUpDialog* stepUpDialog() const;

public slots:
    void submit();

signals:
    /// The service's final answer (after a step-up retry, if any).
    void actionFinished(const spanlight::ActionResult& result);

protected:
    void done(int result) override;

private:
    void send();
    void receive(const ActionResult& result);
    void askStepUp();
    void showResult(const ActionResult& result);
    void setMessage(const QString& text, bool error);

    ActionRunner* m_runner;
    QPointer<SessionGuard> m_session;
    ActionRequest m_request;
    const ActionTraits& m_traits;
    std::vector<Collect> m_collectors;
    std::vector<QWidget*> m_inputs; ///< disabled while the action runs and after its answer
    bool m_busy = false;
    bool m_retried = false;
    bool m_hasResult = false;
    ActionResult m_result;
    QPointer<StepUpDialog> m_stepUp;
    QLabel* m_title;
    QLabel* m_description;
    QFormLayout* m_form;
    QLineEdit* m_reason;
    QLineEdit* m_ticket;
    QComboBox* m_scope = nullptr;
    QSpinBox* m_grace = nullptr;
    QLineEdit* m_confirm = nullptr;
    QLabel* m_message;
    QWidget* m_secretBox;
    QLineEdit* m_secret;
    QDialogButtonBox* m_buttons;
    QPushButton* m_ok;
};

/// "Pause tenant acme: the platform stops serving it…": what an action does, in one or two sentences.
QString describeAction(Action action, const QString& target);
/// "operator or admin": the roles the policy allows \a action, for tooltips on disabled buttons.
QString rolesAllowed(Action action);

} // namespace spanlight
