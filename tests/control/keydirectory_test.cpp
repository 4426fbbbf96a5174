// Ingest keys over a real control.db (ControlStore on a temporary file): the
// lifecycle helpers the action service calls, and the KeyDirectory the
// receivers ask, with an injected clock instead of sleeping.
#include "controlstore.h"
#include "ingestkey.h"
#include "ingestkeyops.h"
#include "keydirectory.h"

#include <QTemporaryDir>
#include <atomic>
#include <gtest/gtest.h>
#include <thread>

using namespace spanlight;

namespace {

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kStart = 1'800'000'000'000; // 2027-01-15, a fixed "now"

struct ControlDb : ::testing::Test
{
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        std::string error;
        ASSERT_TRUE(store.open({ dir.path() + QStringLiteral("/control.db"), QByteArray(32, 'k') }, &error)) << error;
    }
    IssuedKey create(const QString& tenant)
    {
        QString error;
        auto issued = createIngestKey(store, tenant, QStringLiteral("alice"), now.load(), &error);
        EXPECT_TRUE(issued) << error.toStdString();
        return issued.value_or(IssuedKey {});
    }
    IssuedKey rotate(const QString& tenant, int64_t graceMs)
    {
        QString error;
        auto issued = rotateIngestKey(store, tenant, QStringLiteral("alice"), graceMs, now.load(), &error);
        EXPECT_TRUE(issued) << error.toStdString();
        return issued.value_or(IssuedKey {});
    }
    std::vector<IngestKeyRecord> activeKeys(const QString& tenant)
    {
        std::vector<IngestKeyRecord> active;
        for (const IngestKeyRecord& key : store.keys(tenant))
            if (key.activeAt(now.load()))
                active.push_back(key);
        return active;
    }
    void reload()
    {
        std::string error;
        ASSERT_TRUE(directory.reload(&error)) << error;
    }
    IngestAuthDecision check(const QString& key) const { return directory.check(key.toStdString()); }

    QTemporaryDir dir;
    ControlStore store;
    std::atomic<int64_t> now { kStart };
    KeyDirectory directory { store, [this] { return now.load(); } };
};

} // namespace

TEST_F(ControlDb, CreateStoresOnlyTheHashPrefixAndLastFour)
{
    const IssuedKey issued = create(QStringLiteral("globex"));
    EXPECT_EQ(ingestKeyFormatProblem(issued.key.toStdString()), "");
    const auto keys = store.keys(QStringLiteral("globex"));
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].id, issued.record.id);
    EXPECT_EQ(keys[0].secretHash, ingestKeyHash(issued.key.toStdString()));
    EXPECT_EQ(keys[0].prefix, issued.key.left(8));
    EXPECT_EQ(keys[0].last4, issued.key.right(4));
    EXPECT_EQ(keys[0].createdBy, QStringLiteral("alice"));
    EXPECT_EQ(keys[0].createdMs, kStart);
    EXPECT_EQ(keys[0].expiresMs, 0);
}

TEST_F(ControlDb, AtMostTwoActiveKeysPerTenant)
{
    const IssuedKey first = create(QStringLiteral("globex"));
    create(QStringLiteral("globex"));
    QString error;
    EXPECT_FALSE(createIngestKey(store, QStringLiteral("globex"), QStringLiteral("alice"), now, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("already has 2 active ingest keys"))) << error.toStdString();
    EXPECT_FALSE(rotateIngestKey(store, QStringLiteral("globex"), QStringLiteral("alice"), kHour, now, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("would make three"))) << error.toStdString();
    EXPECT_EQ(activeKeys(QStringLiteral("globex")).size(), 2u);
    create(QStringLiteral("initech")); // another tenant has its own two

    ASSERT_TRUE(revokeIngestKey(store, first.record.id, now, &error)) << error.toStdString();
    create(QStringLiteral("globex"));
    EXPECT_EQ(activeKeys(QStringLiteral("globex")).size(), 2u);
    EXPECT_EQ(store.keys(QStringLiteral("globex")).size(), 3u) << "the revoked key stays listed";
}

TEST_F(ControlDb, RotationGivesTheNewestKeyAGracePeriod)
{
    QString error;
    EXPECT_FALSE(rotateIngestKey(store, QStringLiteral("globex"), QStringLiteral("alice"), kHour, now, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("no active ingest key to rotate"))) << error.toStdString();

    const IssuedKey old = create(QStringLiteral("globex"));
    EXPECT_FALSE(rotateIngestKey(store, QStringLiteral("globex"), QStringLiteral("alice"), -1, now, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("between 0 and 168 hours"))) << error.toStdString();
    EXPECT_FALSE(
        rotateIngestKey(store, QStringLiteral("globex"), QStringLiteral("alice"), kMaxKeyGraceMs + 1, now, &error));
    EXPECT_EQ(store.keys(QStringLiteral("globex")).size(), 1u) << "a refused rotation makes no key";

    now += kHour;
    const IssuedKey fresh = rotate(QStringLiteral("globex"), kDefaultKeyGraceMs);
    for (const IngestKeyRecord& key : store.keys(QStringLiteral("globex"))) {
        if (key.id == old.record.id)
            EXPECT_EQ(key.expiresMs, kStart + kHour + kDefaultKeyGraceMs);
        else
            EXPECT_EQ(key.expiresMs, 0) << "the new key does not expire";
    }
    EXPECT_EQ(activeKeys(QStringLiteral("globex")).size(), 2u);
    now += kDefaultKeyGraceMs;
    const auto active = activeKeys(QStringLiteral("globex"));
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].id, fresh.record.id);
}

TEST_F(ControlDb, ZeroGraceEndsTheOldKeyAtOnce)
{
    create(QStringLiteral("globex"));
    const IssuedKey fresh = rotate(QStringLiteral("globex"), 0);
    const auto active = activeKeys(QStringLiteral("globex"));
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].id, fresh.record.id);
}

TEST_F(ControlDb, RevokingAnUnknownOrRevokedKeyIsAnError)
{
    const IssuedKey issued = create(QStringLiteral("globex"));
    QString error;
    EXPECT_FALSE(revokeIngestKey(store, 9999, now, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("no ingest key with id 9999"))) << error.toStdString();
    EXPECT_TRUE(revokeIngestKey(store, issued.record.id, now, &error));
    EXPECT_FALSE(revokeIngestKey(store, issued.record.id, now, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("already revoked"))) << error.toStdString();
}

TEST_F(ControlDb, DirectoryAllowsAValidKeyWithItsTenant)
{
    const IssuedKey issued = create(QStringLiteral("globex"));
    EXPECT_FALSE(check(issued.key).allowed) << "unknown until reloaded";
    reload();
    const IngestAuthDecision decision = check(issued.key);
    EXPECT_TRUE(decision.allowed) << decision.reason;
    EXPECT_EQ(decision.tenant, "globex");
    EXPECT_EQ(directory.keyCount(), 1u);
    EXPECT_EQ(directory.activeKeyCount(), 1u);
    EXPECT_EQ(directory.counters().allowed, 1);
}

TEST_F(ControlDb, DirectoryRefusesMalformedKeysBeforeAnyLookup)
{
    const IssuedKey issued = create(QStringLiteral("globex"));
    reload();
    QString typo = issued.key;
    typo[20] = typo[20] == QLatin1Char('x') ? QLatin1Char('y') : QLatin1Char('x');
    const IngestAuthDecision decision = check(typo);
    EXPECT_FALSE(decision.allowed);
    EXPECT_NE(decision.reason.find("checksum does not match"), std::string::npos) << decision.reason;
    EXPECT_FALSE(check(QStringLiteral("Bearer")).allowed);
    EXPECT_EQ(directory.counters().refusedFormat, 2);
    EXPECT_EQ(directory.counters().lookups, 0) << "malformed keys never reach the key table";

    const IngestAuthDecision unknown = directory.check(generateIngestKey());
    EXPECT_NE(unknown.reason.find("unknown ingest key"), std::string::npos) << unknown.reason;
    EXPECT_EQ(directory.counters().lookups, 1);
    EXPECT_EQ(directory.counters().refusedUnknown, 1);
}

TEST_F(ControlDb, DirectoryRefusesRevokedKeysOnceReloaded)
{
    const IssuedKey issued = create(QStringLiteral("globex"));
    reload();
    ASSERT_TRUE(check(issued.key).allowed);
    QString error;
    ASSERT_TRUE(revokeIngestKey(store, issued.record.id, now, &error)) << error.toStdString();
    reload();
    const IngestAuthDecision decision = check(issued.key);
    EXPECT_FALSE(decision.allowed);
    EXPECT_NE(decision.reason.find("was revoked"), std::string::npos) << decision.reason;
    EXPECT_NE(decision.reason.find(issued.record.prefix.toStdString() + "..."), std::string::npos) << decision.reason;
    EXPECT_EQ(decision.reason.find(issued.key.mid(4).toStdString()), std::string::npos) << "never the whole key";
    EXPECT_EQ(directory.activeKeyCount(), 0u);
    EXPECT_EQ(directory.counters().refusedRevoked, 1);
}

TEST_F(ControlDb, DirectoryFollowsTheClockThroughARotation)
{
    const IssuedKey old = create(QStringLiteral("globex"));
    const IssuedKey fresh = rotate(QStringLiteral("globex"), 2 * kHour);
    reload();
    EXPECT_TRUE(check(old.key).allowed);
    EXPECT_TRUE(check(fresh.key).allowed);
    now += 2 * kHour - 1;
    EXPECT_TRUE(check(old.key).allowed) << "still inside the grace period";
    now += 1;
    const IngestAuthDecision decision = check(old.key);
    EXPECT_FALSE(decision.allowed);
    EXPECT_NE(decision.reason.find("expired at"), std::string::npos) << decision.reason;
    EXPECT_TRUE(check(fresh.key).allowed);
    EXPECT_EQ(directory.activeKeyCount(), 1u);
    EXPECT_EQ(directory.counters().refusedExpired, 1);
}

TEST_F(ControlDb, AFailedReloadKeepsThePreviousKeys)
{
    const IssuedKey issued = create(QStringLiteral("globex"));
    reload();
    store.close();
    std::string error;
    EXPECT_FALSE(directory.reload(&error));
    EXPECT_NE(error.find("not open"), std::string::npos) << error;
    EXPECT_TRUE(check(issued.key).allowed);
}

TEST_F(ControlDb, ChecksRunConcurrentlyWithReloads)
{
    const IssuedKey a = create(QStringLiteral("globex"));
    const IssuedKey b = create(QStringLiteral("initech"));
    reload();
    std::atomic<bool> stop { false };
    std::atomic<int> wrong { 0 }, checks { 0 };
    std::vector<std::thread> receivers;
    for (int t = 0; t < 3; ++t)
        receivers.emplace_back([&, t] {
            const std::string key = (t % 2 ? a.key : b.key).toStdString();
            const std::string tenant = t % 2 ? "globex" : "initech";
            while (!stop.load()) {
                const IngestAuthDecision d = directory.check(key);
                wrong += d.allowed && d.tenant == tenant ? 0 : 1;
                ++checks;
            }
        });
    // Reload until the receivers have done plenty of checks, so both overlap.
    for (int reloads = 0; reloads < 50 || checks.load() < 3000; ++reloads) {
        std::string error;
        if (!directory.reload(&error)) {
            ADD_FAILURE() << error;
            break;
        }
    }
    stop = true;
    for (std::thread& t : receivers)
        t.join();
    EXPECT_EQ(wrong.load(), 0);
}
