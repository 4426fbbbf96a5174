// The ingest key format and the auth/* settings: no database, no sockets.
#include "appconfig.h"
#include "ingestauthconfig.h"
#include "ingestkey.h"
#include "ingestkeyops.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <set>

using namespace spanlight;

namespace {

/// Made by an independent script: body = base62 of the bytes 1..32, checksum =
/// base62 of the first 4 bytes of SHA-256("spl_" + body). Keys already handed
/// out must stay valid, so this pins the format.
const std::string kKnownKey = "spl_0Eoh211G4c8wtVWM00my5rsNSFlKgaWqQ4mb8gdEqno47xCMn";
const std::string kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

} // namespace

TEST(IngestKeyFormat, GeneratedKeysAreWellFormedAndDistinct)
{
    std::set<std::string> seen;
    for (int i = 0; i < 500; ++i) {
        const std::string key = generateIngestKey();
        ASSERT_EQ(key.size(), 53u) << key;
        ASSERT_EQ(key.rfind("spl_", 0), 0u);
        ASSERT_EQ(key.find_first_not_of(kBase62, 4), std::string::npos) << key;
        ASSERT_EQ(ingestKeyFormatProblem(key), "") << key;
        seen.insert(key.substr(4, 43));
    }
    EXPECT_EQ(seen.size(), 500u);
    static_assert(ingestkey::kRandomBytes * 8 >= 256, "at least 256 random bits");
}

TEST(IngestKeyFormat, AKeyFromAnIndependentImplementationValidates)
{
    EXPECT_EQ(ingestKeyFormatProblem(kKnownKey), "");
    EXPECT_EQ(ingestKeyHash(kKnownKey).toHex().toStdString(),
        "8eab6497ec1f1fbaa6a39cf3b8dac348dd6b48df63c342253bfd5918e80617ea");
    EXPECT_EQ(
        ingestKeyHash("abc").toHex().toStdString(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        << "SHA-256 of the whole text";
}

TEST(IngestKeyFormat, EveryOneCharacterTypoAndSwapIsCaughtByTheChecksum)
{
    const std::string key = generateIngestKey();
    for (size_t i = 4; i < key.size(); ++i) {
        std::string typo = key;
        typo[i] = typo[i] == 'a' ? 'b' : 'a';
        EXPECT_NE(ingestKeyFormatProblem(typo).find("checksum does not match"), std::string::npos) << i;
        if (i + 1 < key.size() && key[i] != key[i + 1]) {
            std::string swapped = key;
            std::swap(swapped[i], swapped[i + 1]);
            EXPECT_NE(ingestKeyFormatProblem(swapped), "") << i;
        }
    }
}

TEST(IngestKeyFormat, EachProblemHasItsOwnReasonAndNoneRepeatsTheKey)
{
    const std::string key = generateIngestKey();
    const std::string body = key.substr(4, 43);
    struct Case
    {
        std::string key;
        const char* expected;
    };
    const Case cases[] = {
        { "sk_" + key.substr(4), "start with 'spl_'" },
        { "", "start with 'spl_'" },
        { key.substr(0, 52), "52 characters instead of 53" },
        { key + "x", "54 characters instead of 53" },
        { key.substr(0, 10) + "-" + key.substr(11), "at position 11" },
        { key.substr(0, 47) + "000000", "checksum does not match" },
    };
    for (const Case& c : cases) {
        const std::string problem = ingestKeyFormatProblem(c.key);
        EXPECT_NE(problem.find(c.expected), std::string::npos) << problem;
        EXPECT_EQ(problem.find(body.substr(0, 12)), std::string::npos) << problem;
    }
}

TEST(IngestKeyFormat, DisplayFormShowsPrefixAndLastFourOnly)
{
    EXPECT_EQ(ingestKeyDisplayPrefix(kKnownKey), QStringLiteral("spl_0Eoh"));
    EXPECT_EQ(ingestKeyLast4(kKnownKey), QStringLiteral("xCMn"));
    EXPECT_EQ(ingestKeyDisplay(QStringLiteral("spl_0Eoh"), QStringLiteral("xCMn")), QStringLiteral("spl_0Eoh...xCMn"));
    EXPECT_EQ(ingestKeyHash(kKnownKey).size(), 32);
}

TEST(IngestKeyGrace, ZeroToSevenDaysAllowedOtherwiseAClearError)
{
    EXPECT_TRUE(keyGraceProblem(0).isEmpty());
    EXPECT_TRUE(keyGraceProblem(kDefaultKeyGraceMs).isEmpty());
    EXPECT_TRUE(keyGraceProblem(kMaxKeyGraceMs).isEmpty());
    EXPECT_TRUE(keyGraceProblem(-1).contains(QStringLiteral("between 0 and 168 hours")));
    EXPECT_TRUE(keyGraceProblem(kMaxKeyGraceMs + 3600000).contains(QStringLiteral("not 169 hours")));
}

namespace {

QString writeIni(const QTemporaryDir& dir, const QByteArray& text)
{
    const QString path = dir.path() + QStringLiteral("/spanlight.conf");
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    return path;
}

} // namespace

TEST(IngestAuthConfig, DefaultsAreAutoAnd24Hours)
{
    const AppConfig config;
    EXPECT_EQ(config.ingestAuth.mode, IngestAuthMode::Auto);
    EXPECT_EQ(config.ingestAuth.keyGraceHours, 24);
    EXPECT_EQ(config.ingestAuth.keyGraceMs(), kDefaultKeyGraceMs);
}

TEST(IngestAuthConfig, KnobsAreReadAndBadValuesReportedKeepingTheDefault)
{
    QTemporaryDir dir;
    AppConfig config;
    QStringList problems;
    loadConfigFile(writeIni(dir, "[auth]\ningest=ON\nkey_grace_hours=168\n"), &config, &problems);
    EXPECT_TRUE(problems.isEmpty()) << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(config.ingestAuth.mode, IngestAuthMode::On);
    EXPECT_EQ(config.ingestAuth.keyGraceHours, 168);

    AppConfig bad;
    loadConfigFile(writeIni(dir, "[auth]\ningest=maybe\nkey_grace_hours=169\n"), &bad, &problems);
    ASSERT_EQ(problems.size(), 2) << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(problems[0].contains(QStringLiteral("auth/ingest must be auto, on or off, not 'maybe'")));
    EXPECT_TRUE(
        problems[1].contains(QStringLiteral("auth/key_grace_hours must be a whole number of hours from 0 to 168")));
    EXPECT_EQ(bad.ingestAuth.mode, IngestAuthMode::Auto);
    EXPECT_EQ(bad.ingestAuth.keyGraceHours, 24);

    problems.clear();
    loadConfigFile(writeIni(dir, "[auth]\ningest=off\nkey_grace_hours=-1\n"), &bad, &problems);
    EXPECT_EQ(problems.size(), 1);
    EXPECT_EQ(bad.ingestAuth.mode, IngestAuthMode::Off);
}

TEST(IngestAuthConfig, TheExampleConfigCarriesBothKnobsAndLoadsBack)
{
    QTemporaryDir dir;
    AppConfig config;
    config.ingestAuth.mode = IngestAuthMode::Off;
    config.ingestAuth.keyGraceHours = 3;
    QStringList problems;
    loadConfigFile(writeIni(dir, exampleConfig().toUtf8()), &config, &problems);
    EXPECT_TRUE(problems.isEmpty()) << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(config.ingestAuth.mode, IngestAuthMode::Auto) << "the example's ingest=auto was read";
    EXPECT_EQ(config.ingestAuth.keyGraceHours, 24);
}

TEST(IngestAuthConfig, AutoIsOffOnLoopbackOnly)
{
    IngestAuthOptions options;
    EXPECT_FALSE(ingestAuthRequired(options, "127.0.0.1"));
    EXPECT_FALSE(ingestAuthRequired(options, "::1"));
    EXPECT_TRUE(ingestAuthRequired(options, "0.0.0.0"));
    EXPECT_TRUE(ingestAuthRequired(options, "192.0.2.10"));
    options.mode = IngestAuthMode::On;
    EXPECT_TRUE(ingestAuthRequired(options, "127.0.0.1"));
    options.mode = IngestAuthMode::Off;
    EXPECT_FALSE(ingestAuthRequired(options, "0.0.0.0"));
}

TEST(IngestAuthConfig, FirstStartOnAPublicBindExplainsHowToCreateTheFirstKey)
{
    IngestAuthOptions options;
    const QString notice = ingestAuthStartupNotice(options, "0.0.0.0", 0);
    EXPECT_TRUE(notice.contains(QStringLiteral("spanlight keys create --tenant NAME --user ADMIN")))
        << notice.toStdString();
    EXPECT_TRUE(notice.contains(QStringLiteral("0.0.0.0")));
    EXPECT_TRUE(notice.contains(QStringLiteral("401")));
    EXPECT_TRUE(notice.contains(QStringLiteral("Authorization: Bearer")));
    EXPECT_TRUE(notice.contains(QStringLiteral("auth/ingest=off")));
    EXPECT_TRUE(ingestAuthStartupNotice(options, "0.0.0.0", 1).isEmpty()) << "a key exists: nothing to say";
    EXPECT_TRUE(ingestAuthStartupNotice(options, "127.0.0.1", 0).isEmpty()) << "loopback, auto: auth is off";

    options.mode = IngestAuthMode::On;
    EXPECT_TRUE(ingestAuthStartupNotice(options, "127.0.0.1", 0).contains(QStringLiteral("auth/ingest=on")));

    options.mode = IngestAuthMode::Off;
    const QString open = ingestAuthStartupNotice(options, "0.0.0.0", 0);
    EXPECT_TRUE(open.contains(QStringLiteral("any tenant"))) << open.toStdString();
    EXPECT_TRUE(ingestAuthStartupNotice(options, "127.0.0.1", 0).isEmpty());
}
