// `spanlight query spend` and `spanlight query failing-prompts`: both read rollups.

#include "cliargs.h"
#include "failingpromptsquery.h"
#include "querycontext.h"
#include "spendquery.h"
#include "timeargs.h"

#include <QCommandLineParser>
#include <QJsonObject>

namespace spanlight::cli {

namespace {

constexpr int64_t kMinuteNs = 60 * kNsPerSecond;

/// A cost that is entirely unknown reads "unpriced", never $0; a partly priced
/// one shows what is known and the unpriced count sits in its own column.
Cell costCell(const SpendTotals& t)
{
    if (t.requests > 0 && t.unpricedRequests == t.requests)
        return Unpriced {};
    return t.costNanoUsd;
}

QJsonObject totalsJson(const SpendTotals& t)
{
    QJsonObject o;
    o.insert(QStringLiteral("requests"), static_cast<qint64>(t.requests));
    o.insert(QStringLiteral("input_tokens"), static_cast<qint64>(t.inputTokens));
    o.insert(QStringLiteral("output_tokens"), static_cast<qint64>(t.outputTokens));
    o.insert(QStringLiteral("cache_read_tokens"), static_cast<qint64>(t.cacheReadTokens));
    o.insert(QStringLiteral("cache_write_tokens"), static_cast<qint64>(t.cacheWriteTokens));
    o.insert(QStringLiteral("reasoning_tokens"), static_cast<qint64>(t.reasoningTokens));
    o.insert(QStringLiteral("cost_usd"), usdText(t.costNanoUsd));
    o.insert(QStringLiteral("cost_nano_usd"), static_cast<qint64>(t.costNanoUsd));
    o.insert(QStringLiteral("unpriced_requests"), static_cast<qint64>(t.unpricedRequests));
    o.insert(QStringLiteral("client_cost_requests"), static_cast<qint64>(t.clientCostRequests));
    return o;
}

QJsonObject rangeJson(const QueryContext& context)
{
    QJsonObject meta;
    meta.insert(QStringLiteral("from"), isoUtc(context.range.fromMinute * kMinuteNs));
    meta.insert(QStringLiteral("to"), isoUtc(context.range.toMinute * kMinuteNs));
    meta.insert(QStringLiteral("filters"), filterText(context.filters));
    return meta;
}

QueryOutcome runSpend(const QueryContext& context)
{
    QString error;
    const auto by = choiceOption(
        context.parser, QStringLiteral("by"), { QStringLiteral("tenant"), QStringLiteral("model") }, &error);
    const auto bucket = choiceOption(
        context.parser, QStringLiteral("bucket"), { QStringLiteral("1h"), QStringLiteral("1d") }, &error);
    if (!by || !bucket)
        return QueryOutcome::usage(error);
    sqlite3* db = context.database(&error);
    if (!db)
        return QueryOutcome::failure(error);
    SpendQuery query;
    query.range = context.range;
    query.columnMinutes = *bucket == QStringLiteral("1d") ? 1440 : 60;
    query.filters = context.filters;
    const SpendResult result = querySpend(db, query);
    if (!result.ok())
        return QueryOutcome::failure(QString::fromStdString(result.error));

    const bool byModel = *by == QStringLiteral("model");
    const std::vector<SpendSeries>& series = byModel ? result.byModel : result.byTenant;
    const auto seriesName = [&](const SpendSeries& s) {
        return s.name.empty() ? (byModel ? QStringLiteral("(no model)") : QStringLiteral("(no tenant)"))
                              : QString::fromStdString(s.name);
    };
    const Column nameColumn { *by, byModel ? QStringLiteral("model") : QStringLiteral("tenant"), Kind::Text };

    QueryOutcome outcome;
    Report& report = outcome.report;
    const QString filters = filterText(context.filters);
    report.title = QStringLiteral("Spend %1, by %2%3")
                       .arg(rangeText(context), *by,
                           filters.isEmpty() ? QString() : QStringLiteral(" (") + filters + QLatin1Char(')'));
    Section totals { QStringLiteral("totals"), {},
        { nameColumn, { QStringLiteral("requests"), QStringLiteral("requests"), Kind::Integer },
            { QStringLiteral("input_tokens"), QStringLiteral("input tok"), Kind::Integer },
            { QStringLiteral("output_tokens"), QStringLiteral("output tok"), Kind::Integer },
            { QStringLiteral("cache_read_tokens"), QStringLiteral("cache read"), Kind::Integer },
            { QStringLiteral("cache_write_tokens"), QStringLiteral("cache write"), Kind::Integer },
            { QStringLiteral("reasoning_tokens"), QStringLiteral("reasoning"), Kind::Integer },
            { QStringLiteral("cost"), QStringLiteral("cost"), Kind::Money },
            { QStringLiteral("unpriced_requests"), QStringLiteral("unpriced"), Kind::Integer } },
        {} };
    for (const SpendSeries& s : series) {
        const SpendTotals& t = s.total;
        totals.rows.push_back({ seriesName(s), t.requests, t.inputTokens, t.outputTokens, t.cacheReadTokens,
            t.cacheWriteTokens, t.reasoningTokens, costCell(t), t.unpricedRequests });
    }
    Section buckets { QStringLiteral("buckets"),
        *bucket == QStringLiteral("1d") ? QStringLiteral("Per day") : QStringLiteral("Per hour"),
        { { QStringLiteral("bucket_start"), QStringLiteral("bucket (UTC)"), Kind::Time }, nameColumn,
            { QStringLiteral("requests"), QStringLiteral("requests"), Kind::Integer },
            { QStringLiteral("input_tokens"), QStringLiteral("input tok"), Kind::Integer },
            { QStringLiteral("output_tokens"), QStringLiteral("output tok"), Kind::Integer },
            { QStringLiteral("cost"), QStringLiteral("cost"), Kind::Money },
            { QStringLiteral("unpriced_requests"), QStringLiteral("unpriced"), Kind::Integer } },
        {} };
    for (size_t c = 0; c < result.columnStarts.size(); ++c)
        for (const SpendSeries& s : series) {
            if (c >= s.perColumn.size() || s.perColumn[c].requests == 0)
                continue;
            const SpendTotals& t = s.perColumn[c];
            buckets.rows.push_back({ result.columnStarts[c] * kMinuteNs, seriesName(s), t.requests, t.inputTokens,
                t.outputTokens, costCell(t), t.unpricedRequests });
        }
    report.sections = { std::move(totals), std::move(buckets) };

    const SpendTotals& g = result.grand;
    report.footer << QStringLiteral("total: %1 requests, $%2").arg(g.requests).arg(usdText(g.costNanoUsd, 6))
            + (g.unpricedRequests ? QStringLiteral(" for the priced ones") : QString());
    report.meta = rangeJson(context);
    report.meta.insert(QStringLiteral("command"), QStringLiteral("spend"));
    report.meta.insert(QStringLiteral("by"), *by);
    report.meta.insert(QStringLiteral("bucket"), *bucket);
    report.meta.insert(QStringLiteral("total"), totalsJson(g));
    report.meta.insert(QStringLiteral("complete"), result.coverage.complete);
    if (g.unpricedRequests > 0)
        report.notices << QStringLiteral("unpriced: %1 requests (no price row matched their model: their cost is "
                                         "unknown, not $0); add the model to pricing.json next to the config file "
                                         "and run 'spanlight reprice'")
                              .arg(g.unpricedRequests);
    if (g.clientCostRequests > 0)
        report.notices << QStringLiteral("%1 requests carry the cost their client reported").arg(g.clientCostRequests);
    report.notices << noticesOf(result.notices);
    return outcome;
}

QString sourceText(PromptSource source)
{
    switch (source) {
    case PromptSource::Name:
        return QStringLiteral("name");
    case PromptSource::Template:
        return QStringLiteral("template");
    case PromptSource::Content:
        return QStringLiteral("content");
    case PromptSource::Fallback:
        return QStringLiteral("fallback");
    default:
        return {};
    }
}

QueryOutcome runFailingPrompts(const QueryContext& context)
{
    QString error;
    const auto limit = integerOption(context.parser, QStringLiteral("limit"), 20, 1, 100000, &error);
    const auto minVolume = integerOption(context.parser, QStringLiteral("min-volume"), 20, 1, INT64_MAX, &error);
    const auto rank = choiceOption(
        context.parser, QStringLiteral("rank"), { QStringLiteral("failures"), QStringLiteral("rate") }, &error);
    if (!limit || !minVolume || !rank)
        return QueryOutcome::usage(error);
    sqlite3* db = context.database(&error);
    if (!db)
        return QueryOutcome::failure(error);
    FailingPromptsQuery query;
    query.range = context.range;
    query.tenant = context.filters.tenant;
    query.environment = context.filters.environment;
    query.limit = static_cast<int>(*limit);
    query.minSpansForRate = *minVolume;
    const FailingPromptsResult result = queryFailingPrompts(db, query);
    if (!result.ok())
        return QueryOutcome::failure(QString::fromStdString(result.error));

    const bool byRate = *rank == QStringLiteral("rate");
    QueryOutcome outcome;
    Report& report = outcome.report;
    report.title = QStringLiteral("Failing prompts %1, ranked by %2")
                       .arg(rangeText(context),
                           byRate ? QStringLiteral("failure rate (prompts with at least %1 spans)").arg(*minVolume)
                                  : QStringLiteral("failures"));
    Section prompts { QStringLiteral("prompts"), {},
        { { QStringLiteral("prompt"), QStringLiteral("prompt"), Kind::Text },
            { QStringLiteral("label"), QStringLiteral("label"), Kind::Text },
            { QStringLiteral("source"), QStringLiteral("source"), Kind::Text, false },
            { QStringLiteral("spans"), QStringLiteral("spans"), Kind::Integer },
            { QStringLiteral("errors"), QStringLiteral("errors"), Kind::Integer },
            { QStringLiteral("failure_rate"), QStringLiteral("rate"), Kind::Percent },
            { QStringLiteral("mean_latency"), QStringLiteral("mean latency"), Kind::Duration },
            { QStringLiteral("cost"), QStringLiteral("cost"), Kind::Money },
            { QStringLiteral("last_seen"), QStringLiteral("last seen"), Kind::Time },
            { QStringLiteral("top_errors"), QStringLiteral("top errors"), Kind::Text },
            { QStringLiteral("example"), QStringLiteral("example"), Kind::Text, false } },
        {} };
    for (const FailingPrompt& p : byRate ? result.byRate : result.byFailures) {
        QStringList errors;
        for (const PromptErrorType& e : p.topErrors)
            errors << QStringLiteral("%1 ×%2").arg(QString::fromStdString(e.errorType)).arg(e.count);
        prompts.rows.push_back(
            { QString::fromStdString(p.fingerprint), QString::fromStdString(p.label), sourceText(p.source), p.spans,
                p.errors, p.failureRate, p.spans > 0 ? Cell(p.durationSumNs / p.spans) : Cell(), p.costNanoUsd,
                p.lastSeenNs, errors.join(QStringLiteral(", ")), QString::fromStdString(p.example) });
    }
    report.sections = { std::move(prompts) };
    report.meta = rangeJson(context);
    report.meta.insert(QStringLiteral("command"), QStringLiteral("failing-prompts"));
    report.meta.insert(QStringLiteral("rank"), *rank);
    report.meta.insert(QStringLiteral("complete"), result.coverage.complete);
    const QString unapplied = unappliedFilters(context,
        { QStringLiteral("service"), QStringLiteral("model"), QStringLiteral("prompt"), QStringLiteral("status") },
        QStringLiteral("failing prompts are kept per prompt, tenant and environment"));
    if (!unapplied.isEmpty())
        report.notices << unapplied;
    report.notices << noticesOf(result.notices);
    return outcome;
}

} // namespace

QuerySubcommand spendSubcommand()
{
    return { QStringLiteral("spend"), QStringLiteral("Spend per tenant or model; unpriced requests counted apart"), {},
        [](QCommandLineParser& parser) {
            parser.addOption(
                { QStringLiteral("by"), QStringLiteral("tenant (default) or model."), QStringLiteral("dimension") });
            parser.addOption(
                { QStringLiteral("bucket"), QStringLiteral("1h (default) or 1d."), QStringLiteral("size") });
        },
        runSpend };
}

QuerySubcommand failingPromptsSubcommand()
{
    return { QStringLiteral("failing-prompts"), QStringLiteral("Prompts ranked by failures or failure rate"), {},
        [](QCommandLineParser& parser) {
            parser.addOption(
                { QStringLiteral("limit"), QStringLiteral("Prompts listed (default 20)."), QStringLiteral("n") });
            parser.addOption({ QStringLiteral("min-volume"),
                QStringLiteral("Spans a prompt needs to be ranked by rate (default 20)."), QStringLiteral("n") });
            parser.addOption(
                { QStringLiteral("rank"), QStringLiteral("failures (default) or rate."), QStringLiteral("order") });
        },
        runFailingPrompts };
}

} // namespace spanlight::cli
