#pragma once

#include "actionservice.h"

#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <functional>
#include <map>
#include <memory>
#include <type_traits>

namespace spanlight {

class ControlRuntime;

/// What the worker hands back: the result, already bound to the code that applies it.
struct ControlDelivery
{
    std::function<void()> apply;
};

/// Runs everything the console asks of control.db and the action service on
/// ONE worker thread, so sign-in (Argon2id), actions (a webhook with retries)
/// and audit reads never block the UI thread. Jobs reach the worker as queued
/// invocations; results come back by a queued signal carrying the job's
/// ticket. As with ConsoleContext::ask, a result is dropped when its receiver
/// is gone or a newer job of the same channel superseded it. Actions are never
/// superseded: each one's result is delivered.
///
/// \a control must outlive the runner; the destructor waits for the job in
/// progress (a webhook in flight ends with its timeout).
class ActionRunner : public QObject
{
    Q_OBJECT
public:
    using Ticket = quint64;

    explicit ActionRunner(ControlRuntime* control, QObject* parent = nullptr);
    ~ActionRunner() override;

    ControlRuntime* control() const { return m_control; }

    /// Runs \a job (Result(ControlRuntime&)) on the worker; \a apply(Result)
    /// runs later on the UI thread unless \a receiver is gone or a newer job
    /// was submitted on \a channel (an empty channel is never superseded).
    template <typename Job, typename Apply> Ticket run(QObject* receiver, const QString& channel, Job job, Apply apply)
    {
        using Result = std::invoke_result_t<Job&, ControlRuntime&>;
        QPointer<QObject> guard(receiver);
        return submit(
            channel, [job = std::move(job), apply = std::move(apply), guard](ControlRuntime& control) mutable {
                auto result = std::make_shared<Result>(job(control));
                return ControlDelivery { [result, apply, guard]() mutable {
                    if (guard)
                        apply(std::move(*result));
                } };
            });
    }

    /// ActionService::perform for \a session; \a apply runs with its result
    /// and actionPerformed() is emitted whatever the outcome.
    Ticket perform(QObject* receiver, const Session& session, const ActionRequest& request,
        std::function<void(const ActionResult&)> apply);

    /// Jobs submitted and not yet delivered (or dropped).
    int pending() const { return int(m_inFlight.size()); }
    bool isCurrent(Ticket ticket) const;

signals:
    /// An action went through the action service (done, denied or failed):
    /// pages that show control data ask again.
    void actionPerformed(const spanlight::ActionResult& result);

private:
    using Work = std::function<ControlDelivery(ControlRuntime&)>;
    Ticket submit(const QString& channel, Work work);
    void deliver(Ticket ticket, const ControlDelivery& delivery);

    ControlRuntime* m_control;
    QThread m_thread;
    QObject* m_worker; ///< lives on m_thread
    Ticket m_nextTicket = 1;
    std::map<Ticket, QString> m_inFlight; ///< ticket -> channel
    std::map<QString, Ticket> m_latest; ///< channel -> its newest ticket
};

} // namespace spanlight

Q_DECLARE_METATYPE(spanlight::ControlDelivery)
