// Tampering with a real control.db behind Spanlight's back (with the sqlite3
// C API, triggers dropped where needed) is detected at the seq it happened.

#include "auditchainfixture.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace spanlight;

namespace {

constexpr int64_t kEntries = 10;

/// A second, raw connection: what someone with write access to the file can do.
class RawDb
{
public:
    explicit RawDb(const QString& path)
    {
        sqlite3_open_v2(path.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE, nullptr);
    }
    ~RawDb() { sqlite3_close(m_db); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    sqlite3* get() const { return m_db; }
    int exec(const std::string& sql)
    {
        char* message = nullptr;
        const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message);
        m_message = message ? message : "";
        sqlite3_free(message);
        return rc;
    }
    const std::string& message() const { return m_message; }

    void dropTriggers()
    {
        for (const char* trigger : { "audit_log_no_update", "audit_log_no_delete", "audit_checkpoint_no_update",
                 "audit_checkpoint_no_delete" })
            ASSERT_EQ(exec(std::string("DROP TRIGGER ") + trigger), SQLITE_OK) << m_message;
    }

    std::vector<AuditEntry> entries()
    {
        std::vector<AuditEntry> all;
        Statement select(m_db, SqliteControlDialect().selectAuditChain());
        while (select.valid() && sqlite3_step(select.get()) == SQLITE_ROW)
            all.push_back(readAuditEntry(select.get()));
        return all;
    }

    /// Rewrites entry \a entry (hash and links included) as a forger who knows the scheme would.
    void rewrite(const AuditEntry& entry, const char* checkpointMac)
    {
        Statement update(m_db, "UPDATE audit_log SET reason = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?1");
        bindInt(update.get(), 1, entry.seq);
        bindText(update.get(), 2, entry.reason);
        bindBlob(update.get(), 3, entry.prevHash);
        bindBlob(update.get(), 4, entry.hash);
        ASSERT_EQ(sqlite3_step(update.get()), SQLITE_DONE) << sqlite3_errmsg(m_db);
        Statement seal(
            m_db, std::string("UPDATE audit_checkpoint SET hash = ?2, mac = ") + checkpointMac + " WHERE seq = ?1");
        bindInt(seal.get(), 1, entry.seq);
        bindBlob(seal.get(), 2, entry.hash);
        ASSERT_EQ(sqlite3_step(seal.get()), SQLITE_DONE) << sqlite3_errmsg(m_db);
    }

private:
    sqlite3* m_db = nullptr;
    std::string m_message;
};

struct AuditTamperFixture : ::testing::Test
{
    QTemporaryDir dir;
    QByteArray key = test::fixedAuditKey('k');

    QString path() const { return dir.filePath(QStringLiteral("control.db")); }

    // The chain is written by the real store, one sealed append at a time.
    void SetUp() override
    {
        ControlStore store;
        std::string error;
        ASSERT_TRUE(store.open({ path(), key, {} }, &error)) << error;
        for (int64_t n = 1; n <= kEntries; ++n)
            ASSERT_EQ(store.appendAudit(test::sampleAuditEntry(n), &error), std::optional<int64_t>(n)) << error;
    }

    void freshChain()
    {
        QFile::remove(path());
        SetUp();
    }

    /// Verifies through both entry points (offline file, running store) and
    /// checks that they agree.
    AuditVerification verify()
    {
        const AuditVerification offline = verifyAuditFile(path(), key);
        ControlStore store;
        std::string error;
        EXPECT_TRUE(store.open({ path(), key, {} }, &error)) << error;
        const AuditVerification online = store.verifyAudit();
        EXPECT_EQ(online.ok, offline.ok);
        EXPECT_EQ(online.firstBadSeq, offline.firstBadSeq);
        EXPECT_EQ(online.problem, offline.problem);
        return offline;
    }

    static bool mentions(const AuditVerification& v, const char* words)
    {
        return v.problem.find(words) != std::string::npos;
    }
};

} // namespace

TEST_F(AuditTamperFixture, UntouchedChainVerifies)
{
    const AuditVerification v = verify();
    EXPECT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.entries, kEntries);
    EXPECT_EQ(v.firstBadSeq, 0);
    EXPECT_TRUE(v.problem.empty());
}

TEST_F(AuditTamperFixture, EmptyLogVerifies)
{
    QTemporaryDir other;
    const QString empty = other.filePath(QStringLiteral("control.db"));
    {
        ControlStore store;
        std::string error;
        ASSERT_TRUE(store.open({ empty, key, {} }, &error)) << error;
    }
    const AuditVerification v = verifyAuditFile(empty, key);
    EXPECT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.entries, 0);
}

TEST_F(AuditTamperFixture, TriggersRefuseUpdateAndDelete)
{
    RawDb raw(path());
    EXPECT_EQ(raw.exec("UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 3"), SQLITE_CONSTRAINT);
    EXPECT_NE(raw.message().find("append-only"), std::string::npos) << raw.message();
    EXPECT_EQ(raw.exec("DELETE FROM audit_log WHERE seq = 3"), SQLITE_CONSTRAINT);
    EXPECT_EQ(raw.exec("UPDATE audit_checkpoint SET mac = zeroblob(32)"), SQLITE_CONSTRAINT);
    EXPECT_EQ(raw.exec("DELETE FROM audit_checkpoint"), SQLITE_CONSTRAINT);
    EXPECT_TRUE(verify().ok);
}

struct FieldEdit
{
    const char* column;
    const char* newValue; ///< SQL expression
};

class AuditFieldEdit : public AuditTamperFixture, public ::testing::WithParamInterface<FieldEdit>
{
};

TEST_P(AuditFieldEdit, DetectedAtTheEditedSeq)
{
    {
        RawDb raw(path());
        raw.dropTriggers();
        const FieldEdit edit = GetParam();
        ASSERT_EQ(
            raw.exec(std::string("UPDATE audit_log SET ") + edit.column + " = " + edit.newValue + " WHERE seq = 5"),
            SQLITE_OK)
            << raw.message();
        ASSERT_EQ(sqlite3_changes(raw.get()), 1);
    }
    const AuditVerification v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.firstBadSeq, 5) << v.problem;
    EXPECT_FALSE(v.problem.empty());
}

INSTANTIATE_TEST_SUITE_P(EveryColumn, AuditFieldEdit,
    ::testing::Values(FieldEdit { "seq", "1000" }, FieldEdit { "seq", "0" }, FieldEdit { "time_ms", "time_ms + 1" },
        FieldEdit { "phase", "1 - phase" }, FieldEdit { "intent_seq", "3" }, FieldEdit { "actor", "'mallory'" },
        FieldEdit { "role", "'viewer'" }, FieldEdit { "auth_method", "'system'" },
        FieldEdit { "step_up_ms", "step_up_ms - 1" }, FieldEdit { "approver", "'mallory'" },
        FieldEdit { "action", "'tenant.resume'" }, FieldEdit { "target", "'tenant-1'" },
        FieldEdit { "reason", "reason || ' '" }, FieldEdit { "ticket", "''" },
        FieldEdit { "before_json", "'{\"paused\":true}'" }, FieldEdit { "after_json", "'{}'" },
        FieldEdit { "outcome", "'failure'" }, FieldEdit { "error", "'disk full'" }, FieldEdit { "host", "'elsewhere'" },
        FieldEdit { "app_version", "'0.0.9'" }, FieldEdit { "prev_hash", "randomblob(32)" },
        FieldEdit { "hash", "randomblob(32)" }),
    [](const ::testing::TestParamInfo<FieldEdit>& info) {
        return std::string(info.param.column) + "_" + std::to_string(info.index);
    });

TEST_F(AuditTamperFixture, DeletedEntryIsMissing)
{
    {
        RawDb raw(path());
        raw.dropTriggers();
        ASSERT_EQ(raw.exec("DELETE FROM audit_log WHERE seq = 5"), SQLITE_OK);
    }
    const AuditVerification v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.firstBadSeq, 5);
    EXPECT_TRUE(mentions(v, "missing")) << v.problem;
    EXPECT_EQ(v.entries, 4) << "entries before the damage checked";
}

TEST_F(AuditTamperFixture, SwappedEntriesAreDetectedAtTheFirst)
{
    for (const auto& [a, b] : { std::pair<int, int> { 4, 7 }, std::pair<int, int> { 5, 6 } }) {
        freshChain();
        {
            RawDb raw(path());
            raw.dropTriggers();
            const std::string sa = std::to_string(a);
            const std::string sb = std::to_string(b);
            ASSERT_EQ(raw.exec("UPDATE audit_log SET seq = -1 WHERE seq = " + sa + "; UPDATE audit_log SET seq = " + sa
                          + " WHERE seq = " + sb + "; UPDATE audit_log SET seq = " + sb + " WHERE seq = -1"),
                SQLITE_OK)
                << raw.message();
        }
        const AuditVerification v = verify();
        EXPECT_FALSE(v.ok);
        EXPECT_EQ(v.firstBadSeq, a) << v.problem;
    }
}

TEST_F(AuditTamperFixture, TruncatedLastEntry)
{
    {
        RawDb raw(path());
        raw.dropTriggers();
        ASSERT_EQ(raw.exec("DELETE FROM audit_log WHERE seq = 10"), SQLITE_OK);
    }
    const AuditVerification v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.firstBadSeq, 10);
    EXPECT_TRUE(mentions(v, "truncated")) << v.problem;
}

TEST_F(AuditTamperFixture, TruncatedSeveralEntries)
{
    {
        RawDb raw(path());
        raw.dropTriggers();
        ASSERT_EQ(raw.exec("DELETE FROM audit_log WHERE seq >= 7"), SQLITE_OK);
    }
    const AuditVerification v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.firstBadSeq, 7);
    EXPECT_TRUE(mentions(v, "truncated")) << v.problem;
}

// A forger who knows the scheme but not the key rewrites entry 6 and recomputes
// every hash after it; the chain is consistent, the seals are not.
TEST_F(AuditTamperFixture, ForgedSuffixFailsTheCheckpointMac)
{
    for (const char* mac : { "mac", "randomblob(32)" }) {
        freshChain();
        {
            RawDb raw(path());
            raw.dropTriggers();
            std::vector<AuditEntry> entries = raw.entries();
            ASSERT_EQ(entries.size(), static_cast<size_t>(kEntries));
            entries[5].reason = QStringLiteral("routine maintenance");
            AuditHasher hasher;
            for (size_t i = 5; i < entries.size(); ++i) {
                entries[i].prevHash = entries[i - 1].hash;
                entries[i].hash = hasher.hash(entries[i], entries[i].prevHash);
                raw.rewrite(entries[i], mac);
            }
        }
        const AuditVerification v = verify();
        EXPECT_FALSE(v.ok);
        EXPECT_EQ(v.firstBadSeq, 6) << v.problem;
        EXPECT_TRUE(mentions(v, "checkpoint MAC mismatch")) << v.problem;
    }
}

TEST_F(AuditTamperFixture, EntryAppendedWithoutTheKey)
{
    {
        RawDb raw(path());
        std::vector<AuditEntry> entries = raw.entries();
        AuditEntry forged = test::sampleAuditEntry(11);
        forged.seq = 11;
        forged.prevHash = entries.back().hash;
        forged.hash = AuditHasher().hash(forged, forged.prevHash);
        Statement insert(raw.get(), SqliteControlDialect().insertAuditEntry());
        bindAuditEntry(insert.get(), forged);
        ASSERT_EQ(sqlite3_step(insert.get()), SQLITE_DONE);
    }
    AuditVerification v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.firstBadSeq, 11);
    EXPECT_TRUE(mentions(v, "without the audit key")) << v.problem;

    {
        RawDb raw(path());
        ASSERT_EQ(raw.exec("INSERT INTO audit_checkpoint SELECT seq, hash, randomblob(32), 0 FROM audit_log"
                           " WHERE seq = 11"),
            SQLITE_OK);
    }
    v = verify();
    EXPECT_EQ(v.firstBadSeq, 11);
    EXPECT_TRUE(mentions(v, "checkpoint MAC mismatch")) << v.problem;
}

TEST_F(AuditTamperFixture, WrongKey)
{
    const AuditVerification v = verifyAuditFile(path(), test::fixedAuditKey('w'));
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.firstBadSeq, 1);
    EXPECT_TRUE(mentions(v, "checkpoint MAC mismatch")) << v.problem;
    EXPECT_TRUE(mentions(v, "key")) << v.problem;
    EXPECT_FALSE(verifyAuditFile(path(), QByteArray(31, 'k')).ok);
}

TEST_F(AuditTamperFixture, DeletedCheckpoints)
{
    {
        RawDb raw(path());
        raw.dropTriggers();
        ASSERT_EQ(raw.exec("DELETE FROM audit_checkpoint"), SQLITE_OK);
    }
    const AuditVerification v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.firstBadSeq, 1);
    EXPECT_TRUE(mentions(v, "no sealed head")) << v.problem;
}

TEST_F(AuditTamperFixture, VerifiesWhileTheStoreIsOpenAndRefusesMissingFiles)
{
    ControlStore store;
    std::string error;
    ASSERT_TRUE(store.open({ path(), key, {} }, &error)) << error;
    EXPECT_TRUE(verifyAuditFile(path(), key).ok);
    const AuditVerification missing = verifyAuditFile(dir.filePath(QStringLiteral("nope.db")), key);
    EXPECT_FALSE(missing.ok);
    EXPECT_TRUE(mentions(missing, "no control database")) << missing.problem;
}

// Functional only (timing lives in tests/bench/audit_verify_bench.cpp).
TEST(AuditVerifyLarge, HundredThousandEntriesVerifyAndAnEditNearTheEndIsFound)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("control.db"));
    const QByteArray key = test::fixedAuditKey('k');
    ASSERT_EQ(test::writeSealedAuditChain(path, key, 100'000), "");
    AuditVerification v = verifyAuditFile(path, key);
    EXPECT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.entries, 100'000);
    {
        RawDb raw(path);
        raw.dropTriggers();
        ASSERT_EQ(raw.exec("UPDATE audit_log SET target = 'tenant-0' WHERE seq = 99999"), SQLITE_OK);
    }
    v = verifyAuditFile(path, key);
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.firstBadSeq, 99'999) << v.problem;
    EXPECT_EQ(v.entries, 99'998);
}
