#include "authservice.h"

#include "controlstore.h"

#include <QDateTime>

namespace spanlight {

namespace {
const QString kBadCredentials = QStringLiteral("wrong user name or password");

Session sessionFor(const UserRecord& user, const QString& method, int64_t nowMs)
{
    return Session { user.id, user.name, user.role, method, nowMs, nowMs };
}

/// A session for entries about someone who has not signed in (yet).
Session anonymous(const QString& name, const QString& method)
{
    Session s;
    s.user = name;
    s.authMethod = method;
    return s;
}
} // namespace

AuthService::AuthService(ControlStore& store, AuditRecorder& audit, AuthOptions options, Clock clock)
    : m_store(store)
    , m_audit(audit)
    , m_options(options)
    , m_clock(std::move(clock))
{
}

bool AuthService::hasUsers(QString* error)
{
    std::string why;
    const auto users = m_store.users(&why);
    if (!why.empty() && error)
        *error = QString::fromStdString(why);
    return !users.empty();
}

LoginResult AuthService::createFirstAdmin(const QString& name, const QByteArray& password)
{
    LoginResult result;
    QString error;
    if (hasUsers(&error) || !error.isEmpty()) {
        result.error = error.isEmpty() ? QStringLiteral("users exist already; sign in as an admin to add more") : error;
        return result;
    }
    if (name.trimmed().isEmpty() || name.size() > 64) {
        result.error = QStringLiteral("a user name needs 1 to 64 characters");
        return result;
    }
    if (const QString problem = passwordProblem(name, password); !problem.isEmpty()) {
        result.error = problem;
        return result;
    }
    const int64_t now = m_clock();
    Session actor = anonymous(name, QStringLiteral("bootstrap"));
    actor.role = Role::Admin;
    AuditEntry intent = m_audit.entry(actor, QStringLiteral("users.bootstrap"), name);
    intent.reason = QStringLiteral("first start: the first admin");
    intent.after = QStringLiteral("{\"role\":\"admin\"}");
    const auto intentSeq = m_audit.append(intent, &error);
    if (!intentSeq) {
        result.error = QStringLiteral("the audit log cannot be written (%1); no user was created").arg(error);
        return result;
    }
    UserRecord user;
    user.name = name;
    user.role = Role::Admin;
    user.passwordHash = hashPassword(password, m_options.cost);
    user.createdMs = now;
    user.lastLoginMs = now;
    std::string why;
    const bool added = !user.passwordHash.isEmpty() && m_store.addUser(user, &why);
    if (user.passwordHash.isEmpty())
        why = "cannot hash the password (out of memory for Argon2id)";
    AuditEntry outcome = m_audit.entry(actor, intent.action, name);
    outcome.phase = AuditEntry::Phase::Outcome;
    outcome.intentSeq = *intentSeq;
    outcome.outcome = added ? QStringLiteral("success") : QStringLiteral("failure");
    outcome.error = QString::fromStdString(why);
    m_audit.append(outcome, &error);
    if (!added) {
        result.error = QString::fromStdString(why);
        return result;
    }
    const auto stored = m_store.user(name);
    result.ok = stored.has_value();
    if (stored)
        result.session = sessionFor(*stored, QStringLiteral("bootstrap"), now);
    return result;
}

LoginResult AuthService::fail(const QString& name, const QString& method, const QString& why, const QString& shown)
{
    AuditEntry entry = m_audit.entry(anonymous(name, method), QStringLiteral("auth.login"), name);
    entry.phase = AuditEntry::Phase::Outcome;
    entry.outcome = QStringLiteral("denied");
    entry.error = why;
    QString error;
    m_audit.append(entry, &error); // a failed sign-in changes nothing, so it is refused either way
    LoginResult result;
    result.error = shown;
    return result;
}

LoginResult AuthService::login(const QString& name, const QByteArray& password, const QString& method)
{
    const int64_t now = m_clock();
    std::string why;
    std::optional<UserRecord> user = m_store.user(name, &why);
    if (!why.empty()) {
        LoginResult result;
        result.error = QStringLiteral("cannot read users: %1").arg(QString::fromStdString(why));
        return result;
    }
    if (!user) {
        // Check against a stand-in hash of the same cost, so an unknown name takes as long as a wrong password.
        static const QString standIn = hashPassword("no such user", m_options.cost);
        verifyPassword(standIn, password);
        return fail(name, method, QStringLiteral("no such user"), kBadCredentials);
    }
    if (user->lockedUntilMs > now) {
        const QString until = QDateTime::fromMSecsSinceEpoch(user->lockedUntilMs).toString(QStringLiteral("HH:mm"));
        return fail(name, method, QStringLiteral("locked out"),
            QStringLiteral("too many failed sign-ins: this user is locked until %1").arg(until));
    }
    if (user->disabled)
        return fail(name, method, QStringLiteral("user disabled"), QStringLiteral("this user is disabled"));
    if (!verifyPassword(user->passwordHash, password)) {
        user->failedAttempts += 1;
        QString shown = kBadCredentials;
        QString reason = QStringLiteral("wrong password (%1 in a row)").arg(user->failedAttempts);
        if (user->failedAttempts >= m_options.maxFailedAttempts) {
            user->lockedUntilMs = now + m_options.lockoutMs;
            user->failedAttempts = 0;
            shown = QStringLiteral("too many failed sign-ins: this user is locked for %1 minutes")
                        .arg(m_options.lockoutMs / 60000);
            reason = QStringLiteral("wrong password; locked out until %1").arg(user->lockedUntilMs);
        }
        m_store.updateUser(*user, &why);
        return fail(name, method, reason, shown);
    }
    user->failedAttempts = 0;
    user->lockedUntilMs = 0;
    user->lastLoginMs = now;
    if (passwordNeedsRehash(user->passwordHash, m_options.cost)) {
        // The configured cost grew since this hash was made: upgrade it while we hold the password.
        const QString upgraded = hashPassword(password, m_options.cost);
        if (!upgraded.isEmpty())
            user->passwordHash = upgraded;
    }
    if (!m_store.updateUser(*user, &why)) {
        LoginResult result;
        result.error = QStringLiteral("cannot record the sign-in: %1").arg(QString::fromStdString(why));
        return result;
    }
    LoginResult result;
    result.session = sessionFor(*user, method, now);
    AuditEntry entry = m_audit.entry(result.session, QStringLiteral("auth.login"), name);
    entry.phase = AuditEntry::Phase::Outcome;
    entry.outcome = QStringLiteral("success");
    QString error;
    if (!m_audit.append(entry, &error)) {
        result.error = QStringLiteral("the audit log cannot be written (%1); sign-in refused").arg(error);
        return result;
    }
    result.ok = true;
    return result;
}

LoginResult AuthService::reauthenticate(const Session& session, const QByteArray& password)
{
    LoginResult result = login(session.user, password, session.authMethod);
    if (result.ok)
        result.session.signedInMs = session.signedInMs;
    return result;
}

bool AuthService::stepUpFresh(const Session& session) const
{
    return m_clock() - session.lastAuthMs <= m_options.stepUpAfterMs;
}

} // namespace spanlight
