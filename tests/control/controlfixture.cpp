#include "controlfixture.h"

#include "passwordhasher.h"

#include <QFile>

namespace spanlight::test {

void ControlFixture::SetUp()
{
    ASSERT_TRUE(dir.isValid());
    config.dataDir = dir.filePath(QStringLiteral("data"));
    config.access.auditKeyFile = dir.filePath(QStringLiteral("config/audit.key"));
    config.access.auth.cost = PasswordCost { PasswordCost::kMinOps, PasswordCost::kMinMemBytes };
    platform = std::make_unique<DemoControlPlane>(gate, std::vector<std::string> { "acme", "globex", "initech" });
    std::string error;
    ASSERT_TRUE(platform->start(&error)) << error;
    openRuntime();
}

void ControlFixture::TearDown()
{
    runtime.reset();
    if (platform)
        platform->stop();
}

void ControlFixture::openRuntime(bool withPlatform, TelemetryWriter* telemetry)
{
    runtime.reset();
    AppConfig c = config;
    if (withPlatform) {
        c.controlPlane.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(platform->port());
        c.controlPlane.secret = QByteArray::fromStdString(platform->secret());
        c.controlPlane.initialBackoffMs = 1;
    }
    runtime = std::make_unique<ControlRuntime>(c, [this] { return nowMs; });
    QString error;
    ASSERT_TRUE(runtime->open(telemetry, &error)) << error.toStdString();
}

void ControlFixture::addUser(const QString& name, Role role, const QByteArray& password)
{
    UserRecord user;
    user.name = name;
    user.role = role;
    user.passwordHash = hashPassword(password, config.access.auth.cost);
    user.createdMs = nowMs;
    std::string error;
    ASSERT_TRUE(runtime->store().addUser(user, &error)) << error;
}

Session ControlFixture::signIn(const QString& name, const QByteArray& password)
{
    const LoginResult result = runtime->auth().login(name, password, QStringLiteral("password"));
    EXPECT_TRUE(result.ok) << result.error.toStdString();
    return result.session;
}

std::vector<AuditEntry> ControlFixture::audit()
{
    AuditFilter all;
    all.limit = 1'000'000;
    std::vector<AuditEntry> entries = runtime->store().auditEntries(all);
    std::reverse(entries.begin(), entries.end());
    return entries;
}

QByteArray ControlFixture::fileBytes(const QString& path) const
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace spanlight::test
