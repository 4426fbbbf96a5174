// ControlStore against real control.db files: the connection, users, ingest
// keys, tenants' state and two-person approvals.

#include "controlstorefixture.h"

#include <QFile>
#include <sys/stat.h>

using namespace spanlight;
using test::ControlStoreFixture;
using test::kNow;
using test::kThirtyMinutes;

TEST_F(ControlStoreFixture, ConnectionIsDurableAndPrivate)
{
    EXPECT_EQ(scalar("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(scalar("PRAGMA synchronous"), "2"); // FULL
    EXPECT_EQ(scalar("PRAGMA foreign_keys"), "1");
    EXPECT_EQ(scalar("PRAGMA secure_delete"), "1");
    EXPECT_EQ(scalar("PRAGMA user_version"), "1");
    struct stat info
    {
    };
    ASSERT_EQ(::stat(QFile::encodeName(path()).constData(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << "control.db holds password hashes: owner only";
}

TEST_F(ControlStoreFixture, UsersRoundTrip)
{
    std::string error;
    UserRecord alice = user("alice", Role::Admin);
    alice.lastLoginMs = kNow + 5;
    ASSERT_TRUE(store.addUser(alice, &error)) << error;
    ASSERT_TRUE(store.addUser(user("bob", Role::Auditor), &error)) << error;

    auto loaded = store.user(QStringLiteral("alice"), &error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_GT(loaded->id, 0);
    EXPECT_EQ(loaded->role, Role::Admin);
    EXPECT_EQ(loaded->passwordHash, alice.passwordHash);
    EXPECT_EQ(loaded->createdMs, kNow);
    EXPECT_EQ(loaded->lastLoginMs, kNow + 5);
    EXPECT_FALSE(loaded->disabled);

    loaded->role = Role::Operator;
    loaded->failedAttempts = 5;
    loaded->lockedUntilMs = kNow + 15 * 60 * 1000;
    loaded->disabled = true;
    loaded->passwordHash = QStringLiteral("$argon2id$new");
    ASSERT_TRUE(store.updateUser(*loaded, &error)) << error;
    const auto updated = store.user(QStringLiteral("alice"));
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->role, Role::Operator);
    EXPECT_EQ(updated->failedAttempts, 5);
    EXPECT_EQ(updated->lockedUntilMs, kNow + 15 * 60 * 1000);
    EXPECT_TRUE(updated->disabled);
    EXPECT_EQ(updated->passwordHash, QStringLiteral("$argon2id$new"));

    const auto all = store.users(&error);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, QStringLiteral("alice"));
    EXPECT_EQ(all[1].role, Role::Auditor);

    error = "stale";
    EXPECT_FALSE(store.user(QStringLiteral("mallory"), &error));
    EXPECT_TRUE(error.empty()) << "not found is not an error: " << error;
}

TEST_F(ControlStoreFixture, DuplicateAndInvalidUserNamesAreRefused)
{
    std::string error;
    ASSERT_TRUE(store.addUser(user("alice", Role::Admin), &error)) << error;
    EXPECT_FALSE(store.addUser(user("alice", Role::Viewer), &error));
    EXPECT_NE(error.find("already exists"), std::string::npos) << error;
    EXPECT_FALSE(store.addUser(user("", Role::Viewer), &error));
    EXPECT_FALSE(store.addUser(user(" alice", Role::Viewer), &error));
    EXPECT_EQ(store.users().size(), 1u);
    EXPECT_EQ(store.user(QStringLiteral("alice"))->role, Role::Admin);

    UserRecord ghost = user("ghost", Role::Admin);
    ghost.id = 999;
    EXPECT_FALSE(store.updateUser(ghost, &error));
    EXPECT_NE(error.find("no user with id 999"), std::string::npos) << error;
}

TEST_F(ControlStoreFixture, IngestKeysRoundTrip)
{
    std::string error;
    const auto first = store.addKey(ingestKey("acme", "secret-one-aaaa"), &error);
    ASSERT_TRUE(first) << error;
    const auto second = store.addKey(ingestKey("acme", "secret-two-bbbb"), &error);
    ASSERT_TRUE(second) << error;
    ASSERT_TRUE(store.addKey(ingestKey("globex", "secret-three-cccc"), &error)) << error;

    EXPECT_EQ(store.keys(QStringLiteral("acme")).size(), 2u);
    EXPECT_EQ(store.keys().size(), 3u);

    const auto found = store.keyByHash(QCryptographicHash::hash("secret-two-bbbb", QCryptographicHash::Sha256), &error);
    ASSERT_TRUE(found) << error;
    EXPECT_EQ(found->id, *second);
    EXPECT_EQ(found->tenant, QStringLiteral("acme"));
    EXPECT_EQ(found->last4, QStringLiteral("bbbb"));
    EXPECT_EQ(found->createdBy, QStringLiteral("alice"));
    EXPECT_TRUE(found->activeAt(kNow));

    EXPECT_FALSE(store.keyByHash(QCryptographicHash::hash("unknown", QCryptographicHash::Sha256), &error));
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_FALSE(store.keyByHash(QByteArray("short"), &error));
    EXPECT_FALSE(error.empty());

    // Rotation grace: the old key expires later; revocation ends it now.
    ASSERT_TRUE(store.setKeyExpiry(*first, kNow + 1000, &error)) << error;
    auto old = store.keyByHash(QCryptographicHash::hash("secret-one-aaaa", QCryptographicHash::Sha256));
    ASSERT_TRUE(old);
    EXPECT_TRUE(old->activeAt(kNow + 999));
    EXPECT_FALSE(old->activeAt(kNow + 1000));
    ASSERT_TRUE(store.revokeKey(*second, kNow + 10, &error)) << error;
    EXPECT_FALSE(store.revokeKey(*second, kNow + 20, &error));
    EXPECT_NE(error.find("already revoked"), std::string::npos) << error;
    EXPECT_EQ(
        store.keyByHash(QCryptographicHash::hash("secret-two-bbbb", QCryptographicHash::Sha256))->revokedMs, kNow + 10);
    EXPECT_FALSE(store.revokeKey(4242, kNow, &error));
    EXPECT_NE(error.find("no ingest key"), std::string::npos) << error;
    EXPECT_FALSE(store.setKeyExpiry(4242, kNow, &error));

    EXPECT_FALSE(store.addKey(ingestKey("acme", "secret-one-aaaa"), &error)) << "the same secret twice";
    IngestKeyRecord clear = ingestKey("acme", "x");
    clear.secretHash = QByteArray("spl_plaintext");
    EXPECT_FALSE(store.addKey(clear, &error)) << "only 32-byte hashes are stored";
    EXPECT_EQ(store.keys().size(), 3u);
}

TEST_F(ControlStoreFixture, KeyLookupUsesTheUniqueHashIndex)
{
    std::string detail;
    std::string error;
    ASSERT_TRUE(store.runOnWriter(
        [&](sqlite3* db, std::string*) {
            Statement explain(db, "EXPLAIN QUERY PLAN " + SqliteControlDialect().selectKeyByHash());
            while (explain.valid() && sqlite3_step(explain.get()) == SQLITE_ROW)
                detail += reinterpret_cast<const char*>(sqlite3_column_text(explain.get(), 3));
            return explain.valid();
        },
        &error));
    EXPECT_NE(detail.find("USING INDEX"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("SCAN"), std::string::npos) << detail;
}

TEST_F(ControlStoreFixture, TenantStateRoundTrip)
{
    std::string error;
    const TenantState unknown = store.tenantState(QStringLiteral("acme"), &error);
    EXPECT_EQ(unknown.tenant, QStringLiteral("acme"));
    EXPECT_FALSE(unknown.paused);
    EXPECT_EQ(unknown.monthlyBudgetNanoUsd, 0);

    TenantState paused { QStringLiteral("acme"), true, QStringLiteral("alice"), kNow, QStringLiteral("runaway spend"),
        5'000'000'000 };
    ASSERT_TRUE(store.setTenantState(paused, &error)) << error;
    TenantState loaded = store.tenantState(QStringLiteral("acme"));
    EXPECT_TRUE(loaded.paused);
    EXPECT_EQ(loaded.changedBy, QStringLiteral("alice"));
    EXPECT_EQ(loaded.reason, QStringLiteral("runaway spend"));
    EXPECT_EQ(loaded.monthlyBudgetNanoUsd, 5'000'000'000);

    paused.paused = false;
    paused.changedBy = QStringLiteral("bob");
    ASSERT_TRUE(store.setTenantState(paused, &error)) << error;
    ASSERT_TRUE(store.setTenantState({ QStringLiteral("globex"), true, QStringLiteral("bob"), kNow, {}, 0 }, &error));
    const auto states = store.tenantStates();
    ASSERT_EQ(states.size(), 2u);
    EXPECT_EQ(states[0].tenant, QStringLiteral("acme"));
    EXPECT_FALSE(states[0].paused);
    EXPECT_EQ(states[0].changedBy, QStringLiteral("bob"));
    EXPECT_TRUE(states[1].paused);

    EXPECT_FALSE(store.setTenantState({}, &error));
}

TEST_F(ControlStoreFixture, TwoPersonApprovalRunsOnce)
{
    std::string error;
    const auto id = store.addApproval(purgeRequest("alice"), &error);
    ASSERT_TRUE(id) << error;
    ASSERT_EQ(store.pendingApprovals(kNow).size(), 1u);

    EXPECT_FALSE(store.consumeApproval(*id, kNow + 1, &error)) << "not approved yet";
    EXPECT_NE(error.find("not been approved"), std::string::npos) << error;

    EXPECT_FALSE(store.approve(*id, QStringLiteral("alice"), kNow + 1, &error));
    EXPECT_NE(error.find("an admin cannot approve their own request"), std::string::npos) << error;
    EXPECT_TRUE(store.approval(*id)->approvedBy.isEmpty());

    ASSERT_TRUE(store.approve(*id, QStringLiteral("bob"), kNow + 2, &error)) << error;
    EXPECT_FALSE(store.approve(*id, QStringLiteral("carol"), kNow + 3, &error));
    EXPECT_NE(error.find("already approved by bob"), std::string::npos) << error;
    const auto approved = store.approval(*id);
    ASSERT_TRUE(approved);
    EXPECT_EQ(approved->approvedBy, QStringLiteral("bob"));
    EXPECT_EQ(approved->approvedMs, kNow + 2);
    EXPECT_EQ(approved->params, QStringLiteral(R"({"tables":"all"})"));

    ASSERT_TRUE(store.consumeApproval(*id, kNow + 4, &error)) << error;
    EXPECT_FALSE(store.consumeApproval(*id, kNow + 5, &error)) << "an approval runs once";
    EXPECT_NE(error.find("already carried out"), std::string::npos) << error;
    EXPECT_EQ(store.approval(*id)->consumedMs, kNow + 4);
    EXPECT_TRUE(store.pendingApprovals(kNow + 5).empty());

    EXPECT_FALSE(store.approve(4242, QStringLiteral("bob"), kNow, &error));
    EXPECT_NE(error.find("no approval request"), std::string::npos) << error;
}

TEST_F(ControlStoreFixture, ExpiredApprovalIsRefused)
{
    std::string error;
    const auto late = store.addApproval(purgeRequest("alice"), &error);
    const auto approvedThenLate = store.addApproval(purgeRequest("alice"), &error);
    ASSERT_TRUE(late && approvedThenLate) << error;
    const int64_t expiry = kNow + kThirtyMinutes;

    EXPECT_FALSE(store.approve(*late, QStringLiteral("bob"), expiry, &error));
    EXPECT_NE(error.find("expired"), std::string::npos) << error;

    ASSERT_TRUE(store.approve(*approvedThenLate, QStringLiteral("bob"), expiry - 1, &error)) << error;
    EXPECT_FALSE(store.consumeApproval(*approvedThenLate, expiry, &error));
    EXPECT_NE(error.find("expired"), std::string::npos) << error;
    EXPECT_EQ(store.approval(*approvedThenLate)->consumedMs, 0);

    EXPECT_EQ(store.pendingApprovals(expiry - 1).size(), 2u);
    EXPECT_TRUE(store.pendingApprovals(expiry).empty());

    ApprovalRecord backwards = purgeRequest("alice");
    backwards.expiresMs = backwards.requestedMs;
    EXPECT_FALSE(store.addApproval(backwards, &error));
}

TEST_F(ControlStoreFixture, SchemaRefusesSelfApprovalEvenThroughRawSql)
{
    std::string error;
    const auto id = store.addApproval(purgeRequest("alice"), &error);
    ASSERT_TRUE(id) << error;
    EXPECT_FALSE(exec("UPDATE approvals SET approved_by = requested_by WHERE id = " + std::to_string(*id)));
    EXPECT_TRUE(store.approval(*id)->approvedBy.isEmpty());
}

TEST(ControlStoreOpen, RefusesBadOptions)
{
    QTemporaryDir dir;
    ControlStore store;
    std::string error;
    EXPECT_FALSE(store.open({ dir.filePath(QStringLiteral("control.db")), QByteArray(16, 'k') }, &error));
    EXPECT_NE(error.find("32 bytes"), std::string::npos) << error;
    EXPECT_FALSE(
        store.open({ dir.filePath(QStringLiteral("missing/dir/control.db")), test::fixedAuditKey('k') }, &error));
    EXPECT_NE(error.find("missing/dir"), std::string::npos) << error;
    EXPECT_FALSE(store.open({ QString(), test::fixedAuditKey('k') }, &error));
}
