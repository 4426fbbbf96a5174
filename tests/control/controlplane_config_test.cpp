// The control_plane/* config knobs and the secret file's checks.
#include "appconfig.h"
#include "controlplaneconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace spanlight;

namespace {

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text,
    QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    f.close();
    f.setPermissions(permissions);
    return path;
}

QString joined(const QStringList& problems)
{
    return problems.join(QLatin1Char('\n'));
}

} // namespace

TEST(ControlPlaneConfig, EveryKnobIsReadAndTheSecretComesFromItsFile)
{
    QTemporaryDir dir;
    writeFile(dir, QStringLiteral("cp.secret"), "0123456789abcdef0123456789abcdef\n");
    const QString path = writeFile(dir, QStringLiteral("spanlight.conf"),
        "[control_plane]\nurl=https://platform.example/spanlight\nsecret_file=cp.secret\n"
        "timeout_ms=1500\nmax_attempts=6\n");
    AppConfig config;
    QStringList problems;
    loadConfigFile(path, &config, &problems);
    EXPECT_TRUE(problems.isEmpty()) << joined(problems).toStdString();
    EXPECT_EQ(config.controlPlane.baseUrl, QStringLiteral("https://platform.example/spanlight"));
    EXPECT_EQ(config.controlPlane.secret, QByteArrayLiteral("0123456789abcdef0123456789abcdef")) << "newline trimmed";
    EXPECT_EQ(config.controlPlane.timeoutMs, 1500);
    EXPECT_EQ(config.controlPlane.maxAttempts, 6);
    EXPECT_EQ(config.controlPlaneSecretFile, dir.filePath(QStringLiteral("cp.secret"))) << "relative to the config";
}

TEST(ControlPlaneConfig, DefaultsMeanNotConfigured)
{
    const AppConfig config;
    EXPECT_TRUE(config.controlPlane.baseUrl.isEmpty());
    EXPECT_EQ(config.controlPlane.timeoutMs, 5000);
    EXPECT_EQ(config.controlPlane.maxAttempts, 4);
    EXPECT_FALSE(ControlPlaneClient(config.controlPlane).configured());
}

TEST(ControlPlaneConfig, OutOfRangeValuesAreReportedAndKeepTheDefaults)
{
    QTemporaryDir dir;
    const QString path
        = writeFile(dir, QStringLiteral("spanlight.conf"), "[control_plane]\ntimeout_ms=50\nmax_attempts=11\n");
    AppConfig config;
    QStringList problems;
    loadConfigFile(path, &config, &problems);
    ASSERT_EQ(problems.size(), 2) << joined(problems).toStdString();
    EXPECT_TRUE(problems[0].contains(QStringLiteral("control_plane/timeout_ms must be an integer from 100 to 600000")));
    EXPECT_TRUE(problems[1].contains(QStringLiteral("control_plane/max_attempts must be an integer from 1 to 10")));
    EXPECT_EQ(config.controlPlane.timeoutMs, 5000);
    EXPECT_EQ(config.controlPlane.maxAttempts, 4);
}

TEST(ControlPlaneConfig, AUrlWithoutASecretIsReported)
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("spanlight.conf"), "[control_plane]\nurl=http://127.0.0.1:9/\n");
    AppConfig config;
    QStringList problems;
    loadConfigFile(path, &config, &problems);
    ASSERT_EQ(problems.size(), 1);
    EXPECT_TRUE(problems[0].contains(QStringLiteral("control_plane/secret_file is not"))) << problems[0].toStdString();
}

TEST(ControlPlaneConfig, ASecretOthersCanReadIsRefused)
{
    QTemporaryDir dir;
    const QByteArray secret = "0123456789abcdef0123456789abcdef";
    QByteArray read;
    QString error;
    const QString groupReadable = writeFile(dir, QStringLiteral("group.secret"), secret,
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup);
    EXPECT_FALSE(readControlPlaneSecret(groupReadable, &read, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("chmod 600 ") + groupReadable)) << error.toStdString();
    const QString worldReadable = writeFile(dir, QStringLiteral("world.secret"), secret,
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
    EXPECT_FALSE(readControlPlaneSecret(worldReadable, &read, &error));
    EXPECT_TRUE(read.isEmpty());

    const QString ownerOnly = writeFile(dir, QStringLiteral("ok.secret"), secret);
    EXPECT_TRUE(readControlPlaneSecret(ownerOnly, &read, &error)) << error.toStdString();
    EXPECT_EQ(read, secret);

    // Through the config file: reported, and the secret stays empty so actions fail clearly.
    const QString path = writeFile(
        dir, QStringLiteral("spanlight.conf"), "[control_plane]\nurl=http://127.0.0.1:9/\nsecret_file=world.secret\n");
    AppConfig config;
    QStringList problems;
    loadConfigFile(path, &config, &problems);
    ASSERT_EQ(problems.size(), 1);
    EXPECT_TRUE(problems[0].contains(QStringLiteral("can be read or written by other users")));
    EXPECT_TRUE(config.controlPlane.secret.isEmpty());
}

TEST(ControlPlaneConfig, MissingShortAndOversizedSecretsAreRefused)
{
    QTemporaryDir dir;
    QByteArray read;
    QString error;
    EXPECT_FALSE(readControlPlaneSecret(dir.filePath(QStringLiteral("absent")), &read, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("does not exist")));
    EXPECT_FALSE(readControlPlaneSecret(writeFile(dir, QStringLiteral("short"), "  short-secret \n"), &read, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("shorter than 16 bytes"))) << error.toStdString();
    EXPECT_FALSE(readControlPlaneSecret(writeFile(dir, QStringLiteral("big"), QByteArray(5000, 'x')), &read, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("larger than 4096 bytes"))) << error.toStdString();
    EXPECT_TRUE(read.isEmpty());
}

TEST(ControlPlaneConfig, TheExampleConfigListsTheKnobsAndLoadsCleanly)
{
    const QString example = exampleConfig();
    for (const char* key : { "[control_plane]", "url=", "secret_file=", "timeout_ms=5000", "max_attempts=4" })
        EXPECT_TRUE(example.contains(QLatin1String(key))) << key;
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("spanlight.conf"), example.toUtf8());
    AppConfig config;
    QStringList problems;
    loadConfigFile(path, &config, &problems);
    // Only this section's keys are this suite's business (other sections have their own tests).
    EXPECT_TRUE(problems.filter(QStringLiteral("control_plane")).isEmpty()) << joined(problems).toStdString();
    EXPECT_TRUE(config.controlPlane.baseUrl.isEmpty());
}
