#pragma once

#include "controlstore.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace spanlight {

class ActionRunner;
class AuditModel;
class SessionGuard;

/// The audit log page (issue 5, item 6): entries newest first with filters
/// (actor, action prefix, outcome, time range), "Verify chain" (OK, or the
/// first bad seq and why) and CSV export. Admins and auditors only; everyone
/// else reads a sentence saying why. Reads run on the control worker.
class AuditView : public QWidget
{
    Q_OBJECT
public:
    AuditView(ActionRunner* runner, SessionGuard* session, QWidget* parent = nullptr);
    ~AuditView() override;

    AuditModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    /// The filter the current list was read with (limit included).
    AuditFilter filter() const;
    /// True when the signed-in role may read the log (the table is shown).
    bool showsLog() const;
    /// The verification verdict shown, plain text (empty before the first check).
    QString verdict() const;

    QLineEdit* actorFilter() const { return m_actor; }
    QComboBox* actionFilter() const { return m_action; }
    QComboBox* outcomeFilter() const { return m_outcome; }
    QComboBox* periodFilter() const { return m_period; }
    /// Newest entries read per refresh (default 1000).
    void setLimit(int limit);

public slots:
    void refresh();
    void verify();
    /// Writes the table as shown (filters, sort order) to \a path as RFC 4180 CSV.
    bool exportCsv(const QString& path, QString* error = nullptr);

signals:
    void entriesApplied();
    void verified(const spanlight::AuditVerification& verification);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void sessionChanged();
    void chooseCsvFile();

    ActionRunner* m_runner;
    QPointer<SessionGuard> m_session;
    AuditModel* m_model;
    QTableView* m_table;
    QStackedWidget* m_pages;
    QLabel* m_denied;
    QLineEdit* m_actor;
    QComboBox* m_action;
    QComboBox* m_outcome;
    QComboBox* m_period;
    QPushButton* m_verify;
    QLabel* m_verdict;
    QLabel* m_summary;
    QTimer m_typing; ///< the actor field asks again once typing pauses
    int m_limit = 1000;
    bool m_stale = true;
    bool m_resized = false;
};

} // namespace spanlight
