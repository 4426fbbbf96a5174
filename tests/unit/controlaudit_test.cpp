// ControlStore's audit log: appends and filters, the fail-closed rule, and the
// key file that seals the chain.

#include "controlstorefixture.h"

#include <QFile>
#include <sys/stat.h>

using namespace spanlight;
using test::ControlStoreFixture;
using test::kNow;

TEST_F(ControlStoreFixture, AuditEntriesRoundTripAndFilter)
{
    std::string error;
    AuditEntry intent = test::sampleAuditEntry(1);
    intent.approver = QStringLiteral("carol");
    intent.error = QStringLiteral("ünïcode ✓");
    const auto intentSeq = store.appendAudit(intent, &error);
    ASSERT_EQ(intentSeq, std::optional<int64_t>(1)) << error;
    AuditEntry outcome = test::sampleAuditEntry(2);
    outcome.intentSeq = *intentSeq;
    ASSERT_EQ(store.appendAudit(outcome, &error), std::optional<int64_t>(2)) << error;
    AuditEntry denied = test::sampleAuditEntry(2);
    denied.intentSeq = 0;
    denied.outcome = QStringLiteral("denied");
    denied.actor = QStringLiteral("eve");
    denied.action = QStringLiteral("keys.rotate");
    denied.timeMs = kNow + 60'000;
    ASSERT_EQ(store.appendAudit(denied, &error), std::optional<int64_t>(3)) << error;

    AuditFilter all;
    const auto entries = store.auditEntries(all, &error);
    ASSERT_EQ(entries.size(), 3u) << error;
    EXPECT_EQ(entries[0].seq, 3) << "newest first";
    const AuditEntry& first = entries[2];
    EXPECT_EQ(first.actor, intent.actor);
    EXPECT_EQ(first.role, intent.role);
    EXPECT_EQ(first.authMethod, intent.authMethod);
    EXPECT_EQ(first.stepUpMs, intent.stepUpMs);
    EXPECT_EQ(first.approver, QStringLiteral("carol"));
    EXPECT_EQ(first.target, intent.target);
    EXPECT_EQ(first.reason, intent.reason);
    EXPECT_EQ(first.ticket, intent.ticket);
    EXPECT_EQ(first.before, intent.before);
    EXPECT_EQ(first.after, intent.after);
    EXPECT_EQ(first.error, QStringLiteral("ünïcode ✓"));
    EXPECT_EQ(first.host, intent.host);
    EXPECT_EQ(first.appVersion, intent.appVersion);
    EXPECT_EQ(first.prevHash, QByteArray(32, '\0'));
    EXPECT_EQ(first.hash.size(), 32);
    EXPECT_EQ(entries[1].prevHash, first.hash);
    EXPECT_EQ(entries[1].intentSeq, 1);
    EXPECT_EQ(entries[1].phase, AuditEntry::Phase::Outcome);

    AuditFilter byActor;
    byActor.actor = QStringLiteral("eve");
    EXPECT_EQ(store.auditEntries(byActor).size(), 1u);
    AuditFilter byPrefix;
    byPrefix.action = QStringLiteral("tenant.");
    EXPECT_EQ(store.auditEntries(byPrefix).size(), 2u);
    AuditFilter intents;
    intents.outcome = QStringLiteral("intent");
    ASSERT_EQ(store.auditEntries(intents).size(), 1u);
    EXPECT_EQ(store.auditEntries(intents)[0].seq, 1);
    AuditFilter deniedOnly;
    deniedOnly.outcome = QStringLiteral("denied");
    EXPECT_EQ(store.auditEntries(deniedOnly).size(), 1u);
    AuditFilter window;
    window.fromMs = kNow + 60'000;
    window.toMs = kNow + 60'001;
    ASSERT_EQ(store.auditEntries(window).size(), 1u);
    EXPECT_EQ(store.auditEntries(window)[0].seq, 3);
    AuditFilter limited;
    limited.limit = 2;
    EXPECT_EQ(store.auditEntries(limited).size(), 2u);

    EXPECT_TRUE(store.verifyAudit().ok);
}

TEST_F(ControlStoreFixture, MalformedAuditEntriesAreRefused)
{
    std::string error;
    AuditEntry anonymous = test::sampleAuditEntry(1);
    anonymous.actor.clear();
    EXPECT_FALSE(store.appendAudit(anonymous, &error));
    AuditEntry intentWithOutcome = test::sampleAuditEntry(1);
    intentWithOutcome.outcome = QStringLiteral("success");
    EXPECT_FALSE(store.appendAudit(intentWithOutcome, &error));
    AuditEntry strangeOutcome = test::sampleAuditEntry(2);
    strangeOutcome.intentSeq = 0;
    strangeOutcome.outcome = QStringLiteral("maybe");
    EXPECT_FALSE(store.appendAudit(strangeOutcome, &error));
    AuditEntry citesNothing = test::sampleAuditEntry(2);
    citesNothing.intentSeq = 7;
    EXPECT_FALSE(store.appendAudit(citesNothing, &error));
    EXPECT_NE(error.find("not an intent"), std::string::npos) << error;
    EXPECT_EQ(auditCount(), 0u);
}

// Fail-closed (DESIGN.md rule 8): when the audit log cannot be written the
// caller gets nullopt and a reason, and nothing half-written stays behind.
// These faults hit root too (CI runs as root, so file modes would not).
TEST_F(ControlStoreFixture, AppendFailsClosedWhenTheDatabaseRefusesWrites)
{
    std::string error;
    ASSERT_TRUE(store.appendAudit(test::sampleAuditEntry(1), &error)) << error;
    ASSERT_TRUE(exec("PRAGMA query_only = ON"));
    EXPECT_FALSE(store.appendAudit(test::sampleAuditEntry(3), &error));
    EXPECT_NE(error.find("cannot be written"), std::string::npos) << error;
    EXPECT_NE(error.find("readonly"), std::string::npos) << error;
    ASSERT_TRUE(exec("PRAGMA query_only = OFF"));
    EXPECT_EQ(auditCount(), 1u);
    EXPECT_EQ(store.appendAudit(test::sampleAuditEntry(3), &error), std::optional<int64_t>(2)) << "no gap: " << error;
    EXPECT_TRUE(store.verifyAudit().ok);
}

TEST_F(ControlStoreFixture, AppendFailsClosedWhenTheDiskIsFull)
{
    std::string error;
    ASSERT_TRUE(store.appendAudit(test::sampleAuditEntry(1), &error)) << error;
    const std::string pages = scalar("PRAGMA page_count");
    ASSERT_TRUE(exec("PRAGMA max_page_count = " + pages));
    AuditEntry large = test::sampleAuditEntry(3);
    large.before = QString(256 * 1024, QLatin1Char('x')); // needs new pages
    EXPECT_FALSE(store.appendAudit(large, &error));
    EXPECT_NE(error.find("full"), std::string::npos) << error;
    ASSERT_TRUE(exec("PRAGMA max_page_count = 1073741823"));
    EXPECT_EQ(auditCount(), 1u);
    EXPECT_EQ(store.appendAudit(large, &error), std::optional<int64_t>(2)) << error;
    EXPECT_TRUE(store.verifyAudit().ok);
}

TEST_F(ControlStoreFixture, EntryAndSealAreOneTransaction)
{
    std::string error;
    ASSERT_TRUE(store.appendAudit(test::sampleAuditEntry(1), &error)) << error;
    ASSERT_TRUE(exec("CREATE TEMP TRIGGER block_seal BEFORE INSERT ON main.audit_checkpoint "
                     "BEGIN SELECT RAISE(ABORT, 'sealing blocked by the test'); END"));
    EXPECT_FALSE(store.appendAudit(test::sampleAuditEntry(3), &error));
    EXPECT_NE(error.find("sealing blocked by the test"), std::string::npos) << error;
    EXPECT_EQ(auditCount(), 1u) << "the entry inserted before the failed seal was rolled back";
    ASSERT_TRUE(exec("DROP TRIGGER temp.block_seal"));
    EXPECT_EQ(store.appendAudit(test::sampleAuditEntry(3), &error), std::optional<int64_t>(2)) << error;
    EXPECT_TRUE(store.verifyAudit().ok);
}

TEST_F(ControlStoreFixture, ClosedStoreRefusesEverything)
{
    store.close();
    std::string error;
    EXPECT_FALSE(store.appendAudit(test::sampleAuditEntry(1), &error));
    EXPECT_NE(error.find("not open"), std::string::npos) << error;
    EXPECT_FALSE(store.addUser(user("alice", Role::Admin), &error));
    EXPECT_FALSE(store.verifyAudit().ok);
    // And it opens again on the same file.
    ASSERT_TRUE(store.open({ path(), key, {} }, &error)) << error;
    EXPECT_TRUE(store.verifyAudit().ok);
}

TEST(AuditKeyFile, CreatedPrivateAndReadBack)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("config/audit.key"));
    std::string error;
    const QByteArray key = loadOrCreateAuditKey(path, &error);
    ASSERT_EQ(key.size(), 32) << error;
    EXPECT_NE(key, QByteArray(32, '\0'));
    struct stat info
    {
    };
    ASSERT_EQ(::stat(QFile::encodeName(path).constData(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    EXPECT_EQ(loadOrCreateAuditKey(path, &error), key) << error;
    EXPECT_NE(loadOrCreateAuditKey(dir.filePath(QStringLiteral("other.key")), &error), key) << "random per file";
}

TEST(AuditKeyFile, RefusesReadableOrDamagedFiles)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.key"));
    std::string error;
    ASSERT_EQ(loadOrCreateAuditKey(path, &error).size(), 32) << error;

    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0644), 0);
    EXPECT_TRUE(loadOrCreateAuditKey(path, &error).isEmpty());
    EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;

    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0600), 0);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::Append));
    file.write("extra");
    file.close();
    EXPECT_TRUE(loadOrCreateAuditKey(path, &error).isEmpty());
    EXPECT_NE(error.find("37 bytes"), std::string::npos) << error;
}
