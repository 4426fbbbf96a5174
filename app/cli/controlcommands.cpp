#include "controlcommands.h"

#include "controlruntime.h"
#include "controlsession.h"
#include "controlstore.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QTextStream>

namespace spanlight::cli {

namespace {

struct Verb
{
    const char* noun;
    const char* verb;
    const char* arguments; ///< for the usage line
    const char* summary;
};

const Verb kVerbs[] = {
    { "users", "add", "NAME --role ROLE", "add a user (the first user, an admin, needs no --user)" },
    { "users", "list", "", "list users" },
    { "users", "set-role", "NAME --role ROLE", "change a user's role" },
    { "users", "disable", "NAME", "disable a user" },
    { "users", "enable", "NAME", "enable a user" },
    { "users", "passwd", "NAME", "set a user's password (and lift a lockout)" },
    { "keys", "create", "--tenant TENANT", "create an ingest key (shown once)" },
    { "keys", "rotate", "--tenant TENANT [--grace-hours H]", "new key; the old one works for the grace period" },
    { "keys", "revoke", "--id ID", "revoke an ingest key now" },
    { "keys", "list", "[--tenant TENANT]", "list ingest keys (prefix and last 4 only)" },
    { "tenants", "list", "", "paused tenants and budgets" },
    { "tenants", "pause", "TENANT --confirm TENANT", "ask the platform to stop serving a tenant" },
    { "tenants", "resume", "TENANT", "ask the platform to serve a tenant again" },
    { "tenants", "purge-caches", "TENANT --scope prompt_cache|embeddings|all --confirm TENANT", "purge caches" },
    { "tenants", "rotate-api-key", "TENANT --confirm TENANT", "ask the platform to rotate the tenant's API key" },
    { "tenants", "purge-data", "TENANT --confirm TENANT (--request | --run ID)",
        "delete a tenant's telemetry "
        "(two admins)" },
    { "tenants", "approve-purge", "ID", "approve another admin's purge request" },
};

QString usage(const QString& noun)
{
    QString text = QStringLiteral("Usage:\n");
    for (const Verb& v : kVerbs)
        if (noun == QLatin1String(v.noun))
            text += QStringLiteral("  spanlight %1 %2 %3\n      %4\n")
                        .arg(QLatin1String(v.noun), QLatin1String(v.verb), QLatin1String(v.arguments),
                            QLatin1String(v.summary));
    return text
        + QStringLiteral("Common: --user NAME [--password-stdin] --reason TEXT [--ticket ID] [--data-dir DIR] "
                         "[--config FILE]\n");
}

QString timeText(int64_t ms)
{
    return ms == 0 ? QStringLiteral("-")
                   : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

int listUsers(ControlSession& session, QTextStream& out, QTextStream& err)
{
    QString why;
    if (!session.runtime().actions().authorize(session.session(), Action::ManageUsers, QStringLiteral("users"), &why)) {
        err << "spanlight: " << why << "\n";
        return 1;
    }
    for (const UserRecord& u : session.runtime().store().users())
        out << u.name << "\t" << roleName(u.role) << (u.disabled ? "\tdisabled" : "")
            << (u.lockedUntilMs > QDateTime::currentMSecsSinceEpoch() ? "\tlocked" : "") << "\tlast sign-in "
            << timeText(u.lastLoginMs) << "\n";
    return 0;
}

int listKeys(ControlSession& session, const QString& tenant, QTextStream& out, QTextStream& err)
{
    QString why;
    if (!session.runtime().actions().authorize(session.session(), Action::CreateIngestKey, tenant, &why)) {
        err << "spanlight: " << why << "\n";
        return 1;
    }
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    for (const IngestKeyRecord& k : session.runtime().store().keys(tenant)) {
        const QString state = k.revokedMs ? QStringLiteral("revoked %1").arg(timeText(k.revokedMs))
            : !k.activeAt(now)            ? QStringLiteral("expired %1").arg(timeText(k.expiresMs))
            : k.expiresMs                 ? QStringLiteral("valid until %1").arg(timeText(k.expiresMs))
                                          : QStringLiteral("active");
        out << k.id << "\t" << k.tenant << "\t" << k.prefix << "…" << k.last4 << "\t" << state << "\tcreated "
            << timeText(k.createdMs) << " by " << k.createdBy << "\n";
    }
    return 0;
}

int listTenants(ControlSession& session, QTextStream& out)
{
    for (const TenantState& t : session.runtime().store().tenantStates())
        out << t.tenant << "\t" << (t.paused ? "paused" : "active") << "\t" << timeText(t.changedMs) << " by "
            << t.changedBy << "\t" << t.reason << "\n";
    return 0;
}

/// The first admin: no one can sign in yet, so creating it needs no --user.
int bootstrap(
    ControlSession& session, const QCommandLineParser& parser, const QString& name, QTextStream& out, QTextStream& err)
{
    if (parser.value(QStringLiteral("role")) != QStringLiteral("admin")) {
        err << "spanlight: there are no users yet: the first one must be an admin (--role admin)\n";
        return 2;
    }
    const auto password = readPassword(parser, "SPANLIGHT_NEW_PASSWORD", QStringLiteral("new-password-stdin"),
        QStringLiteral("Password for %1: ").arg(name), err);
    if (!password)
        return 1;
    const LoginResult created = session.runtime().auth().createFirstAdmin(name, *password);
    if (!created.ok) {
        err << "spanlight: " << created.error << "\n";
        return 1;
    }
    out << "first admin " << name << " created\n";
    return 0;
}

} // namespace

bool isControlCommand(const QString& noun)
{
    return noun == QStringLiteral("users") || noun == QStringLiteral("keys") || noun == QStringLiteral("tenants")
        || noun == QStringLiteral("audit");
}

int runControlCommand(const QString& noun, const QStringList& words, QTextStream& out, QTextStream& err)
{
    if (noun == QStringLiteral("audit"))
        return runAuditCommand(words, out, err);
    QCommandLineParser parser;
    addCommonOptions(parser);
    addActorOptions(parser);
    parser.addOption(
        { QStringLiteral("role"), QStringLiteral("viewer, operator, admin or auditor."), QStringLiteral("role") });
    parser.addOption(
        { QStringLiteral("new-password-stdin"), QStringLiteral("Read the new user's password from stdin.") });
    parser.addOption({ QStringLiteral("tenant"), QStringLiteral("The tenant."), QStringLiteral("tenant") });
    parser.addOption({ QStringLiteral("id"), QStringLiteral("An ingest key's id."), QStringLiteral("id") });
    parser.addOption({ QStringLiteral("grace-hours"), QStringLiteral("How long a rotated key keeps working (0-168)."),
        QStringLiteral("hours") });
    parser.addOption(
        { QStringLiteral("scope"), QStringLiteral("prompt_cache, embeddings or all."), QStringLiteral("scope") });
    parser.addOption({ QStringLiteral("request"), QStringLiteral("Ask a second admin to approve a purge.") });
    parser.addOption(
        { QStringLiteral("run"), QStringLiteral("Carry out approved purge request ID."), QStringLiteral("id") });
    const QString usageLine = QStringLiteral("spanlight %1 VERB …\n%2").arg(noun, usage(noun));
    if (const auto done = parseCommandWords(parser, words, usageLine, out, err))
        return *done;
    const QStringList positional = parser.positionalArguments();
    const QString verb = positional.value(0);
    const QString object = positional.value(1);
    bool known = false;
    for (const Verb& v : kVerbs)
        known = known || (noun == QLatin1String(v.noun) && verb == QLatin1String(v.verb));
    if (!known)
        return usageError(QStringLiteral("unknown command: %1 %2").arg(noun, verb), usage(noun), err);

    const Location location = resolveLocation(parser);
    for (const QString& warning : location.warnings)
        err << "spanlight: config: " << warning << "\n";
    ControlSession session;
    const bool purge = noun == QStringLiteral("tenants") && verb == QStringLiteral("purge-data");
    if (!session.open(location, purge && parser.isSet(QStringLiteral("run")), err))
        return 1;
    if (noun == QStringLiteral("users") && verb == QStringLiteral("add") && !session.runtime().auth().hasUsers())
        return bootstrap(session, parser, object, out, err);
    if (!session.signIn(parser, err))
        return 1;

    ActionRequest request;
    request.target = object;
    if (noun == QStringLiteral("users")) {
        if (verb == QStringLiteral("list"))
            return listUsers(session, out, err);
        request.action = Action::ManageUsers;
        const QString op = verb == QStringLiteral("passwd") ? QStringLiteral("reset_password")
            : verb == QStringLiteral("set-role")            ? QStringLiteral("set_role")
                                                            : verb;
        request.params.insert(QStringLiteral("op"), op);
        request.params.insert(QStringLiteral("role"), parser.value(QStringLiteral("role")));
        if (op == QStringLiteral("add") || op == QStringLiteral("reset_password")) {
            const auto password = readPassword(parser, "SPANLIGHT_NEW_PASSWORD", QStringLiteral("new-password-stdin"),
                QStringLiteral("New password for %1: ").arg(object), err);
            if (!password)
                return 1;
            request.params.insert(QStringLiteral("password"), QString::fromUtf8(*password));
        }
    } else if (noun == QStringLiteral("keys")) {
        request.target = parser.value(QStringLiteral("tenant"));
        if (verb == QStringLiteral("list"))
            return listKeys(session, request.target, out, err);
        request.action = verb == QStringLiteral("create") ? Action::CreateIngestKey
            : verb == QStringLiteral("rotate")            ? Action::RotateIngestKey
                                                          : Action::RevokeIngestKey;
        if (request.action == Action::RevokeIngestKey)
            request.target = parser.value(QStringLiteral("id"));
        if (parser.isSet(QStringLiteral("grace-hours")))
            request.params.insert(
                QStringLiteral("grace_hours"), parser.value(QStringLiteral("grace-hours")).toDouble());
    } else {
        if (verb == QStringLiteral("list"))
            return listTenants(session, out);
        if (verb == QStringLiteral("pause"))
            request.action = Action::PauseTenant;
        else if (verb == QStringLiteral("resume"))
            request.action = Action::ResumeTenant;
        else if (verb == QStringLiteral("purge-caches")) {
            request.action = Action::PurgeTenantCaches;
            request.params.insert(QStringLiteral("scope"), parser.value(QStringLiteral("scope")));
        } else if (verb == QStringLiteral("rotate-api-key"))
            request.action = Action::RotateTenantApiKey;
        else if (verb == QStringLiteral("approve-purge"))
            request.action = Action::ApproveTenantPurge;
        else if (parser.isSet(QStringLiteral("run"))) {
            request.action = Action::PurgeTenantData;
            request.approvalId = parser.value(QStringLiteral("run")).toLongLong();
        } else if (parser.isSet(QStringLiteral("request")))
            request.action = Action::RequestTenantPurge;
        else
            return usageError(QStringLiteral("purge-data needs --request, or --run ID after a second admin approved"),
                usage(noun), err);
    }
    return session.perform(request, parser, out, err);
}

} // namespace spanlight::cli
