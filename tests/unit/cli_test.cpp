// The query commands in-process against a database written by the real writer.

#include "clitestdb.h"
#include "output.h"
#include "testcollector.h"
#include "timeargs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

struct CliQuery : ::testing::Test
{
    static void SetUpTestSuite()
    {
        s_db = new CliDb;
        ASSERT_TRUE(writeStandardData(*s_db));
    }
    static void TearDownTestSuite()
    {
        delete s_db;
        s_db = nullptr;
    }
    static CliRun query(QStringList arguments)
    {
        return runCliInProcess(QStringList { QStringLiteral("query") } + arguments + s_db->location());
    }
    static QJsonObject json(const CliRun& run)
    {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
        EXPECT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString() << run.out.toStdString();
        return doc.object();
    }
    static CliDb* s_db;
};
CliDb* CliQuery::s_db = nullptr;

QStringList args(std::initializer_list<const char*> words)
{
    QStringList list;
    for (const char* w : words)
        list << QString::fromUtf8(w);
    return list;
}

} // namespace

TEST(CliTimeArgs, RelativeIsoAndBadValues)
{
    QString error;
    EXPECT_EQ(cli::parseTimeArg(QStringLiteral("now"), kCliNow, &error), kCliNow);
    EXPECT_EQ(cli::parseTimeArg(QStringLiteral("-24h"), kCliNow, &error), kCliNow - 86'400 * kSecond);
    EXPECT_EQ(cli::parseTimeArg(QStringLiteral("-7d"), kCliNow, &error), kCliNow - 7 * 86'400 * kSecond);
    EXPECT_EQ(cli::parseTimeArg(QStringLiteral("now-30m"), kCliNow, &error), kCliNow - 1800 * kSecond);
    EXPECT_EQ(cli::parseTimeArg(QStringLiteral("2026-11-23"), 0, &error), kCliNow - 12 * 3600 * kSecond);
    EXPECT_EQ(cli::parseTimeArg(QStringLiteral("2026-11-23T12:00:00Z"), 0, &error), kCliNow);
    EXPECT_EQ(cli::parseTimeArg(QStringLiteral("2026-11-23 12:00"), 0, &error), kCliNow); // UTC without an offset
    EXPECT_EQ(cli::parseTimeArg(QStringLiteral("2026-11-23T14:00:00+02:00"), 0, &error), kCliNow);
    for (const char* bad : { "yesterday", "2026-13-01", "-5x", "24h", "2026-11-23T25:00" }) {
        error.clear();
        EXPECT_FALSE(cli::parseTimeArg(QString::fromLatin1(bad), kCliNow, &error)) << bad;
        EXPECT_TRUE(error.contains(QString::fromLatin1(bad))) << error.toStdString();
    }
    EXPECT_EQ(cli::parseDurationArg(QStringLiteral("2s"), &error), 2 * kSecond);
    EXPECT_EQ(cli::parseDurationArg(QStringLiteral("500ms"), &error), kSecond / 2);
    EXPECT_EQ(cli::parseDurationArg(QStringLiteral("1.5m"), &error), 90 * kSecond);
    EXPECT_FALSE(cli::parseDurationArg(QStringLiteral("fast"), &error));
    const TimeRange r = cli::minuteRange(kCliNow - 30 * kSecond, kCliNow + kSecond);
    EXPECT_EQ(r.fromMinute, kCliNow / (60 * kSecond) - 1);
    EXPECT_EQ(r.toMinute, kCliNow / (60 * kSecond) + 1); // the unfinished minute is included
}

TEST(CliOutput, MoneyNeverRoundsToZeroAndCsvQuotes)
{
    EXPECT_EQ(cli::usdText(3), QStringLiteral("0.000000003"));
    EXPECT_EQ(cli::usdText(3, 4), QStringLiteral("0.000000003"));
    EXPECT_EQ(cli::usdText(1'234'567, 4), QStringLiteral("0.001235"));
    EXPECT_EQ(cli::usdText(1'234'567), QStringLiteral("0.001234567"));
    EXPECT_EQ(cli::usdText(12'500'000'000), QStringLiteral("12.50"));
    EXPECT_EQ(cli::usdText(-1'500'000'000, 4), QStringLiteral("-1.50"));
    EXPECT_EQ(cli::csvField(QStringLiteral("a, \"b\"")), QStringLiteral("\"a, \"\"b\"\"\""));
    EXPECT_EQ(cli::csvField(QStringLiteral("plain")), QStringLiteral("plain"));
}

TEST_F(CliQuery, SpendJsonTotalsEqualStoredCosts)
{
    const CliRun run = query(args({ "spend", "--format", "json" }));
    ASSERT_EQ(run.code, 0) << run.err.toStdString();
    const QJsonObject root = json(run);
    DbProbe probe(s_db->dbPath());
    const int64_t stored = probe.scalar("SELECT SUM(cost_nano_usd) FROM spans WHERE flags & 32");
    EXPECT_EQ(stored, kAcmeCostNanoUsd);
    EXPECT_EQ(root[QStringLiteral("total")][QStringLiteral("cost_nano_usd")].toInteger(), stored);
    int64_t sum = 0;
    for (const QJsonValue& row : root[QStringLiteral("totals")].toArray())
        sum += row[QStringLiteral("cost_nano_usd")].toInteger();
    EXPECT_EQ(sum, stored);
    const QJsonArray totals = root[QStringLiteral("totals")].toArray();
    ASSERT_EQ(totals.size(), 2);
    EXPECT_EQ(totals[0][QStringLiteral("tenant")].toString(), QStringLiteral("acme, inc."));
    EXPECT_EQ(totals[0][QStringLiteral("cost_usd")].toString(), QStringLiteral("0.00125457"));
    // globex's cost is unknown: "unpriced", never 0.
    EXPECT_EQ(totals[1][QStringLiteral("tenant")].toString(), QStringLiteral("globex"));
    EXPECT_EQ(totals[1][QStringLiteral("cost_usd")].toString(), QStringLiteral("unpriced"));
    EXPECT_TRUE(totals[1][QStringLiteral("cost_nano_usd")].isNull());
    EXPECT_EQ(totals[1][QStringLiteral("unpriced_requests")].toInteger(), 3);
    EXPECT_TRUE(root[QStringLiteral("notices")].toArray().first().toString().startsWith(QStringLiteral("unpriced: 3")));
}

TEST_F(CliQuery, SpendTableShowsTinyCostsAndUnpriced)
{
    const CliRun run = query(args({ "spend", "--by", "model" }));
    ASSERT_EQ(run.code, 0) << run.err.toStdString();
    EXPECT_TRUE(run.out.contains(QStringLiteral("$0.000000003"))) << run.out.toStdString(); // the embedding call
    EXPECT_TRUE(run.out.contains(QStringLiteral("mystery-model"))) << run.out.toStdString();
    EXPECT_TRUE(run.out.contains(QStringLiteral("unpriced: 3 requests"))) << run.out.toStdString();
    EXPECT_FALSE(run.out.contains(QStringLiteral("$0.00 "))) << run.out.toStdString();
    const QStringList lines = run.out.split(QLatin1Char('\n'));
    const auto mystery = std::find_if(
        lines.begin(), lines.end(), [](const QString& l) { return l.startsWith(QStringLiteral("mystery-model")); });
    ASSERT_NE(mystery, lines.end());
    EXPECT_TRUE(mystery->contains(QStringLiteral("unpriced"))) << mystery->toStdString();
}

TEST_F(CliQuery, SpendCsvParsesBack)
{
    const CliRun run = query(args({ "spend", "--format", "csv", "--bucket", "1d" }));
    ASSERT_EQ(run.code, 0) << run.err.toStdString();
    const std::vector<QStringList> rows = parseCsv(run.out);
    ASSERT_GE(rows.size(), 3u) << run.out.toStdString();
    const QStringList& header = rows[0];
    EXPECT_EQ(header.first(), QStringLiteral("tenant"));
    const auto col = [&](const char* key) { return header.indexOf(QString::fromLatin1(key)); };
    ASSERT_GE(col("cost_nano_usd"), 0);
    EXPECT_EQ(rows[1].size(), header.size());
    EXPECT_EQ(rows[1][0], QStringLiteral("acme, inc.")); // the quoted comma survived
    EXPECT_EQ(rows[1][col("cost_nano_usd")].toLongLong(), kAcmeCostNanoUsd);
    EXPECT_EQ(rows[1][col("requests")].toLongLong(), 22);
    EXPECT_EQ(rows[2][col("cost_usd")], QStringLiteral("unpriced"));
    EXPECT_TRUE(run.err.contains(QStringLiteral("unpriced: 3"))) << "notices go to stderr with CSV";
}

TEST_F(CliQuery, TracePrintsEverySpanAsATree)
{
    const CliRun run = query(args({ "trace", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a101" }));
    ASSERT_EQ(run.code, 0) << run.err.toStdString();
    for (const char* line :
        { "\nagent run ", "\n  chat gpt-4o ", "\n  tool lookup ", "\n    embeddings text-embedding-3-small " })
        EXPECT_TRUE(run.out.contains(QString::fromLatin1(line))) << line << "\n" << run.out.toStdString();
    EXPECT_TRUE(run.out.contains(QStringLiteral("ERROR rate_limit: 429, retry later"))) << run.out.toStdString();
    EXPECT_TRUE(run.out.contains(QStringLiteral("$0.001235"))) << run.out.toStdString();
    EXPECT_TRUE(run.out.contains(QStringLiteral("retrying after 429"))) << run.out.toStdString();

    const CliRun js = query(args({ "trace", "A1A1A1A1A1A1A1A1A1A1A1A1A1A1A101", "--format", "json" }));
    ASSERT_EQ(js.code, 0) << js.err.toStdString();
    EXPECT_EQ(json(js)[QStringLiteral("spans")].toArray().size(), 4);

    const CliRun missing = query(args({ "trace", "00000000000000000000000000000099" }));
    EXPECT_EQ(missing.code, 1);
    EXPECT_TRUE(missing.err.contains(QStringLiteral("no trace"))) << missing.err.toStdString();
    EXPECT_EQ(query(args({ "trace", "xyz" })).code, 2);
}

TEST_F(CliQuery, HeatmapFailingPromptsAndCompareRun)
{
    const CliRun heatmap = query(args({ "heatmap", "--columns", "12" }));
    ASSERT_EQ(heatmap.code, 0) << heatmap.err.toStdString();
    EXPECT_TRUE(heatmap.out.contains(QStringLiteral("│"))) << heatmap.out.toStdString();
    EXPECT_TRUE(heatmap.out.contains(QStringLiteral("p99"))) << heatmap.out.toStdString();
    const CliRun cells = query(args({ "heatmap", "--format", "json" }));
    ASSERT_EQ(cells.code, 0) << cells.err.toStdString();
    int64_t spans = 0;
    for (const QJsonValue& cell : json(cells)[QStringLiteral("cells")].toArray())
        spans += cell[QStringLiteral("spans")].toInteger();
    EXPECT_EQ(spans, 27);

    const CliRun prompts = query(args({ "failing-prompts", "--rank", "rate", "--min-volume", "1" }));
    EXPECT_EQ(prompts.code, 0) << prompts.err.toStdString();

    const CliRun compare = query(args({ "compare", "--latency-min", "8s", "--format", "json" }));
    ASSERT_EQ(compare.code, 0) << compare.err.toStdString();
    const QJsonObject c = json(compare);
    EXPECT_EQ(c[QStringLiteral("selection_spans")].toInteger(), 3);
    bool globexFirst = false;
    for (const QJsonValue& row : c[QStringLiteral("attributes")].toArray())
        if (row[QStringLiteral("key")].toString() == QStringLiteral("tenant")) {
            globexFirst = row[QStringLiteral("value")].toString() == QStringLiteral("globex");
            break;
        }
    EXPECT_TRUE(globexFirst) << compare.out.toStdString();
}

TEST_F(CliQuery, UsageErrorsExitTwoAndNameTheValue)
{
    const CliRun unknown = query(args({ "spendz" }));
    EXPECT_EQ(unknown.code, 2);
    EXPECT_TRUE(unknown.err.contains(QStringLiteral("unknown query command 'spendz'")));
    EXPECT_TRUE(unknown.err.contains(QStringLiteral("Usage: spanlight query")));
    EXPECT_EQ(query(args({ "spend", "--colour" })).code, 2);
    const CliRun badDate = query(args({ "spend", "--from", "2026-02-30" }));
    EXPECT_EQ(badDate.code, 2);
    EXPECT_TRUE(badDate.err.contains(QStringLiteral("'2026-02-30'"))) << badDate.err.toStdString();
    EXPECT_EQ(query(args({ "spend", "--format", "xml" })).code, 2);
    EXPECT_EQ(query(args({ "failing-prompts", "--limit", "0" })).code, 2);
    const CliRun help = query(args({ "heatmap", "--help" }));
    EXPECT_EQ(help.code, 0);
    EXPECT_TRUE(help.out.contains(QStringLiteral("--columns")));

    const CliRun missing = runCliInProcess(
        args({ "query", "spend", "--data-dir", "/nonexistent/spanlight", "--config", "/nonexistent/spanlight.conf" }));
    EXPECT_EQ(missing.code, 1);
    EXPECT_TRUE(missing.err.contains(QStringLiteral("no telemetry database at /nonexistent/spanlight/telemetry.db")))
        << missing.err.toStdString();
}
