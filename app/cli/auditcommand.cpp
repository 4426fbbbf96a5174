// `spanlight audit verify` (offline, read-only: works beside a running
// instance) and `spanlight audit list` (signed in, admin or auditor).

#include "audithead.h"
#include "controlcommands.h"
#include "controlruntime.h"
#include "controlsession.h"
#include "controlstore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTextStream>

namespace spanlight::cli {

namespace {

const QString kUsage = QStringLiteral("spanlight audit verify|list [options]");

int verify(const Location& location, QTextStream& out, QTextStream& err)
{
    const QString path = QDir(location.dataDir).filePath(QStringLiteral("control.db"));
    if (!QFileInfo::exists(path)) {
        err << "spanlight: no audit log: " << path << " does not exist\n";
        return 1;
    }
    std::string why;
    const QByteArray key = loadOrCreateAuditKey(location.config.access.auditKeyFile, &why);
    if (key.isEmpty()) {
        err << "spanlight: the audit key " << location.config.access.auditKeyFile
            << " cannot be read: " << QString::fromStdString(why) << "\n";
        return 1;
    }
    QElapsedTimer timer;
    timer.start();
    const AuditVerification result
        = verifyAuditFile(path, key, auditHeadFileFor(location.config.access.auditKeyFile, path));
    if (result.ok) {
        out << "OK: " << result.entries << " audit entries verified (hash chain and sealed head) in " << timer.elapsed()
            << " ms\n";
        return 0;
    }
    out << "FAILED at seq " << result.firstBadSeq << ": " << QString::fromStdString(result.problem) << "\n";
    return 1;
}

int list(const QCommandLineParser& parser, const Location& location, QTextStream& out, QTextStream& err)
{
    QString error;
    const auto format = formatOption(parser, &error);
    if (!format)
        return usageError(error, helpText(parser, kUsage), err);
    ControlSession session;
    if (!session.open(location, false, err) || !session.signIn(parser, err))
        return 1;
    if (!session.runtime().actions().authorize(session.session(), Action::ReadAudit, QStringLiteral("audit"), &error)) {
        err << "spanlight: " << error << "\n";
        return 1;
    }
    AuditFilter filter;
    filter.actor = parser.value(QStringLiteral("actor"));
    filter.action = parser.value(QStringLiteral("action"));
    filter.outcome = parser.value(QStringLiteral("outcome"));
    const auto limit = integerOption(parser, QStringLiteral("limit"), 100, 1, 1000000, &error);
    if (!limit)
        return usageError(error, helpText(parser, kUsage), err);
    filter.limit = static_cast<int>(*limit);
    Report report;
    report.title = QStringLiteral("Audit log, newest first");
    Section entries { QStringLiteral("entries"), {},
        { { QStringLiteral("seq"), QStringLiteral("seq"), Kind::Integer },
            { QStringLiteral("time"), QStringLiteral("time"), Kind::Time },
            { QStringLiteral("actor"), QStringLiteral("actor"), Kind::Text },
            { QStringLiteral("role"), QStringLiteral("role"), Kind::Text },
            { QStringLiteral("action"), QStringLiteral("action"), Kind::Text },
            { QStringLiteral("target"), QStringLiteral("target"), Kind::Text },
            { QStringLiteral("outcome"), QStringLiteral("outcome"), Kind::Text },
            { QStringLiteral("intent_seq"), QStringLiteral("intent"), Kind::Integer },
            { QStringLiteral("reason"), QStringLiteral("reason"), Kind::Text },
            { QStringLiteral("ticket"), QStringLiteral("ticket"), Kind::Text },
            { QStringLiteral("approver"), QStringLiteral("approver"), Kind::Text },
            { QStringLiteral("error"), QStringLiteral("error"), Kind::Text },
            { QStringLiteral("after"), QStringLiteral("after"), Kind::Text, false } },
        {} };
    for (const AuditEntry& e : session.runtime().store().auditEntries(filter))
        entries.rows.push_back({ e.seq, e.timeMs * 1000000, e.actor, e.role, e.action, e.target,
            e.phase == AuditEntry::Phase::Intent ? QStringLiteral("intent") : e.outcome,
            e.intentSeq ? Cell(e.intentSeq) : Cell(), e.reason, e.ticket, e.approver, e.error, e.after });
    report.sections.push_back(std::move(entries));
    writeReport(report, *format, out, err);
    return 0;
}

} // namespace

int runAuditCommand(const QStringList& words, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    addCommonOptions(parser);
    addActorOptions(parser);
    parser.addOption({ QStringLiteral("actor"), QStringLiteral("Only entries by this user."), QStringLiteral("name") });
    parser.addOption({ QStringLiteral("action"), QStringLiteral("Only actions starting with this (tenant., key.)."),
        QStringLiteral("prefix") });
    parser.addOption({ QStringLiteral("outcome"), QStringLiteral("intent, success, failure or denied."),
        QStringLiteral("outcome") });
    parser.addOption(
        { QStringLiteral("limit"), QStringLiteral("At most this many entries (default 100)."), QStringLiteral("n") });
    if (const auto done = parseCommandWords(parser, words, kUsage, out, err))
        return *done;
    const QString verb = parser.positionalArguments().value(0);
    const Location location = resolveLocation(parser);
    if (verb == QStringLiteral("verify"))
        return verify(location, out, err);
    if (verb == QStringLiteral("list"))
        return list(parser, location, out, err);
    return usageError(QStringLiteral("audit needs verify or list"), helpText(parser, kUsage), err);
}

} // namespace spanlight::cli
