// `spanlight query trace` (a span tree with its logs) and `spanlight query
// compare` (what sets a latency range apart): both read raw spans.

#include "cliargs.h"
#include "comparequery.h"
#include "latencyhistogram.h"
#include "querycontext.h"
#include "timeargs.h"
#include "tracequery.h"

#include <QByteArray>
#include <QCommandLineParser>
#include <QRegularExpression>
#include <map>

namespace spanlight::cli {

namespace {

constexpr int kStatusError = 2; // OTLP STATUS_CODE_ERROR

template <size_t N> QString hex(const std::array<uint8_t, N>& id)
{
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(id.data()), N).toHex());
}

template <size_t N> bool isZero(const std::array<uint8_t, N>& id)
{
    return std::all_of(id.begin(), id.end(), [](uint8_t b) { return b == 0; });
}

QString statusText(const TraceSpan& s)
{
    if (s.statusCode != kStatusError)
        return s.statusCode == 1 ? QStringLiteral("ok") : QString();
    QString text = QStringLiteral("ERROR");
    if (!s.errorType.empty())
        text += QLatin1Char(' ') + QString::fromStdString(s.errorType);
    if (!s.statusMessage.empty())
        text += QStringLiteral(": ") + QString::fromStdString(s.statusMessage);
    return text;
}

Cell optionalCell(const std::optional<int64_t>& v)
{
    return v ? Cell(*v) : Cell();
}

/// Spans in tree order (depth first, siblings by start); a span whose parent
/// is not in the trace (not arrived, or expired) starts a tree of its own.
std::vector<std::pair<const TraceSpan*, int>> treeOrder(const std::vector<TraceSpan>& spans)
{
    std::map<SpanId, size_t> index;
    for (size_t i = 0; i < spans.size(); ++i)
        index.emplace(spans[i].spanId, i);
    std::vector<std::vector<size_t>> children(spans.size());
    std::vector<size_t> roots;
    for (size_t i = 0; i < spans.size(); ++i) {
        const auto parent = index.find(spans[i].parentSpanId);
        if (isZero(spans[i].parentSpanId) || parent == index.end() || parent->second == i)
            roots.push_back(i);
        else
            children[parent->second].push_back(i);
    }
    std::vector<std::pair<const TraceSpan*, int>> order;
    std::vector<bool> seen(spans.size(), false);
    std::vector<std::pair<size_t, int>> stack;
    for (auto r = roots.rbegin(); r != roots.rend(); ++r)
        stack.push_back({ *r, 0 });
    while (!stack.empty()) {
        const auto [i, depth] = stack.back();
        stack.pop_back();
        if (seen[i])
            continue; // a parent cycle in bad data must not loop
        seen[i] = true;
        order.push_back({ &spans[i], depth });
        for (auto c = children[i].rbegin(); c != children[i].rend(); ++c)
            stack.push_back({ *c, depth + 1 });
    }
    for (size_t i = 0; i < spans.size(); ++i) // only spans caught in a cycle are left
        if (!seen[i])
            order.push_back({ &spans[i], 0 });
    return order;
}

QueryOutcome runTrace(const QueryContext& context)
{
    const QStringList positional = context.parser.positionalArguments();
    static const QRegularExpression hexId(QStringLiteral("^[0-9a-fA-F]{32}$"));
    if (positional.size() != 1)
        return QueryOutcome::usage(QStringLiteral("trace needs one trace id (32 hex digits)"));
    if (!hexId.match(positional.first()).hasMatch())
        return QueryOutcome::usage(QStringLiteral("a trace id is 32 hex digits, not '%1'").arg(positional.first()));
    TraceId id {};
    const QByteArray bytes = QByteArray::fromHex(positional.first().toLatin1());
    std::copy(bytes.begin(), bytes.end(), id.begin());
    QString error;
    sqlite3* db = context.database(&error);
    if (!db)
        return QueryOutcome::failure(error);
    const TraceResult result = queryTrace(db, id);
    if (!result.ok())
        return QueryOutcome::failure(QString::fromStdString(result.error));
    if (result.spans.empty() && result.logs.empty())
        return QueryOutcome::failure(QStringLiteral("no trace %1 in %2 (raw spans are kept for a limited time)")
                                         .arg(positional.first().toLower(), context.databasePath));

    int64_t startNs = INT64_MAX, endNs = INT64_MIN, cost = 0;
    int unpriced = 0;
    for (const TraceSpan& s : result.spans) {
        startNs = std::min(startNs, s.startNs);
        endNs = std::max(endNs, s.startNs + s.durationNs);
        if (s.flags & kFlagSpendCounted) {
            cost += s.costNanoUsd.value_or(0);
            unpriced += (s.flags & kFlagUnpriced) ? 1 : 0;
        }
    }
    if (result.spans.empty())
        startNs = result.logs.front().timeNs, endNs = startNs;

    QueryOutcome outcome;
    Report& report = outcome.report;
    const TraceSpan* first = result.spans.empty() ? nullptr : &result.spans.front();
    report.title = QStringLiteral("Trace %1: %2 spans, %3 logs, %4 UTC, %5")
                       .arg(hex(id))
                       .arg(result.spans.size())
                       .arg(result.logs.size())
                       .arg(shortUtc(startNs), durationText(endNs - startNs));
    if (first)
        report.title += QStringLiteral(", tenant %1 (%2), cost $%3%4")
                            .arg(QString::fromStdString(first->tenant), QString::fromStdString(first->environment),
                                usdText(cost, 4),
                                unpriced ? QStringLiteral(" + %1 unpriced requests").arg(unpriced) : QString());
    Section spans { QStringLiteral("spans"), {},
        { { QStringLiteral("span"), QStringLiteral("span"), Kind::Text },
            { QStringLiteral("name"), {}, Kind::Text, false }, { QStringLiteral("depth"), {}, Kind::Integer, false },
            { QStringLiteral("service"), QStringLiteral("service"), Kind::Text },
            { QStringLiteral("offset"), QStringLiteral("start"), Kind::Duration },
            { QStringLiteral("duration"), QStringLiteral("duration"), Kind::Duration },
            { QStringLiteral("status"), QStringLiteral("status"), Kind::Text },
            { QStringLiteral("model"), QStringLiteral("model"), Kind::Text },
            { QStringLiteral("input_tokens"), QStringLiteral("in tok"), Kind::Integer },
            { QStringLiteral("output_tokens"), QStringLiteral("out tok"), Kind::Integer },
            { QStringLiteral("cost"), QStringLiteral("cost"), Kind::Money },
            { QStringLiteral("span_id"), QStringLiteral("span id"), Kind::Text },
            { QStringLiteral("parent_span_id"), {}, Kind::Text, false },
            { QStringLiteral("tenant"), {}, Kind::Text, false } },
        {} };
    for (const auto& [s, depth] : treeOrder(result.spans)) {
        const QString name = QString::fromStdString(s->name);
        const QString model = QString::fromStdString(s->responseModel.empty() ? s->requestModel : s->responseModel);
        const Cell cost = (s->flags & kFlagUnpriced) ? Cell(Unpriced {}) : optionalCell(s->costNanoUsd);
        spans.rows.push_back({ QString(depth * 2, QLatin1Char(' ')) + name, name, static_cast<int64_t>(depth),
            QString::fromStdString(s->service), s->startNs - startNs, s->durationNs, statusText(*s), model,
            optionalCell(s->inputTokens), optionalCell(s->outputTokens), cost, hex(s->spanId),
            isZero(s->parentSpanId) ? QString() : hex(s->parentSpanId), QString::fromStdString(s->tenant) });
    }
    Section logs { QStringLiteral("logs"), QStringLiteral("Logs"),
        { { QStringLiteral("offset"), QStringLiteral("time"), Kind::Duration },
            { QStringLiteral("severity"), QStringLiteral("severity"), Kind::Text },
            { QStringLiteral("span_id"), QStringLiteral("span id"), Kind::Text },
            { QStringLiteral("event"), QStringLiteral("event"), Kind::Text },
            { QStringLiteral("body"), QStringLiteral("body"), Kind::Text } },
        {} };
    for (const TraceLogRecord& log : result.logs) {
        const QString severity = log.severityText.empty()
            ? (log.severityNumber ? QString::number(log.severityNumber) : QString())
            : QString::fromStdString(log.severityText);
        logs.rows.push_back({ log.timeNs - startNs, severity, isZero(log.spanId) ? QString() : hex(log.spanId),
            QString::fromStdString(log.eventName), QString::fromStdString(log.body) });
    }
    report.sections = { std::move(spans) };
    if (!logs.rows.empty())
        report.sections.push_back(std::move(logs));
    report.meta.insert(QStringLiteral("command"), QStringLiteral("trace"));
    report.meta.insert(QStringLiteral("trace_id"), hex(id));
    report.meta.insert(QStringLiteral("start"), isoUtc(startNs));
    report.meta.insert(QStringLiteral("duration_ms"), static_cast<double>(endNs - startNs) / 1e6);
    report.notices << noticesOf(result.notices);
    return outcome;
}

QString originText(AttributeOrigin origin)
{
    switch (origin) {
    case AttributeOrigin::Dimension:
        return QStringLiteral("dimension");
    case AttributeOrigin::Resource:
        return QStringLiteral("resource");
    default:
        return QStringLiteral("span");
    }
}

QueryOutcome runCompare(const QueryContext& context)
{
    QString error;
    const QString minName = QStringLiteral("latency-min"), maxName = QStringLiteral("latency-max");
    if (!context.parser.isSet(minName) && !context.parser.isSet(maxName))
        return QueryOutcome::usage(QStringLiteral("compare needs --latency-min and/or --latency-max"));
    std::optional<int64_t> minNs = 0, maxNs = INT64_MAX;
    if (context.parser.isSet(minName))
        minNs = parseDurationArg(context.parser.value(minName), &error);
    if (context.parser.isSet(maxName))
        maxNs = parseDurationArg(context.parser.value(maxName), &error);
    const auto limit = integerOption(context.parser, QStringLiteral("limit"), 10, 1, 1000, &error);
    if (!minNs || !maxNs || !limit)
        return QueryOutcome::usage(error);
    if (*minNs > *maxNs)
        return QueryOutcome::usage(QStringLiteral("--latency-min must not exceed --latency-max"));
    sqlite3* db = context.database(&error);
    if (!db)
        return QueryOutcome::failure(error);
    CompareQuery query;
    query.range = context.range;
    query.filters = context.filters;
    // Whole fine latency buckets (±1%): the same bounds the heatmap draws.
    query.firstBucket = *minNs > 0 ? latency::bucketOf(*minNs) : 0;
    query.lastBucket = *maxNs < INT64_MAX ? latency::bucketOf(*maxNs) : latency::kBucketCount - 1;
    const CompareResult result = queryComparison(db, query);
    if (!result.ok())
        return QueryOutcome::failure(QString::fromStdString(result.error));

    QueryOutcome outcome;
    Report& report = outcome.report;
    const int64_t lower = std::max<int64_t>(0, latency::lowerBound(query.firstBucket));
    const QString upper = query.lastBucket == latency::kBucketCount - 1
        ? QStringLiteral("∞")
        : durationText(latency::upperBound(query.lastBucket));
    report.title
        = QStringLiteral("Compare %1: selection = %2 spans with latency in (%3, %4]%5, baseline = %6 "
                         "other spans")
              .arg(rangeText(context))
              .arg(result.selectionSpans)
              .arg(durationText(lower), upper, result.selectionCapped ? QStringLiteral(" (sampled)") : QString())
              .arg(result.baselineSpans);
    Section attributes { QStringLiteral("attributes"), {},
        { { QStringLiteral("key"), QStringLiteral("attribute"), Kind::Text },
            { QStringLiteral("origin"), QStringLiteral("from"), Kind::Text },
            { QStringLiteral("value"), QStringLiteral("value"), Kind::Text },
            { QStringLiteral("selection_share"), QStringLiteral("selection"), Kind::Percent },
            { QStringLiteral("baseline_share"), QStringLiteral("baseline"), Kind::Percent },
            { QStringLiteral("difference"), QStringLiteral("difference"), Kind::Percent },
            { QStringLiteral("selection_count"), QStringLiteral("sel. spans"), Kind::Integer },
            { QStringLiteral("baseline_count"), QStringLiteral("base. spans"), Kind::Integer } },
        {} };
    int shown = 0;
    for (const AttributeComparison& a : result.attributes) {
        if (shown++ >= *limit)
            break;
        for (const ValueComparison& v : a.values)
            attributes.rows.push_back(
                { QString::fromStdString(a.key), originText(a.origin), QString::fromStdString(v.value),
                    v.selectionShare, v.baselineShare, v.difference, v.selectionCount, v.baselineCount });
    }
    report.sections = { std::move(attributes) };
    report.meta.insert(QStringLiteral("command"), QStringLiteral("compare"));
    report.meta.insert(QStringLiteral("from"), isoUtc(context.range.fromMinute * 60 * kNsPerSecond));
    report.meta.insert(QStringLiteral("to"), isoUtc(context.range.toMinute * 60 * kNsPerSecond));
    report.meta.insert(QStringLiteral("latency_above_ms"), static_cast<double>(lower) / 1e6);
    if (query.lastBucket < latency::kBucketCount - 1)
        report.meta.insert(
            QStringLiteral("latency_up_to_ms"), static_cast<double>(latency::upperBound(query.lastBucket)) / 1e6);
    report.meta.insert(QStringLiteral("selection_spans"), static_cast<qint64>(result.selectionSpans));
    report.meta.insert(QStringLiteral("baseline_spans"), static_cast<qint64>(result.baselineSpans));
    report.notices << noticesOf(result.notices);
    return outcome;
}

} // namespace

QuerySubcommand traceSubcommand()
{
    return { QStringLiteral("trace"), QStringLiteral("One trace as a span tree, with its logs"),
        QStringLiteral("<trace-id>"),
        [](QCommandLineParser& parser) {
            parser.addPositionalArgument(QStringLiteral("trace-id"), QStringLiteral("The trace id: 32 hex digits."),
                QStringLiteral("<trace-id>"));
        },
        runTrace };
}

QuerySubcommand compareSubcommand()
{
    return { QStringLiteral("compare"),
        QStringLiteral("What sets spans of a latency range apart from the rest (BubbleUp)"), {},
        [](QCommandLineParser& parser) {
            parser.addOption({ QStringLiteral("latency-min"),
                QStringLiteral("Selection: spans at least this slow (2s, 500ms)."), QStringLiteral("duration") });
            parser.addOption({ QStringLiteral("latency-max"), QStringLiteral("Selection: spans at most this slow."),
                QStringLiteral("duration") });
            parser.addOption(
                { QStringLiteral("limit"), QStringLiteral("Attributes listed (default 10)."), QStringLiteral("n") });
        },
        runCompare };
}

} // namespace spanlight::cli
