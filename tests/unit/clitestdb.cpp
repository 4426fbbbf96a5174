#include "clitestdb.h"

#include "cli.h"
#include "telemetrywriter.h"
#include "testcollector.h"

#include "opentelemetry/proto/common/v1/common.pb.h"

#include <QTextStream>
#include <cstring>
#include <gtest/gtest.h>

namespace spanlight::test {

const TraceId kTraceA
    = { 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0x01 };

QStringList CliDb::location() const
{
    return { QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--config"),
        dataDir() + QStringLiteral("/spanlight.conf") };
}

bool CliDb::write(std::vector<SpanRecord> spans, std::vector<LogRow> logs)
{
    WriterOptions options;
    options.path = dbPath();
    options.retention.intervalSeconds = 0;
    options.clockNs = [] { return kCliNow; }; // the data's date, whatever day the test runs
    TelemetryWriter writer(options);
    std::string error;
    if (!writer.start(&error)) {
        ADD_FAILURE() << error;
        return false;
    }
    auto batch = std::make_shared<IngestBatch>();
    batch->spans = std::move(spans);
    auto logBatch = std::make_shared<IngestBatch>();
    logBatch->signal = Signal::Logs;
    logBatch->logs = std::move(logs);
    for (const auto& b : { batch, logBatch }) {
        if (b->itemCount() == 0)
            continue;
        const WriteOutcome o = storeAndWait(writer, b);
        if (!o.committed) {
            ADD_FAILURE() << o.error;
            return false;
        }
    }
    writer.stop();
    return true;
}

SpanRecord chatSpan(int n, const char* tenant, const char* model, int64_t startNs, int64_t durationNs)
{
    SpanRecord s;
    s.traceId.fill(static_cast<uint8_t>(0x10 + n % 200));
    std::memcpy(s.traceId.data(), &n, sizeof n);
    s.spanId.fill(2);
    std::memcpy(s.spanId.data(), &n, sizeof n);
    s.dims = { tenant, "prod", "support-bot" };
    s.name = std::string("chat ") + model;
    s.startNs = startNs;
    s.durationNs = durationNs;
    s.statusCode = 1;
    s.requestModel = model;
    s.operation = "chat";
    s.inputTokens = 1000;
    s.outputTokens = 100;
    s.costNanoUsd = 1000;
    s.priceRowId = 1;
    s.flags = kFlagGenAi | kFlagSpendCounted;
    return s;
}

bool writeStandardData(CliDb& db)
{
    const int64_t t0 = kCliNow - 2 * 3600 * kSecond; // 10:00
    std::vector<SpanRecord> spans;
    // Trace A: agent → chat (+ a log), agent → tool → embedding (a 3 nano-USD failure).
    SpanRecord root = chatSpan(1, "acme, inc.", "gpt-4o", t0, 3 * kSecond);
    root.traceId = kTraceA;
    root.name = "agent run";
    root.operation = "invoke_agent";
    root.requestModel.clear();
    root.costNanoUsd.reset();
    root.priceRowId.reset();
    root.flags = kFlagGenAi;
    SpanRecord chat = chatSpan(2, "acme, inc.", "gpt-4o", t0 + kSecond / 10, 2500 * kSecond / 1000);
    chat.traceId = kTraceA;
    chat.parentSpanId = root.spanId;
    chat.costNanoUsd = 1'234'567;
    SpanRecord tool = chatSpan(3, "acme, inc.", "", t0 + 2700 * kSecond / 1000, kSecond / 10);
    tool.traceId = kTraceA;
    tool.parentSpanId = root.spanId;
    tool.name = "tool lookup";
    tool.operation.clear();
    tool.inputTokens.reset();
    tool.outputTokens.reset();
    tool.costNanoUsd.reset();
    tool.priceRowId.reset();
    tool.flags = 0;
    SpanRecord embed = chatSpan(4, "acme, inc.", "text-embedding-3-small", t0 + 2750 * kSecond / 1000, kSecond / 20);
    embed.traceId = kTraceA;
    embed.parentSpanId = tool.spanId;
    embed.name = "embeddings text-embedding-3-small";
    embed.operation = "embeddings";
    embed.inputTokens = 10;
    embed.outputTokens.reset();
    embed.costNanoUsd = 3;
    embed.statusCode = 2;
    embed.errorType = "rate_limit";
    embed.statusMessage = "429, retry later";
    spans = { root, chat, tool, embed };
    for (int i = 0; i < 20; ++i) // acme's steady traffic, 100 ms .. 2 s
        spans.push_back(chatSpan(10 + i, "acme, inc.", "gpt-4o", t0 - i * 900 * kSecond, (i + 1) * kSecond / 10));
    for (int i = 0; i < 3; ++i) { // globex: a model no price row knows, and slow
        SpanRecord s = chatSpan(40 + i, "globex", "mystery-model", t0 + i * 60 * kSecond, (10 + 5 * i) * kSecond);
        s.inputTokens = 500;
        s.outputTokens = 50;
        s.costNanoUsd.reset();
        s.priceRowId.reset();
        s.flags |= kFlagUnpriced;
        spans.push_back(s);
    }
    LogRow log;
    log.timeNs = t0 + kSecond;
    log.observedNs = log.timeNs;
    log.traceId = kTraceA;
    log.spanId = chat.spanId;
    log.dims = chat.dims;
    log.severityNumber = 13;
    log.severityText = "WARN";
    log.bodyText = "retrying after 429";
    opentelemetry::proto::common::v1::AnyValue body;
    body.set_string_value(log.bodyText);
    log.body = body.SerializeAsString();
    return db.write(std::move(spans), { log });
}

CliRun runCliInProcess(const QStringList& arguments)
{
    CliRun run;
    QTextStream out(&run.out);
    QTextStream err(&run.err);
    run.code = cli::runCli(QStringList { QStringLiteral("spanlight") } + arguments, out, err, kCliNow);
    return run;
}

std::vector<QStringList> parseCsv(const QString& text)
{
    std::vector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false, any = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"'))
                field += c, ++i;
            else if (c == QLatin1Char('"'))
                quoted = false;
            else
                field += c;
        } else if (c == QLatin1Char('"')) {
            quoted = any = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
            any = true;
        } else if (c == QLatin1Char('\r')) {
            continue;
        } else if (c == QLatin1Char('\n')) {
            if (any || !field.isEmpty())
                row << field;
            rows.push_back(row);
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (any || !field.isEmpty()) {
        row << field;
        rows.push_back(row);
    }
    return rows;
}

} // namespace spanlight::test
