// `spanlight reprice` in-process, and the real binary next to a running instance.

#include "../process/spanlightprocess.h"
#include "clitestdb.h"
#include "testcollector.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

// gpt-4o at $7 / $21 per 1M tokens: 1000 in + 100 out = 9,100,000 nano-USD;
// mystery-model at $1 / $2: 500 in + 50 out = 600,000 nano-USD.
constexpr int64_t kNewChatCost = 9'100'000;
constexpr int64_t kNewMysteryCost = 600'000;

bool writePricing(const CliDb& db)
{
    QFile file(db.dataDir() + QStringLiteral("/pricing.json"));
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(R"({ "format": 1, "rows": [ { "pattern": "gpt-4o", "input": 7, "output": 21 },
        { "pattern": "mystery-model", "input": 1, "output": 2 } ] })");
    return true;
}

QStringList words(const CliDb& db, QStringList first)
{
    return first + db.location();
}

struct BinaryRun
{
    int code = -1;
    QString out, err;
};

BinaryRun runBinary(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(SPANLIGHT_BINARY), arguments);
    BinaryRun run;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace

TEST(CliReprice, ChangesCostsAndPrintsTheTenantDifference)
{
    CliDb db;
    ASSERT_TRUE(writeStandardData(db));
    ASSERT_TRUE(writePricing(db));
    const CliRun run
        = runCliInProcess(words(db, { QStringLiteral("reprice"), QStringLiteral("--since"), QStringLiteral("-7d") }));
    ASSERT_EQ(run.code, 0) << run.err.toStdString() << run.out.toStdString();

    DbProbe probe(db.dbPath());
    EXPECT_EQ(probe.scalar("SELECT COUNT(*) FROM spans WHERE cost_nano_usd = " + std::to_string(kNewChatCost)), 21);
    EXPECT_EQ(probe.scalar("SELECT COUNT(*) FROM spans WHERE flags & 16 = 0 AND cost_nano_usd = "
                  + std::to_string(kNewMysteryCost)),
        3);
    const int64_t stored = probe.scalar("SELECT SUM(cost_nano_usd) FROM spans WHERE flags & 32");

    // The table: globex went from unpriced to $0.0018; acme's difference is printed.
    const QStringList lines = run.out.split(QLatin1Char('\n'));
    const auto line = [&](const char* start) {
        const auto it = std::find_if(
            lines.begin(), lines.end(), [&](const QString& l) { return l.startsWith(QString::fromLatin1(start)); });
        return it == lines.end() ? QString() : *it;
    };
    EXPECT_TRUE(line("globex").contains(QStringLiteral("unpriced"))) << run.out.toStdString();
    EXPECT_TRUE(line("globex").contains(QStringLiteral("$0.0018"))) << run.out.toStdString();
    EXPECT_TRUE(line("acme, inc.").contains(QStringLiteral("$0.001255"))) << run.out.toStdString(); // before
    EXPECT_TRUE(run.out.contains(QStringLiteral("raw horizon:"))) << run.out.toStdString();
    EXPECT_TRUE(run.err.contains(QStringLiteral("overrides from"))) << run.err.toStdString();

    // The rollups moved with the spans: spend now reports the new costs.
    const CliRun spend = runCliInProcess(words(
        db, { QStringLiteral("query"), QStringLiteral("spend"), QStringLiteral("--format"), QStringLiteral("json") }));
    ASSERT_EQ(spend.code, 0) << spend.err.toStdString();
    const QJsonObject total = QJsonDocument::fromJson(spend.out.toUtf8()).object()[QStringLiteral("total")].toObject();
    EXPECT_EQ(total[QStringLiteral("cost_nano_usd")].toInteger(), stored);
    EXPECT_EQ(total[QStringLiteral("unpriced_requests")].toInteger(), 0);
}

TEST(CliReprice, RefusesWhileTheLockIsHeld)
{
    CliDb db;
    ASSERT_TRUE(writeStandardData(db));
    QLockFile lock(db.dataDir() + QStringLiteral("/spanlight.lock"));
    ASSERT_TRUE(lock.tryLock(0));
    const CliRun run = runCliInProcess(
        words(db, { QStringLiteral("reprice"), QStringLiteral("--since"), QStringLiteral("2026-11-01") }));
    EXPECT_EQ(run.code, 1);
    EXPECT_TRUE(run.err.contains(QStringLiteral("pid %1").arg(QCoreApplication::applicationPid())))
        << run.err.toStdString();
    DbProbe probe(db.dbPath());
    EXPECT_EQ(probe.scalar("SELECT SUM(cost_nano_usd) FROM spans WHERE flags & 32"), kAcmeCostNanoUsd);
    lock.unlock();
    EXPECT_EQ(runCliInProcess(words(db, { QStringLiteral("reprice") })).code, 2); // --since is required
}

TEST(CliBinary, QueriesWhileRunningAndRepriceWaitsForTheInstance)
{
    CliDb db;
    ASSERT_TRUE(writeStandardData(db));
    SpanlightProcess app(db.dataDir());
    ASSERT_TRUE(app.waitUntilListening()) << app.output().toStdString();

    // A reader beside the running writer (WAL).
    const BinaryRun spend = runBinary(words(db,
        { QStringLiteral("query"), QStringLiteral("spend"), QStringLiteral("--from"), QStringLiteral("2026-11-23"),
            QStringLiteral("--to"), QStringLiteral("2026-11-24"), QStringLiteral("--format"),
            QStringLiteral("json") }));
    ASSERT_EQ(spend.code, 0) << spend.err.toStdString();
    EXPECT_EQ(QJsonDocument::fromJson(spend.out.toUtf8())
                  .object()[QStringLiteral("total")][QStringLiteral("cost_nano_usd")]
                  .toInteger(),
        kAcmeCostNanoUsd);
    EXPECT_EQ(runBinary({ QStringLiteral("query"), QStringLiteral("bogus") }).code, 2);

    qint64 pid = 0;
    QString host, appName;
    ASSERT_TRUE(QLockFile(db.dataDir() + QStringLiteral("/spanlight.lock")).getLockInfo(&pid, &host, &appName));
    const BinaryRun refused
        = runBinary(words(db, { QStringLiteral("reprice"), QStringLiteral("--since"), QStringLiteral("-30d") }));
    EXPECT_EQ(refused.code, 1);
    EXPECT_TRUE(refused.err.contains(QStringLiteral("Spanlight is running on %1 (pid %2").arg(db.dataDir()).arg(pid)))
        << refused.err.toStdString();

    EXPECT_EQ(app.terminate(), 0);
    const BinaryRun done
        = runBinary(words(db, { QStringLiteral("reprice"), QStringLiteral("--since"), QStringLiteral("2026-11-01") }));
    EXPECT_EQ(done.code, 0) << done.err.toStdString();
    EXPECT_TRUE(done.out.contains(QStringLiteral("acme, inc."))) << done.out.toStdString();
}
