// main() for every console test binary. ctest runs each test case as its own
// process, two at a time, so a settings file shared between processes lets one
// test's QSettings().clear() wipe what another just saved (the "remembers page,
// range, theme and geometry" test failed that way in CI). Each process gets its
// own config directory instead; it also holds the audit keys of ControlRuntime.

#include <QApplication>
#include <QFileInfo>
#include <QTemporaryDir>
#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    // Offscreen unless told otherwise (e.g. QT_QPA_PLATFORM=xcb under Xvfb).
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Before QApplication: QSettings decides its directory once, from XDG_CONFIG_HOME.
    QTemporaryDir config;
    if (!config.isValid()) {
        fprintf(stderr, "cannot create a temporary config directory: %s\n", qPrintable(config.errorString()));
        return 2;
    }
    qputenv("XDG_CONFIG_HOME", config.path().toUtf8());
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("spanlight-tests"));
    QCoreApplication::setApplicationName(QFileInfo(QString::fromLocal8Bit(argv[0])).fileName());
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
