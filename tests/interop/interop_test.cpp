// Real clients: the official OpenTelemetry JS SDK and OTLP exporters (npm)
// export to a real collector; every span and log record they report as sent
// must be stored with the same ids, timestamps, attributes and status.

#include "spanlight/stored.pb.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;
using opentelemetry::proto::common::v1::AnyValue;

namespace {

struct Case
{
    const char* protocol;
    const char* signal;
    const char* compression;
};

void PrintTo(const Case& c, std::ostream* os)
{
    *os << c.protocol << "/" << c.signal << "/" << c.compression;
}

std::string caseName(const ::testing::TestParamInfo<Case>& info)
{
    std::string name = std::string(info.param.protocol) + "_" + info.param.signal + "_" + info.param.compression;
    for (auto& c : name)
        if (c == '-')
            c = '_';
    return name;
}

QJsonValue toJson(const AnyValue& v)
{
    switch (v.value_case()) {
    case AnyValue::kStringValue:
        return QString::fromStdString(v.string_value());
    case AnyValue::kBoolValue:
        return v.bool_value();
    case AnyValue::kIntValue:
        return double(v.int_value());
    case AnyValue::kDoubleValue:
        return v.double_value();
    case AnyValue::kArrayValue: {
        QJsonArray a;
        for (const auto& item : v.array_value().values())
            a.append(toJson(item));
        return a;
    }
    default:
        return QJsonValue();
    }
}

template <typename KeyValues> QJsonObject toJson(const KeyValues& attributes)
{
    QJsonObject o;
    for (const auto& kv : attributes)
        o.insert(QString::fromStdString(kv.key()), toJson(kv.value()));
    return o;
}

/// One stored row, read back by span id with plain SQLite.
struct Row
{
    std::map<std::string, std::string> text;
    std::map<std::string, int64_t> number;
    std::string blob;
};

Row readRow(const QString& dbPath, const std::string& sql, const std::string& spanIdHex)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(dbPath.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    Row row;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, spanIdHex.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(s); ++i) {
                const std::string name = sqlite3_column_name(s, i);
                if (name == "blob") {
                    row.blob.assign(static_cast<const char*>(sqlite3_column_blob(s, i)), sqlite3_column_bytes(s, i));
                } else if (sqlite3_column_type(s, i) == SQLITE_INTEGER) {
                    row.number[name] = sqlite3_column_int64(s, i);
                } else {
                    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
                    row.text[name] = t ? t : "";
                }
            }
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return row;
}

class JsExporters : public ::testing::TestWithParam<Case>
{
};

} // namespace

TEST_P(JsExporters, EveryExportedItemIsStoredExactly)
{
    const Case c = GetParam();
    TestCollector collector;
    ASSERT_TRUE(collector.ok()) << collector.error();
    QTemporaryDir dir;
    const QString out = dir.path() + QStringLiteral("/expected.json");
    const bool grpc = std::string(c.protocol) == "grpc";
    const QString endpoint
        = QStringLiteral("http://127.0.0.1:%1").arg(grpc ? collector.grpcPort() : collector.httpPort());

    QProcess node;
    node.setProcessChannelMode(QProcess::MergedChannels);
    node.start(QStringLiteral("node"),
        { QStringLiteral(SPANLIGHT_INTEROP_DIR "/export.mjs"), QStringLiteral("--node-modules"),
            QStringLiteral(SPANLIGHT_NPM_PREFIX), QStringLiteral("--protocol"), QString::fromLatin1(c.protocol),
            QStringLiteral("--signal"), QString::fromLatin1(c.signal), QStringLiteral("--compression"),
            QString::fromLatin1(c.compression), QStringLiteral("--endpoint"), endpoint, QStringLiteral("--out"), out,
            QStringLiteral("--count"), QStringLiteral("6") });
    ASSERT_TRUE(node.waitForStarted(10000)) << "node is required for the interop tests";
    ASSERT_TRUE(node.waitForFinished(60000));
    const QByteArray log = node.readAll();
    ASSERT_EQ(node.exitCode(), 0) << "the exporter must report success:\n" << log.toStdString();

    QFile file(out);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QJsonObject expected = QJsonDocument::fromJson(file.readAll()).object();
    ASSERT_TRUE(expected.value(QStringLiteral("ok")).toBool());

    DbProbe db(collector.dbPath());
    if (std::string(c.signal) == "traces") {
        const QJsonArray spans = expected.value(QStringLiteral("spans")).toArray();
        ASSERT_EQ(spans.size(), 6);
        EXPECT_EQ(db.count("spans"), 6);
        for (const QJsonValue& value : spans) {
            const QJsonObject s = value.toObject();
            const std::string spanId = s.value(QStringLiteral("spanId")).toString().toStdString();
            SCOPED_TRACE(spanId);
            const Row row = readRow(collector.dbPath(),
                "SELECT lower(hex(trace_id)) AS trace, lower(hex(parent_span_id)) AS parent,"
                " (SELECT value FROM dict WHERE id = name_id) AS name, kind, start_ns,"
                " start_ns + duration_ns AS end_ns, status_code, status_message,"
                " (SELECT value FROM dict WHERE id = service_id) AS service,"
                " (SELECT value FROM dict WHERE id = tenant_id) AS tenant, detail AS blob"
                " FROM spans WHERE lower(hex(span_id)) = ?",
                spanId);
            ASSERT_FALSE(row.blob.empty()) << "span not stored";
            EXPECT_EQ(row.text.at("trace"), s.value(QStringLiteral("traceId")).toString().toStdString());
            EXPECT_EQ(row.text.count("parent") ? row.text.at("parent") : std::string(),
                s.value(QStringLiteral("parentSpanId")).toString().toStdString());
            EXPECT_EQ(row.text.at("name"), s.value(QStringLiteral("name")).toString().toStdString());
            EXPECT_EQ(row.number.at("kind"), s.value(QStringLiteral("kind")).toInt());
            EXPECT_EQ(std::to_string(row.number.at("start_ns")),
                s.value(QStringLiteral("startTimeUnixNano")).toString().toStdString());
            EXPECT_EQ(std::to_string(row.number.at("end_ns")),
                s.value(QStringLiteral("endTimeUnixNano")).toString().toStdString());
            EXPECT_EQ(row.number.at("status_code"), s.value(QStringLiteral("statusCode")).toInt());
            if (s.value(QStringLiteral("statusCode")).toInt() == 2) {
                EXPECT_EQ(
                    row.text.at("status_message"), s.value(QStringLiteral("statusMessage")).toString().toStdString());
            }
            EXPECT_EQ(row.text.at("service"), "interop-js");
            EXPECT_EQ(row.text.at("tenant"), "acme");
            stored::SpanDetail detail;
            ASSERT_TRUE(detail.ParseFromString(row.blob));
            EXPECT_EQ(toJson(detail.attributes()), s.value(QStringLiteral("attributes")).toObject());
            EXPECT_EQ(detail.events_size(), s.value(QStringLiteral("events")).toArray().size());
        }
    } else {
        const QJsonArray logs = expected.value(QStringLiteral("logs")).toArray();
        ASSERT_EQ(logs.size(), 6);
        EXPECT_EQ(db.count("logs"), 6);
        for (const QJsonValue& value : logs) {
            const QJsonObject l = value.toObject();
            const std::string body = l.value(QStringLiteral("body")).toString().toStdString();
            SCOPED_TRACE(body);
            sqlite3* raw = nullptr;
            sqlite3_open_v2(collector.dbPath().toUtf8().constData(), &raw, SQLITE_OPEN_READONLY, nullptr);
            sqlite3_stmt* s = nullptr;
            sqlite3_prepare_v2(raw,
                "SELECT lower(hex(trace_id)), lower(hex(span_id)), time_ns, severity_number,"
                " severity_text, (SELECT value FROM dict WHERE id = event_name_id), attributes"
                " FROM logs WHERE body_text = ?",
                -1, &s, nullptr);
            sqlite3_bind_text(s, 1, body.c_str(), -1, SQLITE_TRANSIENT);
            ASSERT_EQ(sqlite3_step(s), SQLITE_ROW) << "log record not stored";
            const auto text = [&](int i) {
                const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
                return std::string(t ? t : "");
            };
            EXPECT_EQ(text(0), l.value(QStringLiteral("traceId")).toString().toStdString());
            EXPECT_EQ(text(1), l.value(QStringLiteral("spanId")).toString().toStdString());
            EXPECT_EQ(std::to_string(sqlite3_column_int64(s, 2)),
                l.value(QStringLiteral("timeUnixNano")).toString().toStdString());
            EXPECT_EQ(sqlite3_column_int(s, 3), l.value(QStringLiteral("severityNumber")).toInt());
            EXPECT_EQ(text(4), l.value(QStringLiteral("severityText")).toString().toStdString());
            EXPECT_EQ(text(5), l.value(QStringLiteral("eventName")).toString().toStdString());
            stored::Attributes attributes;
            ASSERT_TRUE(attributes.ParseFromArray(sqlite3_column_blob(s, 6), sqlite3_column_bytes(s, 6)));
            EXPECT_EQ(toJson(attributes.attributes()), l.value(QStringLiteral("attributes")).toObject());
            sqlite3_finalize(s);
            sqlite3_close(raw);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(OfficialClients, JsExporters,
    ::testing::Values(Case { "http-json", "traces", "none" }, Case { "http-proto", "traces", "none" },
        Case { "grpc", "traces", "none" }, Case { "http-json", "logs", "none" }, Case { "http-proto", "logs", "none" },
        Case { "grpc", "logs", "none" }, Case { "http-proto", "traces", "gzip" }, Case { "grpc", "traces", "gzip" }),
    caseName);
