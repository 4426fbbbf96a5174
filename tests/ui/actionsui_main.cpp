// main() of the users/roles/actions UI tests: a QApplication, offscreen unless
// told otherwise, with the config dir (QSettings, audit keys) in a temporary
// directory, and the shared generated telemetry closed before the app goes.

#include "controlconsole.h"

#include <QApplication>
#include <QTemporaryDir>
#include <gtest/gtest.h>

namespace {

class SharedTelemetry : public ::testing::Environment
{
public:
    void TearDown() override { spanlight::test::releaseSharedTelemetry(); }
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Before QApplication: QSettings decides its directory once.
    QTemporaryDir config;
    qputenv("XDG_CONFIG_HOME", config.path().toUtf8());
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("spanlight-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("actions_ui_tests"));
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new SharedTelemetry);
    return RUN_ALL_TESTS();
}
