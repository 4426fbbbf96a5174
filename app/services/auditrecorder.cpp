#include "auditrecorder.h"

#include "controlstore.h"

#include <QDateTime>
#include <QSysInfo>

namespace spanlight {

Clock systemClock()
{
    return [] { return QDateTime::currentMSecsSinceEpoch(); };
}

AuditRecorder::AuditRecorder(ControlStore& store, Clock clock)
    : m_store(store)
    , m_clock(std::move(clock))
    , m_host(QSysInfo::machineHostName())
{
}

AuditEntry AuditRecorder::entry(const Session& session, const QString& action, const QString& target) const
{
    AuditEntry e;
    e.timeMs = m_clock();
    e.actor = session.user;
    e.role = roleName(session.role);
    e.authMethod = session.authMethod;
    e.stepUpMs = session.lastAuthMs;
    e.action = action;
    e.target = target;
    e.host = m_host;
    e.appVersion = QStringLiteral(SPANLIGHT_VERSION);
    return e;
}

std::optional<int64_t> AuditRecorder::append(AuditEntry entry, QString* error)
{
    std::string why;
    const std::optional<int64_t> seq = m_store.appendAudit(std::move(entry), &why);
    if (!seq && error)
        *error = QString::fromStdString(why);
    return seq;
}

} // namespace spanlight
