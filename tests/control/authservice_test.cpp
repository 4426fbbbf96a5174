// Sign-in against a real control.db: the first admin, lockout after repeated
// failures, step-up freshness, rehash when the configured cost grows, and no
// password in clear anywhere.

#include "controlfixture.h"

#include "authservice.h"
#include "passwordhasher.h"

#include <QDir>

using namespace spanlight;
using namespace spanlight::test;

namespace {

class AuthServiceTest : public ControlFixture
{
};

TEST_F(AuthServiceTest, FirstAdminIsCreatedOnceAndAudited)
{
    EXPECT_FALSE(runtime->auth().hasUsers());
    const LoginResult weak = runtime->auth().createFirstAdmin(QStringLiteral("ada"), "short");
    EXPECT_FALSE(weak.ok);
    EXPECT_TRUE(weak.error.contains(QStringLiteral("at least"))) << weak.error.toStdString();

    const LoginResult first = runtime->auth().createFirstAdmin(QStringLiteral("ada"), "correct horse battery");
    ASSERT_TRUE(first.ok) << first.error.toStdString();
    EXPECT_EQ(first.session.role, Role::Admin);
    EXPECT_TRUE(runtime->auth().hasUsers());

    const LoginResult second = runtime->auth().createFirstAdmin(QStringLiteral("eve"), "another long password");
    EXPECT_FALSE(second.ok);
    EXPECT_FALSE(runtime->store().user(QStringLiteral("eve")).has_value());

    const auto entries = audit();
    ASSERT_EQ(entries.size(), 2u); // intent + outcome of the bootstrap
    EXPECT_EQ(entries[0].action, QStringLiteral("users.bootstrap"));
    EXPECT_EQ(entries[1].outcome, QStringLiteral("success"));
    EXPECT_EQ(entries[1].intentSeq, entries[0].seq);
}

TEST_F(AuthServiceTest, FiveFailuresLockTheUserForFifteenMinutes)
{
    addUser(QStringLiteral("op"), Role::Operator);
    for (int i = 0; i < 4; ++i) {
        const LoginResult bad
            = runtime->auth().login(QStringLiteral("op"), "wrong password!", QStringLiteral("password"));
        EXPECT_FALSE(bad.ok);
        EXPECT_EQ(bad.error, QStringLiteral("wrong user name or password"));
    }
    const LoginResult fifth
        = runtime->auth().login(QStringLiteral("op"), "wrong password!", QStringLiteral("password"));
    EXPECT_TRUE(fifth.error.contains(QStringLiteral("locked"))) << fifth.error.toStdString();

    // Locked: even the right password is refused until the lockout ends.
    nowMs += 14 * 60 * 1000;
    const LoginResult during
        = runtime->auth().login(QStringLiteral("op"), "correct horse battery", QStringLiteral("password"));
    EXPECT_FALSE(during.ok);
    EXPECT_TRUE(during.error.contains(QStringLiteral("locked until"))) << during.error.toStdString();

    nowMs += 61 * 1000;
    EXPECT_TRUE(runtime->auth().login(QStringLiteral("op"), "correct horse battery", QStringLiteral("password")).ok);

    int denied = 0;
    for (const AuditEntry& e : audit())
        denied += e.action == QStringLiteral("auth.login") && e.outcome == QStringLiteral("denied") ? 1 : 0;
    EXPECT_EQ(denied, 6); // five wrong passwords and one attempt while locked
}

TEST_F(AuthServiceTest, SuccessResetsTheFailureCount)
{
    addUser(QStringLiteral("op"), Role::Operator);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 4; ++i)
            runtime->auth().login(QStringLiteral("op"), "wrong password!", QStringLiteral("password"));
        EXPECT_TRUE(runtime->auth().login(QStringLiteral("op"), "correct horse battery", QStringLiteral("password")).ok)
            << "round " << round;
    }
}

TEST_F(AuthServiceTest, UnknownUserAndDisabledUserCannotSignIn)
{
    EXPECT_EQ(runtime->auth().login(QStringLiteral("ghost"), "whatever long", QStringLiteral("password")).error,
        QStringLiteral("wrong user name or password"));
    addUser(QStringLiteral("gone"), Role::Viewer);
    UserRecord user = *runtime->store().user(QStringLiteral("gone"));
    user.disabled = true;
    std::string error;
    ASSERT_TRUE(runtime->store().updateUser(user, &error)) << error;
    EXPECT_FALSE(runtime->auth().login(QStringLiteral("gone"), "correct horse battery", QStringLiteral("password")).ok);
}

TEST_F(AuthServiceTest, StepUpGoesStaleAfterFiveMinutesAndReauthenticationRefreshesIt)
{
    addUser(QStringLiteral("admin"), Role::Admin);
    const Session session = signIn(QStringLiteral("admin"));
    EXPECT_TRUE(runtime->auth().stepUpFresh(session));
    nowMs += 5 * 60 * 1000 + 1;
    EXPECT_FALSE(runtime->auth().stepUpFresh(session));
    EXPECT_FALSE(runtime->auth().reauthenticate(session, "not my password").ok);
    const LoginResult again = runtime->auth().reauthenticate(session, "correct horse battery");
    ASSERT_TRUE(again.ok);
    EXPECT_TRUE(runtime->auth().stepUpFresh(again.session));
    EXPECT_EQ(again.session.signedInMs, session.signedInMs);
}

TEST_F(AuthServiceTest, LoginRehashesWhenTheConfiguredCostGrew)
{
    addUser(QStringLiteral("ada"), Role::Admin);
    const QString before = runtime->store().user(QStringLiteral("ada"))->passwordHash;
    EXPECT_TRUE(before.startsWith(QStringLiteral("$argon2id$"))) << before.toStdString();
    EXPECT_TRUE(before.contains(QStringLiteral("t=2"))) << before.toStdString();

    config.access.auth.cost.opsLimit = 3;
    openRuntime();
    signIn(QStringLiteral("ada"));
    const QString after = runtime->store().user(QStringLiteral("ada"))->passwordHash;
    EXPECT_TRUE(after.contains(QStringLiteral("t=3"))) << after.toStdString();
    EXPECT_TRUE(verifyPassword(after, "correct horse battery"));
    EXPECT_FALSE(passwordNeedsRehash(after, config.access.auth.cost));
}

TEST_F(AuthServiceTest, DefaultCostMeetsOwaspMinimum)
{
    const PasswordCost defaults;
    EXPECT_GE(defaults.opsLimit, PasswordCost::kMinOps);
    EXPECT_GE(defaults.memLimitBytes, PasswordCost::kMinMemBytes);
    const QString hash = hashPassword("correct horse battery", defaults);
    EXPECT_TRUE(hash.contains(QStringLiteral("m=65536,t=2,p=1"))) << hash.toStdString();
}

TEST_F(AuthServiceTest, ThePasswordNeverAppearsInControlDb)
{
    const QByteArray canary = "canary-password-7f3a91";
    ASSERT_TRUE(runtime->auth().createFirstAdmin(QStringLiteral("ada"), canary).ok);
    runtime->auth().login(QStringLiteral("ada"), "canary-wrong-attempt-55", QStringLiteral("password"));
    runtime->auth().login(QStringLiteral("ada"), canary, QStringLiteral("password"));
    runtime.reset(); // closes control.db: everything is on disk
    for (const QString& name : QDir(config.dataDir).entryList(QDir::Files)) {
        const QByteArray bytes = fileBytes(QDir(config.dataDir).filePath(name));
        EXPECT_FALSE(bytes.contains(canary)) << name.toStdString();
        EXPECT_FALSE(bytes.contains("canary-wrong-attempt-55")) << name.toStdString();
    }
}

} // namespace
