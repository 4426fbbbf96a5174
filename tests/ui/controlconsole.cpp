#include "controlconsole.h"

#include "appconfig.h"
#include "controlruntime.h"
#include "mainwindow.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonObject>
#include <QTest>
#include <gtest/gtest.h>

namespace spanlight::test {

namespace {
std::unique_ptr<ConsoleFixture> g_telemetry;
}

ConsoleFixture& sharedTelemetry()
{
    if (!g_telemetry)
        g_telemetry = std::make_unique<ConsoleFixture>(6000, 2);
    return *g_telemetry;
}

void releaseSharedTelemetry()
{
    g_telemetry.reset();
}

namespace {
// The shared telemetry's readers close before QApplication goes (main() is shared by every console test).
class SharedTelemetryRelease : public ::testing::Environment
{
public:
    void TearDown() override { releaseSharedTelemetry(); }
};
[[maybe_unused]] ::testing::Environment* const g_release
    = ::testing::AddGlobalTestEnvironment(new SharedTelemetryRelease);
} // namespace

const QByteArray ControlConsole::kPassword = QByteArrayLiteral("correct horse battery");

ControlConsole::ControlConsole(bool withUsers)
    : m_offsetMs(std::make_shared<std::atomic<int64_t>>(0))
{
    // The audit key goes to the default place, the XDG config dir, here the temporary directory.
    qputenv("XDG_CONFIG_HOME", m_dir.path().toUtf8());
    AppConfig config;
    config.dataDir = m_dir.path() + QStringLiteral("/data");
    config.access.auth.cost.opsLimit = PasswordCost::kMinOps;
    config.access.auth.cost.memLimitBytes = PasswordCost::kMinMemBytes;
    if (!config.access.auditKeyFile.startsWith(m_dir.path())) {
        m_error = QStringLiteral("the audit key would not land in the test directory: ") + config.access.auditKeyFile;
        return;
    }
    const auto offset = m_offsetMs;
    m_control = std::make_unique<ControlRuntime>(
        config, [offset] { return QDateTime::currentMSecsSinceEpoch() + offset->load(); });
    if (!m_control->open(nullptr, &m_error))
        return;
    if (!QFileInfo::exists(config.access.auditKeyFile)) {
        m_error = QStringLiteral("no audit key at ") + config.access.auditKeyFile;
        return;
    }
    if (!withUsers)
        return;
    const LoginResult first = m_control->auth().createFirstAdmin(QStringLiteral("ada"), kPassword);
    if (!first.ok) {
        m_error = first.error;
        return;
    }
    for (const auto& [name, role] :
        { std::pair { "bob", "admin" }, { "otto", "operator" }, { "vera", "viewer" }, { "aude", "auditor" } }) {
        ActionRequest add;
        add.action = Action::ManageUsers;
        add.target = QLatin1String(name);
        add.reason = QStringLiteral("test users");
        add.params = QJsonObject { { QStringLiteral("op"), QStringLiteral("add") },
            { QStringLiteral("role"), QLatin1String(role) },
            { QStringLiteral("password"), QString::fromUtf8(kPassword) } };
        const ActionResult added = m_control->actions().perform(first.session, add);
        if (added.status != ActionResult::Status::Done) {
            m_error = QStringLiteral("adding %1: %2").arg(add.target, added.message);
            return;
        }
    }
}

ControlConsole::~ControlConsole() = default;

Session ControlConsole::signIn(const QString& user)
{
    const LoginResult result = m_control->auth().login(user, kPassword, QStringLiteral("password"));
    return result.ok ? result.session : Session();
}

std::unique_ptr<MainWindow> ControlConsole::openWindow(const Session& session)
{
    ConsoleFixture& telemetry = sharedTelemetry();
    telemetry.context().setPreset(ConsoleContext::RangePreset::Hours24);
    auto window = std::make_unique<MainWindow>(
        &telemetry.context(), [&telemetry] { return telemetry.context().snapshot(); }, m_control.get(), session);
    window->resize(1366, 768);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    window->activateWindow();
    if (!QTest::qWaitForWindowActive(window.get())) // page shortcuts need the active window
        return nullptr;
    return window;
}

} // namespace spanlight::test
