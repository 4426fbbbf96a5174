#include "appconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace spanlight;

namespace {

QString writeIni(const QTemporaryDir& dir, const char* text)
{
    const QString path = dir.path() + QStringLiteral("/spanlight.conf");
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    return path;
}

} // namespace

TEST(AppConfig, EveryKnobIsReadFromTheFile)
{
    QTemporaryDir dir;
    const QString path = writeIni(dir,
        "[receivers]\nbind=0.0.0.0\nhttp_port=9318\ngrpc_port=9317\n"
        "[limits]\nmax_body_bytes=1000\nmax_anyvalue_depth=8\nmax_connections=3\n"
        "header_timeout_ms=250\n[storage]\nmax_queued_items=77\nsynchronous=normal\nwal_restart_pages=999\n"
        "data_dir=/tmp/x\n");
    AppConfig config;
    QStringList problems;
    loadConfigFile(path, &config, &problems);
    EXPECT_TRUE(problems.isEmpty()) << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(config.receivers.bind, "0.0.0.0");
    EXPECT_EQ(config.receivers.httpPort, 9318);
    EXPECT_EQ(config.receivers.grpcPort, 9317);
    EXPECT_EQ(config.limits.maxBodyBytes, 1000u);
    EXPECT_EQ(config.limits.maxAnyValueDepth, 8);
    EXPECT_EQ(config.limits.maxConnections, 3u);
    EXPECT_EQ(config.limits.headerTimeoutMs, 250);
    EXPECT_EQ(config.writer.maxQueuedItems, 77u);
    EXPECT_EQ(config.writer.walRestartPages, 999);
    EXPECT_FALSE(config.writer.synchronousFull);
    EXPECT_EQ(config.dataDir, QStringLiteral("/tmp/x"));
}

TEST(AppConfig, BadValuesAndUnknownKeysAreReportedAndKeepDefaults)
{
    QTemporaryDir dir;
    const QString path
        = writeIni(dir, "[limits]\nmax_body_bytes=lots\nmax_bodybytes=5\n[receivers]\nhttp_port=70000\n");
    AppConfig config;
    QStringList problems;
    loadConfigFile(path, &config, &problems);
    EXPECT_EQ(problems.size(), 3) << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(config.limits.maxBodyBytes, IngestLimits().maxBodyBytes);
    EXPECT_EQ(config.receivers.httpPort, 4318);
}

TEST(AppConfig, MissingFileMeansDefaultsAndExampleListsEveryKnob)
{
    AppConfig config;
    QStringList problems;
    loadConfigFile(QStringLiteral("/nonexistent/spanlight.conf"), &config, &problems);
    EXPECT_TRUE(problems.isEmpty());
    const QString example = exampleConfig();
    for (const char* key : { "max_body_bytes", "max_decoding_bytes", "max_anyvalue_depth", "max_attributes",
             "max_attribute_value_bytes", "header_timeout_ms", "max_connections", "max_queued_items", "dedup_window" })
        EXPECT_TRUE(example.contains(QString::fromLatin1(key))) << key;
}

TEST(AppConfig, LoopbackDetection)
{
    EXPECT_TRUE(isLoopback("127.0.0.1"));
    EXPECT_TRUE(isLoopback("::1"));
    EXPECT_FALSE(isLoopback("0.0.0.0"));
    EXPECT_FALSE(isLoopback("192.0.2.10"));
}

TEST(AppConfig, GenAiKnobs)
{
    AppConfig defaults;
    EXPECT_FALSE(defaults.receivers.genai.captureContent) << "prompts may hold personal data: off unless asked";
    EXPECT_EQ(defaults.receivers.genai.tenantKeys,
        (std::vector<std::string> { "tenant.id", "tenant", "customer.id", "openinference.project.name" }));

    QTemporaryDir dir;
    AppConfig config;
    QStringList problems;
    loadConfigFile(writeIni(dir, "[genai]\ncapture_content=true\ntenant_attributes=org.id, account , tenant.id\n"),
        &config, &problems);
    EXPECT_TRUE(problems.isEmpty()) << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(config.receivers.genai.captureContent);
    EXPECT_EQ(config.receivers.genai.tenantKeys, (std::vector<std::string> { "org.id", "account", "tenant.id" }));

    AppConfig quoted;
    loadConfigFile(
        writeIni(dir, "[genai]\ncapture_content=maybe\ntenant_attributes=\"x.tenant\"\n"), &quoted, &problems);
    EXPECT_EQ(problems.size(), 1) << "a bad boolean is reported";
    EXPECT_FALSE(quoted.receivers.genai.captureContent);
    EXPECT_EQ(quoted.receivers.genai.tenantKeys, (std::vector<std::string> { "x.tenant" }));
}

TEST(AppConfig, ExampleConfigLoadsBackWithTheGenAiDefaults)
{
    QTemporaryDir dir;
    QFile f(dir.path() + QStringLiteral("/example.conf"));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(exampleConfig().toUtf8());
    f.close();
    AppConfig config;
    config.receivers.genai.captureContent = true;
    config.receivers.genai.tenantKeys.clear();
    QStringList problems;
    loadConfigFile(f.fileName(), &config, &problems);
    EXPECT_TRUE(problems.isEmpty()) << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_FALSE(config.receivers.genai.captureContent);
    EXPECT_EQ(config.receivers.genai.tenantKeys, GenAiSettings().tenantKeys);
}

TEST(AppConfig, MemoryCapSetsTheThreeIngestBudgetsAndExplicitKeysWin)
{
    // The default cap is what the three budgets default to.
    AppConfig derived;
    applyIngestMemoryCap(kDefaultMemoryCapMiB, &derived);
    const AppConfig defaults;
    EXPECT_EQ(derived.limits.maxReceivingBytes, defaults.limits.maxReceivingBytes);
    EXPECT_EQ(derived.limits.maxDecodingBytes, defaults.limits.maxDecodingBytes);
    EXPECT_EQ(derived.writer.maxQueuedBytes, defaults.writer.maxQueuedBytes);

    QTemporaryDir dir;
    AppConfig config;
    QStringList problems;
    loadConfigFile(writeIni(dir, "[limits]\nmemory_cap_mb=384\nmax_decoding_bytes=1000000\n"), &config, &problems);
    EXPECT_TRUE(problems.isEmpty()) << problems.join(QLatin1Char('\n')).toStdString();
    // 128 MiB kept for what does not grow with load; a quarter of the other 256 each.
    EXPECT_EQ(config.limits.maxReceivingBytes, 64u << 20);
    EXPECT_EQ(config.writer.maxQueuedBytes, 64u << 20);
    EXPECT_EQ(config.limits.maxDecodingBytes, 1000000u) << "an explicit budget wins over the cap's share";

    for (const char* bad : { "[limits]\nmemory_cap_mb=256\n", "[limits]\nmemory_cap_mb=lots\n" }) {
        AppConfig untouched;
        QStringList reported;
        loadConfigFile(writeIni(dir, bad), &untouched, &reported);
        ASSERT_EQ(reported.size(), 1) << bad;
        EXPECT_TRUE(reported.front().contains(QStringLiteral("memory_cap_mb"))) << reported.front().toStdString();
        EXPECT_EQ(untouched.limits.maxReceivingBytes, defaults.limits.maxReceivingBytes);
    }
    EXPECT_TRUE(exampleConfig().contains(QStringLiteral("memory_cap_mb=1024")));
    EXPECT_TRUE(exampleConfig().contains(QStringLiteral("max_receiving_bytes=")));
}
