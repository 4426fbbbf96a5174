// `spanlight users|keys|tenants|audit` in-process against real files: the
// first admin, sign-in, the role policy and its audited denials, keys shown
// once, audit verification catching an edit, and refusal while an instance runs.

#include "cli.h"

#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <gtest/gtest.h>
#include <set>
#include <sqlite3.h>
#include <vector>

using namespace spanlight;

namespace {

struct CliResult
{
    int code = -1;
    QString out, err;
};

class ControlCli : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        QFile config(dir.filePath(QStringLiteral("spanlight.conf")));
        ASSERT_TRUE(config.open(QIODevice::WriteOnly));
        config.write("[auth]\npassword_mem_mib=19\n[audit]\nkey_file=audit.key\n");
        config.close();
        qputenv("SPANLIGHT_NEW_PASSWORD", "the first admin's password");
        qunsetenv("SPANLIGHT_PASSWORD");
        ASSERT_EQ(run({ "users", "add", "ada", "--role", "admin" }).code, 0);
    }
    void TearDown() override
    {
        qunsetenv("SPANLIGHT_NEW_PASSWORD");
        qunsetenv("SPANLIGHT_PASSWORD");
    }

    CliResult run(std::initializer_list<const char*> words)
    {
        QStringList arguments { QStringLiteral("spanlight") };
        for (const char* word : words)
            arguments << QString::fromUtf8(word);
        arguments << QStringLiteral("--data-dir") << dir.filePath(QStringLiteral("data")) << QStringLiteral("--config")
                  << dir.filePath(QStringLiteral("spanlight.conf"));
        CliResult result;
        QTextStream out(&result.out), err(&result.err);
        result.code = cli::runCli(arguments, out, err, 0);
        return result;
    }
    CliResult as(const char* password, std::initializer_list<const char*> words)
    {
        qputenv("SPANLIGHT_PASSWORD", password);
        return run(words);
    }
    /// Runs \a sql on control.db as someone with file access would: the
    /// append-only triggers dropped first.
    void tamper(const char* sql)
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(controlDb().toUtf8().constData(), &db), SQLITE_OK);
        sqlite3_stmt* triggers = nullptr;
        sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'", -1, &triggers, nullptr);
        std::vector<std::string> names;
        while (sqlite3_step(triggers) == SQLITE_ROW)
            names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(triggers, 0)));
        sqlite3_finalize(triggers);
        for (const std::string& name : names)
            sqlite3_exec(db, ("DROP TRIGGER \"" + name + "\"").c_str(), nullptr, nullptr, nullptr);
        char* message = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &message), SQLITE_OK) << (message ? message : "");
        sqlite3_free(message);
        sqlite3_close(db);
    }
    QString controlDb() const { return dir.filePath(QStringLiteral("data/control.db")); }

    QTemporaryDir dir;
};

TEST_F(ControlCli, FirstAdminThenUsersWithTheirRoles)
{
    const CliResult again = run({ "users", "add", "eve", "--role", "admin" });
    EXPECT_NE(again.code, 0); // users exist: signing in is required now
    EXPECT_TRUE(again.err.contains(QStringLiteral("--user"))) << again.err.toStdString();

    qputenv("SPANLIGHT_NEW_PASSWORD", "viewer password 123");
    const CliResult added = as("the first admin's password",
        { "users", "add", "vic", "--role", "viewer", "--user", "ada", "--reason", "new on-call engineer" });
    ASSERT_EQ(added.code, 0) << added.err.toStdString();
    const CliResult listed = as("the first admin's password", { "users", "list", "--user", "ada" });
    EXPECT_TRUE(listed.out.contains(QStringLiteral("vic\tviewer"))) << listed.out.toStdString();

    const CliResult wrong = as("not the password", { "users", "list", "--user", "ada" });
    EXPECT_EQ(wrong.code, 1);
    EXPECT_TRUE(wrong.err.contains(QStringLiteral("wrong user name or password"))) << wrong.err.toStdString();
}

TEST_F(ControlCli, AViewerIsDeniedAndTheDenialIsAudited)
{
    qputenv("SPANLIGHT_NEW_PASSWORD", "viewer password 123");
    ASSERT_EQ(as("the first admin's password",
                  { "users", "add", "vic", "--role", "viewer", "--user", "ada", "--reason", "on-call" })
                  .code,
        0);
    const CliResult denied = as("viewer password 123",
        { "tenants", "pause", "acme", "--confirm", "acme", "--user", "vic", "--reason", "runaway spend" });
    EXPECT_EQ(denied.code, 1);
    EXPECT_TRUE(denied.err.contains(QStringLiteral("denied: the viewer role may not pause tenant")))
        << denied.err.toStdString();
    const CliResult logged = as(
        "the first admin's password", { "audit", "list", "--user", "ada", "--outcome", "denied", "--format", "csv" });
    ASSERT_EQ(logged.code, 0) << logged.err.toStdString();
    EXPECT_TRUE(logged.out.contains(QStringLiteral("vic,viewer,tenant.pause,acme,denied"))) << logged.out.toStdString();

    const CliResult auditByViewer = as("viewer password 123", { "audit", "list", "--user", "vic" });
    EXPECT_EQ(auditByViewer.code, 1);
}

TEST_F(ControlCli, EveryRoleTimesEveryCommandIsEnforcedAndAudited)
{
    struct Person
    {
        const char* name;
        const char* role;
        const char* password;
    };
    const Person people[] = { { "vic", "viewer", "viewer password 1" }, { "otto", "operator", "operator password 1" },
        { "aud", "auditor", "auditor password 1" }, { "ann", "admin", "second admin password" } };
    for (const Person& p : people) {
        qputenv("SPANLIGHT_NEW_PASSWORD", p.password);
        ASSERT_EQ(as("the first admin's password",
                      { "users", "add", p.name, "--role", p.role, "--user", "ada", "--reason", "team" })
                      .code,
            0);
    }
    qputenv("SPANLIGHT_NEW_PASSWORD", "a new user's password");
    struct Command
    {
        std::vector<const char*> words;
        const char* action; ///< audit name
        std::set<std::string> roles; ///< who may (the issue's roles, written out here)
    };
    const std::vector<Command> commands = {
        { { "tenants", "pause", "acme", "--confirm", "acme" }, "tenant.pause", { "operator", "admin" } },
        { { "tenants", "resume", "acme" }, "tenant.resume", { "operator", "admin" } },
        { { "tenants", "purge-caches", "acme", "--scope", "all", "--confirm", "acme" }, "tenant.purge_caches",
            { "operator", "admin" } },
        { { "tenants", "rotate-api-key", "acme", "--confirm", "acme" }, "tenant.rotate_api_key", { "admin" } },
        { { "tenants", "purge-data", "acme", "--confirm", "acme", "--request" }, "tenant.purge_data.request",
            { "admin" } },
        { { "keys", "create", "--tenant", "globex" }, "key.create", { "admin" } },
        { { "users", "add", "newcomer", "--role", "viewer" }, "users.manage", { "admin" } },
    };
    for (const Person& p : people) {
        for (const Command& c : commands) {
            SCOPED_TRACE(std::string(p.name) + " × " + c.action);
            std::vector<const char*> words = c.words;
            for (const char* extra : { "--user", p.name, "--reason", "matrix" })
                words.push_back(extra);
            qputenv("SPANLIGHT_PASSWORD", p.password);
            QStringList arguments { QStringLiteral("spanlight") };
            for (const char* word : words)
                arguments << QString::fromUtf8(word);
            arguments << QStringLiteral("--data-dir") << dir.filePath(QStringLiteral("data"))
                      << QStringLiteral("--config") << dir.filePath(QStringLiteral("spanlight.conf"));
            CliResult result;
            QTextStream out(&result.out), err(&result.err);
            result.code = cli::runCli(arguments, out, err, 0);
            const bool allowed = c.roles.count(p.role) > 0;
            const CliResult last = as("the first admin's password",
                { "audit", "list", "--user", "ada", "--limit", "3", "--actor", p.name, "--format", "csv" });
            ASSERT_EQ(last.code, 0) << last.err.toStdString();
            const QString newest = last.out.section(QLatin1Char('\n'), 1, 1); // below the CSV header
            EXPECT_TRUE(newest.contains(QStringLiteral(",%1,%2,").arg(QLatin1String(p.role), QLatin1String(c.action))))
                << newest.toStdString();
            if (allowed) {
                EXPECT_FALSE(result.err.contains(QStringLiteral("denied"))) << result.err.toStdString();
                EXPECT_FALSE(newest.contains(QStringLiteral(",denied,"))) << newest.toStdString();
            } else {
                EXPECT_EQ(result.code, 1);
                EXPECT_TRUE(result.err.contains(QStringLiteral("denied: the %1 role").arg(QLatin1String(p.role))))
                    << result.err.toStdString();
                EXPECT_TRUE(newest.contains(QStringLiteral(",denied,"))) << newest.toStdString();
            }
        }
    }
}

TEST_F(ControlCli, KeysAreShownOnceAndListedByPrefix)
{
    const CliResult created = as("the first admin's password",
        { "keys", "create", "--tenant", "acme", "--user", "ada", "--reason", "new exporter" });
    ASSERT_EQ(created.code, 0) << created.err.toStdString();
    const qsizetype at = created.out.indexOf(QStringLiteral("key: spl_"));
    ASSERT_GE(at, 0) << created.out.toStdString();
    const QString key = created.out.mid(at + 5).section(QLatin1Char('\n'), 0, 0);
    const CliResult listed = as("the first admin's password", { "keys", "list", "--user", "ada" });
    EXPECT_TRUE(listed.out.contains(key.left(8) + QStringLiteral("…") + key.right(4))) << listed.out.toStdString();
    EXPECT_FALSE(listed.out.contains(key));
    QFile db(controlDb());
    ASSERT_TRUE(db.open(QIODevice::ReadOnly));
    EXPECT_FALSE(db.readAll().contains(key.toUtf8()));
}

TEST_F(ControlCli, ControlPlaneActionsFailClearlyWithoutAControlPlane)
{
    const CliResult paused = as("the first admin's password",
        { "tenants", "pause", "acme", "--confirm", "acme", "--user", "ada", "--reason", "runaway spend" });
    EXPECT_EQ(paused.code, 1);
    EXPECT_TRUE(paused.err.contains(QStringLiteral("control_plane/url"))) << paused.err.toStdString();
    const CliResult unconfirmed = as(
        "the first admin's password", { "tenants", "pause", "acme", "--user", "ada", "--reason", "runaway spend" });
    EXPECT_EQ(unconfirmed.code, 2);
    EXPECT_TRUE(unconfirmed.err.contains(QStringLiteral("--confirm acme"))) << unconfirmed.err.toStdString();
}

TEST_F(ControlCli, AuditVerifyFindsAnEditedEntry)
{
    ASSERT_EQ(as("the first admin's password", { "users", "list", "--user", "ada" }).code, 0);
    const CliResult ok = run({ "audit", "verify" });
    ASSERT_EQ(ok.code, 0) << ok.err.toStdString();
    EXPECT_TRUE(ok.out.startsWith(QStringLiteral("OK: 3 audit entries"))) << ok.out.toStdString();

    // Someone with file access drops the append-only triggers and rewrites seq 2's reason.
    tamper("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2");
    const CliResult bad = run({ "audit", "verify" });
    EXPECT_EQ(bad.code, 1);
    EXPECT_TRUE(bad.out.startsWith(QStringLiteral("FAILED at seq 2"))) << bad.out.toStdString();
}

TEST_F(ControlCli, AuditVerifyFindsTheNewestEntriesDeletedWithTheirSeals)
{
    ASSERT_EQ(as("the first admin's password", { "users", "list", "--user", "ada" }).code, 0);
    ASSERT_EQ(as("the first admin's password", { "users", "list", "--user", "ada" }).code, 0);
    // Entries 4 and 5 go, and so do their checkpoints: what is left is a log that was once sealed.
    tamper("DELETE FROM audit_log WHERE seq >= 4; DELETE FROM audit_checkpoint WHERE seq >= 4");
    const CliResult bad = run({ "audit", "verify" });
    EXPECT_EQ(bad.code, 1);
    EXPECT_TRUE(bad.out.startsWith(QStringLiteral("FAILED at seq 4: entries from seq 4 on are missing")))
        << bad.out.toStdString();
}

TEST_F(ControlCli, RefusesWhileAnInstanceHoldsTheDataDir)
{
    QLockFile lock(dir.filePath(QStringLiteral("data/spanlight.lock")));
    ASSERT_TRUE(lock.tryLock(0));
    const CliResult refused = as("the first admin's password",
        { "keys", "create", "--tenant", "acme", "--user", "ada", "--reason", "new exporter" });
    EXPECT_EQ(refused.code, 1);
    EXPECT_TRUE(refused.err.contains(QStringLiteral("is running"))) << refused.err.toStdString();
    EXPECT_EQ(run({ "audit", "verify" }).code, 0); // read-only: fine beside a running instance
}

} // namespace
