#pragma once

#include "auditrecorder.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace spanlight {

class ActionRunner;

/// Step-up re-authentication (issue 5): a destructive action whose last
/// password check is older than the step-up window asks for the password
/// again. The check runs on the runner's worker; confirmed() carries the
/// refreshed session, with which the caller retries the action once.
class StepUpDialog : public QDialog
{
    Q_OBJECT
public:
    StepUpDialog(ActionRunner* runner, const Session& session, const QString& actionLabel, QWidget* parent = nullptr);
    ~StepUpDialog() override;

    /// What the dialog tells the user right now (e.g. the service's error), plain text.
    QString message() const;

signals:
    void confirmed(const spanlight::Session& session);

private:
    void submit();

    ActionRunner* m_runner;
    Session m_session;
    QLineEdit* m_password;
    QLabel* m_message;
    QPushButton* m_ok;
};

} // namespace spanlight
