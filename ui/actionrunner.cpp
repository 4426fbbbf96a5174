#include "actionrunner.h"

#include "controlruntime.h"

namespace spanlight {

namespace {

/// The object living on the worker thread: runs a job, then hands the result
/// back through a signal, which the queued connection carries to the UI thread.
class ActionWorker : public QObject
{
    Q_OBJECT
public:
    void execute(ActionRunner::Ticket ticket, ControlRuntime* control,
        const std::function<ControlDelivery(ControlRuntime&)>& work)
    {
        emit done(ticket, work(*control));
    }

signals:
    void done(quint64 ticket, const spanlight::ControlDelivery& delivery);
};

} // namespace

ActionRunner::ActionRunner(ControlRuntime* control, QObject* parent)
    : QObject(parent)
    , m_control(control)
    , m_worker(new ActionWorker)
{
    qRegisterMetaType<ControlDelivery>();
    m_thread.setObjectName(QStringLiteral("spanlight-control"));
    m_worker->moveToThread(&m_thread);
    connect(
        static_cast<ActionWorker*>(m_worker), &ActionWorker::done, this, &ActionRunner::deliver, Qt::QueuedConnection);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

ActionRunner::~ActionRunner()
{
    // Jobs still queued are dropped with the worker's event queue; the running one finishes.
    m_thread.quit();
    m_thread.wait();
}

ActionRunner::Ticket ActionRunner::submit(const QString& channel, Work work)
{
    const Ticket ticket = m_nextTicket++;
    m_inFlight.emplace(ticket, channel);
    if (!channel.isEmpty())
        m_latest[channel] = ticket;
    auto* worker = static_cast<ActionWorker*>(m_worker);
    ControlRuntime* control = m_control;
    QMetaObject::invokeMethod(
        worker, [worker, ticket, control, work = std::move(work)] { worker->execute(ticket, control, work); },
        Qt::QueuedConnection);
    return ticket;
}

bool ActionRunner::isCurrent(Ticket ticket) const
{
    const auto job = m_inFlight.find(ticket);
    if (job == m_inFlight.end())
        return false;
    if (job->second.isEmpty())
        return true;
    const auto latest = m_latest.find(job->second);
    return latest != m_latest.end() && latest->second == ticket;
}

void ActionRunner::deliver(Ticket ticket, const ControlDelivery& delivery)
{
    const bool current = isCurrent(ticket);
    const auto job = m_inFlight.find(ticket);
    if (job == m_inFlight.end())
        return;
    const QString channel = job->second;
    m_inFlight.erase(job);
    if (current && !channel.isEmpty())
        m_latest.erase(channel);
    if (current)
        delivery.apply();
}

ActionRunner::Ticket ActionRunner::perform(QObject* receiver, const Session& session, const ActionRequest& request,
    std::function<void(const ActionResult&)> apply)
{
    QPointer<QObject> guard(receiver);
    return run(
        this, QString(),
        [session, request](ControlRuntime& control) { return control.actions().perform(session, request); },
        [this, guard, apply = std::move(apply)](ActionResult result) {
            if (guard && apply)
                apply(result);
            emit actionPerformed(result);
        });
}

} // namespace spanlight

#include "actionrunner.moc"
