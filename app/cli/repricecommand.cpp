#include "repricecommand.h"

#include "cliargs.h"
#include "pricetable.h"
#include "repricer.h"
#include "spendquery.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "timeargs.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QLockFile>
#include <QTextStream>
#include <map>

namespace spanlight::cli {

namespace {

const QString kUsageLine = QStringLiteral("spanlight reprice --since TIME [options]");

/// Re-pricing as at ingest: the same function, from a clean slate.
void priceStoredSpan(const PriceTable& table, SpanRecord& r)
{
    r.costNanoUsd.reset();
    r.priceRowId.reset();
    r.flags &= ~kFlagUnpriced;
    priceSpan(&table, r);
}

/// Rollup sums have no requests to tier and no per-request convention: price
/// them untiered, as current OTel counts tokens (docs/rollups.md).
std::optional<int64_t> priceTokenSums(
    const PriceTable& table, const std::string& model, int64_t atNs, const TokenSums& sums)
{
    const PriceRow* row = table.match("", model, atNs);
    if (!row)
        return std::nullopt;
    PriceRow untiered = *row;
    untiered.tiers.clear();
    SpanRecord usage;
    usage.inputTokens = sums.input;
    usage.outputTokens = sums.output;
    usage.cacheReadTokens = sums.cacheRead;
    usage.cacheWriteTokens = sums.cacheWrite;
    usage.reasoningTokens = sums.reasoning;
    usage.flags = kFlagInputIncludesCache | kFlagOutputIncludesReasoning;
    return costNanoUsd(untiered, usage);
}

/// Why the lock could not be taken, naming the instance that holds it.
QString lockRefusal(QLockFile& lock, const QString& dataDir)
{
    qint64 pid = 0;
    QString host, app;
    if (lock.error() == QLockFile::LockFailedError && lock.getLockInfo(&pid, &host, &app))
        return QStringLiteral("Spanlight is running on %1 (pid %2 on %3): stop it first. Re-pricing rewrites "
                              "telemetry.db, and only one process may write it.")
            .arg(dataDir)
            .arg(pid)
            .arg(host);
    return QStringLiteral("cannot take the lock file %1 (%2)")
        .arg(lock.fileName(),
            lock.error() == QLockFile::PermissionError ? QStringLiteral("permission denied")
                                                       : QStringLiteral("held by another process"));
}

/// Spend per tenant from the rollups, read-only: which tenants' requests are
/// unpriced before and after (RepriceResult counts costs only).
std::map<std::string, SpendTotals> spendByTenant(const QString& path, int64_t sinceNs, int64_t nowNs)
{
    SqliteConnection connection;
    std::string error;
    if (!connection.open(path, SqliteConnection::Mode::ReadOnly, SqliteDialect(), false, &error))
        return {};
    SpendQuery query;
    query.range = minuteRange(sinceNs, std::max(nowNs, sinceNs + 1));
    query.columnMinutes = static_cast<int>(std::min<int64_t>(query.range.minutes(), INT32_MAX));
    std::map<std::string, SpendTotals> byTenant;
    for (const SpendSeries& s : querySpend(connection.handle(), query).byTenant)
        byTenant[s.name] = s.total;
    return byTenant;
}

/// A tenant's cost, or "unpriced" when none of its requests had a price.
Cell costCell(int64_t nanoUsd, const SpendTotals& spend)
{
    if (spend.requests > 0 && spend.unpricedRequests == spend.requests)
        return Unpriced {};
    return nanoUsd;
}

struct SpendSnapshots
{
    std::map<std::string, SpendTotals> before, after;
};

Report tenantReport(const RepriceResult& result, int64_t sinceNs, const SpendSnapshots& spend)
{
    Report report;
    report.title = QStringLiteral("Re-priced spend since %1 UTC").arg(shortUtc(sinceNs));
    Section tenants { QStringLiteral("tenants"), {},
        { { QStringLiteral("tenant"), QStringLiteral("tenant"), Kind::Text },
            { QStringLiteral("before"), QStringLiteral("before"), Kind::Money },
            { QStringLiteral("after"), QStringLiteral("after"), Kind::Money },
            { QStringLiteral("difference"), QStringLiteral("difference"), Kind::Money },
            { QStringLiteral("unpriced_before"), QStringLiteral("unpriced before"), Kind::Integer },
            { QStringLiteral("unpriced_after"), QStringLiteral("unpriced after"), Kind::Integer },
            { QStringLiteral("spans_changed"), QStringLiteral("spans changed"), Kind::Integer },
            { QStringLiteral("rollup_rows_changed"), QStringLiteral("rollup rows changed"), Kind::Integer } },
        {} };
    RepriceResult::TenantChange total;
    const auto spendOf = [](const std::map<std::string, SpendTotals>& map, const std::string& tenant) {
        const auto it = map.find(tenant);
        return it == map.end() ? SpendTotals {} : it->second;
    };
    for (const auto& [tenant, c] : result.byTenant) {
        const SpendTotals before = spendOf(spend.before, tenant), after = spendOf(spend.after, tenant);
        tenants.rows.push_back({ tenant.empty() ? QStringLiteral("(no tenant)") : QString::fromStdString(tenant),
            costCell(c.beforeNanoUsd, before), costCell(c.afterNanoUsd, after), c.afterNanoUsd - c.beforeNanoUsd,
            before.unpricedRequests, after.unpricedRequests, c.spansChanged, c.rollupRowsChanged });
        total.beforeNanoUsd += c.beforeNanoUsd;
        total.afterNanoUsd += c.afterNanoUsd;
        total.spansChanged += c.spansChanged;
        total.rollupRowsChanged += c.rollupRowsChanged;
    }
    report.sections = { std::move(tenants) };
    const int64_t diff = total.afterNanoUsd - total.beforeNanoUsd;
    report.footer << QStringLiteral(
        "total: $%1 -> $%2 (%3$%4), %5 of %6 spans examined changed, %7 rollup rows changed")
                         .arg(usdText(total.beforeNanoUsd, 6), usdText(total.afterNanoUsd, 6),
                             diff < 0 ? QStringLiteral("-") : QStringLiteral("+"), usdText(diff < 0 ? -diff : diff, 6))
                         .arg(total.spansChanged)
                         .arg(result.spansExamined)
                         .arg(total.rollupRowsChanged);
    const QString caveat = QStringLiteral("(token sums priced as if input includes cache and output includes "
                                          "reasoning tokens; rows with client-reported costs unchanged; see "
                                          "docs/rollups.md)");
    if (result.rawHorizonNs == 0)
        report.footer << QStringLiteral("raw horizon: no raw spans are stored; all history since %1 was re-priced "
                                        "from rollups without tiers %2")
                             .arg(shortUtc(sinceNs), caveat);
    else if (sinceNs < result.rawHorizonNs)
        report.footer << QStringLiteral("raw horizon: %1 UTC; history before it was re-priced from rollups without "
                                        "tiers %2")
                             .arg(shortUtc(result.rawHorizonNs), caveat);
    else
        report.footer << QStringLiteral("raw horizon: %1 UTC; everything since %2 was re-priced span by span")
                             .arg(shortUtc(result.rawHorizonNs), shortUtc(sinceNs));
    report.meta.insert(QStringLiteral("command"), QStringLiteral("reprice"));
    report.meta.insert(QStringLiteral("since"), isoUtc(sinceNs));
    report.meta.insert(
        QStringLiteral("raw_horizon"), result.rawHorizonNs ? QJsonValue(isoUtc(result.rawHorizonNs)) : QJsonValue());
    report.meta.insert(QStringLiteral("spans_examined"), static_cast<qint64>(result.spansExamined));
    report.meta.insert(QStringLiteral("before_nano_usd"), static_cast<qint64>(total.beforeNanoUsd));
    report.meta.insert(QStringLiteral("after_nano_usd"), static_cast<qint64>(total.afterNanoUsd));
    return report;
}

} // namespace

int runReprice(const QStringList& words, int64_t nowNs, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Recomputes stored costs with the current price table (built-in + pricing.json next to the "
                       "config file). Stop Spanlight first: this writes telemetry.db."));
    addCommonOptions(parser);
    parser.addOption({ QStringLiteral("since"),
        QStringLiteral("Re-price from here on: ISO-8601 date/date-time or relative (-30d). Required."),
        QStringLiteral("time") });
    if (const auto code = parseCommandWords(parser, words, kUsageLine, out, err))
        return *code;
    const QString help = helpText(parser, kUsageLine);
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()), help, err);
    if (!parser.isSet(QStringLiteral("since")))
        return usageError(QStringLiteral("reprice needs --since"), help, err);
    QString error;
    const auto format = formatOption(parser, &error);
    const auto since = parseTimeArg(parser.value(QStringLiteral("since")), nowNs, &error);
    if (!format || !since)
        return usageError(error, help, err);

    const Location location = resolveLocation(parser);
    for (const QString& warning : location.warnings)
        err << "spanlight: config: " << warning << "\n";
    if (!QFileInfo(location.databasePath()).isFile()) {
        err << "spanlight: no telemetry database at " << location.databasePath() << "\n";
        return 1;
    }
    QLockFile lock(location.lockPath());
    lock.setStaleLockTime(0); // a lock whose process is gone is stale at once
    if (!lock.tryLock(0)) {
        err << "spanlight: " << lockRefusal(lock, location.dataDir) << "\n";
        return 1;
    }

    std::string message;
    const auto table = PriceTable::load(location.pricingFile().toStdString(), &message);
    if (!table) {
        err << "spanlight: cannot load the price table: " << QString::fromStdString(message) << "\n";
        return 1;
    }
    err << "reprice: " << table->rows().size() << " price rows"
        << (QFileInfo::exists(location.pricingFile())
                   ? QStringLiteral(", with your overrides from ") + location.pricingFile()
                   : QString())
        << "\nreprice: re-pricing spans since " << isoUtc(*since) << "…\n";
    err.flush();
    RepriceRequest request;
    request.databasePath = location.databasePath();
    request.sinceNs = *since;
    request.priceSpan = [&table](SpanRecord& r) { priceStoredSpan(*table, r); };
    request.priceSums = [&table](const std::string& model, int64_t atNs, const TokenSums& sums) {
        return priceTokenSums(*table, model, atNs, sums);
    };
    request.progress = [&err](int64_t done, int64_t total) {
        err << "reprice: " << done << " of " << total << " changed spans written\n";
        err.flush();
    };
    SpendSnapshots spend;
    spend.before = spendByTenant(location.databasePath(), *since, nowNs);
    const RepriceResult result = reprice(request);
    if (!result.error.empty()) {
        err << "spanlight: re-pricing failed: " << QString::fromStdString(result.error) << "\n";
        return 1;
    }
    spend.after = spendByTenant(location.databasePath(), *since, nowNs);
    writeReport(tenantReport(result, *since, spend), *format, out, err);
    return 0;
}

} // namespace spanlight::cli
