#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlpdecoder.h"
#include "spanlight/stored.pb.h"
#include "testpayloads.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace spanlight;

namespace {

std::string fixture(const std::string& name)
{
    std::ifstream in(std::string(SPANLIGHT_TEST_DATA) + "/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string hex(const uint8_t* data, size_t n)
{
    return test::toHex(std::string(reinterpret_cast<const char*>(data), n));
}

const opentelemetry::proto::common::v1::AnyValue* attribute(const stored::SpanDetail& d, const std::string& key)
{
    for (const auto& kv : d.attributes())
        if (kv.key() == key)
            return &kv.value();
    return nullptr;
}

} // namespace

TEST(OtlpJson, EveryQuirkOfTheTracesFixture)
{
    const ConvertResult r = decodeExport(Signal::Traces, Encoding::Json, fixture("traces_quirks.json"), {});
    ASSERT_TRUE(r.fatal.empty()) << r.fatal;
    ASSERT_EQ(r.batch->spans.size(), 2u);
    EXPECT_EQ(r.rejected, 3) << "empty, all-zero and wrong-length ids go to partial_success";
    EXPECT_NE(r.rejectMessage.find("3 spans rejected"), std::string::npos);

    const SpanRecord& a = r.batch->spans[0];
    EXPECT_EQ(hex(a.traceId.data(), 16), "5b8efff798038103d269b633813fc60c") << "upper-case hex accepted";
    EXPECT_EQ(hex(a.spanId.data(), 8), "eee19b7ec3c1b174");
    EXPECT_EQ(a.kind, 2) << "enum given by name";
    EXPECT_EQ(a.startNs, 1544712660000000000);
    EXPECT_EQ(a.durationNs, 1000000000);
    EXPECT_EQ(a.statusCode, 2);
    EXPECT_EQ(a.statusMessage, "boom");
    EXPECT_EQ(a.dims.service, "quirk-svc");
    EXPECT_EQ(a.dims.tenant, "globex");
    EXPECT_EQ(a.dims.environment, "prod");
    EXPECT_EQ(a.scope, "quirks@1.2.3");

    stored::SpanDetail detail;
    ASSERT_TRUE(detail.ParseFromString(a.detail));
    EXPECT_EQ(attribute(detail, "int.as.number")->int_value(), 42);
    EXPECT_EQ(attribute(detail, "int.as.string")->int_value(), 9007199254740993) << "64-bit int as a string";
    EXPECT_TRUE(std::isnan(attribute(detail, "double.nan")->double_value()));
    EXPECT_EQ(
        attribute(detail, "empty.value")->value_case(), opentelemetry::proto::common::v1::AnyValue::VALUE_NOT_SET);
    EXPECT_EQ(attribute(detail, "list")->array_value().values_size(), 2);
    EXPECT_EQ(attribute(detail, "map")->kvlist_value().values(0).value().double_value(), 1.5);
    EXPECT_EQ(attribute(detail, "blob")->bytes_value(), std::string("\x00\x01\x02", 3)) << "other bytes are base64";

    const SpanRecord& b = r.batch->spans[1];
    EXPECT_EQ(hex(b.parentSpanId.data(), 8), "eee19b7ec3c1b174") << "snake_case field names accepted";
    EXPECT_EQ(b.startNs, 1544712660500000000) << "64-bit timestamp as a JSON number";
    stored::SpanDetail bd;
    ASSERT_TRUE(bd.ParseFromString(b.detail));
    ASSERT_EQ(bd.events_size(), 1);
    EXPECT_EQ(bd.events(0).name(), "exception");
    ASSERT_EQ(bd.links_size(), 1);
    EXPECT_EQ(test::toHex(bd.links(0).trace_id()), "0102030405060708090a0b0c0d0e0f10") << "link ids are hex too";
}

TEST(OtlpJson, LogsWithHexIdsEnumNamesAndStructuredBodies)
{
    const ConvertResult r = decodeExport(Signal::Logs, Encoding::Json, fixture("logs_basic.json"), {});
    ASSERT_TRUE(r.fatal.empty()) << r.fatal;
    ASSERT_EQ(r.batch->logs.size(), 2u);
    const LogRow& first = r.batch->logs[0];
    EXPECT_EQ(hex(first.traceId.data(), 16), "5b8efff798038103d269b633813fc60c");
    EXPECT_EQ(first.severityNumber, 9);
    EXPECT_EQ(first.bodyText, "Example log record");
    EXPECT_EQ(first.eventName, "gen_ai.user.message") << "event.name attribute is the fallback";
    const LogRow& second = r.batch->logs[1];
    EXPECT_EQ(second.timeNs, 1544712660400000000) << "observed time stands in for a missing time";
    EXPECT_EQ(second.severityNumber, 17);
    EXPECT_TRUE(second.bodyText.empty());
    EXPECT_FALSE(second.body.empty()) << "a kvlist body is kept encoded";
}

TEST(OtlpJson, MetricsOfEveryType)
{
    const ConvertResult r = decodeExport(Signal::Metrics, Encoding::Json, fixture("metrics_every_type.json"), {});
    ASSERT_TRUE(r.fatal.empty()) << r.fatal;
    ASSERT_EQ(r.batch->points.size(), 5u);
    EXPECT_EQ(r.batch->points[0].type, MetricType::Gauge);
    EXPECT_EQ(*r.batch->points[0].valueDouble, 1.5);
    EXPECT_EQ(r.batch->points[1].type, MetricType::Sum);
    EXPECT_EQ(*r.batch->points[1].valueInt, 10);
    EXPECT_TRUE(r.batch->points[1].monotonic);
    EXPECT_EQ(r.batch->points[2].type, MetricType::Histogram);
    EXPECT_EQ(*r.batch->points[2].count, 3u);
    EXPECT_EQ(*r.batch->points[2].max, 3.0);
    EXPECT_EQ(r.batch->points[2].temporality, 1);
    EXPECT_EQ(r.batch->points[3].type, MetricType::ExponentialHistogram);
    EXPECT_EQ(r.batch->points[4].type, MetricType::Summary);
    EXPECT_EQ(*r.batch->points[4].sum, 4.0);
}

TEST(OtlpJson, MalformedJsonIsBadData)
{
    EXPECT_FALSE(decodeExport(Signal::Traces, Encoding::Json, "{\"resourceSpans\": [", {}).fatal.empty());
    EXPECT_FALSE(decodeExport(Signal::Traces, Encoding::Json, "[]", {}).fatal.empty());
}

TEST(OtlpProtobuf, RoundTripAndGarbage)
{
    test::PayloadFactory factory;
    const auto request = factory.traces(10);
    const ConvertResult r = decodeExport(Signal::Traces, Encoding::Protobuf, request.SerializeAsString(), {});
    ASSERT_TRUE(r.fatal.empty());
    ASSERT_EQ(r.batch->spans.size(), 10u);
    EXPECT_EQ(r.batch->spans[3].statusCode, 2);
    EXPECT_EQ(r.batch->spans[0].dims.tenant, "acme");
    EXPECT_FALSE(decodeExport(Signal::Traces, Encoding::Protobuf, "\xff\xff\xff\xff garbage", {}).fatal.empty());
}

TEST(OtlpProtobuf, InvalidUtf8SaysWhichFieldAndPrintsNothing)
{
    test::PayloadFactory factory;
    auto request = factory.traces(1);
    auto* attribute = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
    attribute->set_key("blob");
    attribute->mutable_value()->set_string_value("@@MARK@@");
    std::string body = request.SerializeAsString();
    const size_t at = body.find("@@MARK@@");
    ASSERT_NE(at, std::string::npos);
    body.replace(at, 8,
        std::string("ab\xff\xfe"
                    "cdef")); // the same length, not UTF-8

    testing::internal::CaptureStderr();
    std::string fatal;
    for (int i = 0; i < 100; ++i)
        fatal = decodeExport(Signal::Traces, Encoding::Protobuf, body, {}).fatal;
    const std::string printed = testing::internal::GetCapturedStderr();
    EXPECT_NE(fatal.find("invalid UTF-8"), std::string::npos) << fatal;
    EXPECT_NE(fatal.find("AnyValue.string_value"), std::string::npos) << fatal;
    EXPECT_EQ(fatal.find("when parsing"), std::string::npos) << "advice for .proto authors is left out: " << fatal;
    EXPECT_EQ(printed, "") << "a hundred bad requests print nothing";

    // Outside the decoder protobuf's messages still reach stderr.
    testing::internal::CaptureStderr();
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest parsed;
    EXPECT_FALSE(parsed.ParseFromString(body));
    EXPECT_NE(testing::internal::GetCapturedStderr().find("invalid UTF-8"), std::string::npos);
}

namespace {

opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest nested(int depth)
{
    test::PayloadFactory factory;
    auto request = factory.traces(1);
    auto* value = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
    value->set_key("deep");
    auto* v = value->mutable_value();
    for (int i = 1; i < depth; ++i)
        v = v->mutable_array_value()->add_values();
    v->set_string_value("bottom");
    return request;
}

} // namespace

TEST(Limits, NestingAtTheLimitPassesOneDeeperIsRejected)
{
    IngestLimits limits;
    const auto ok = decodeExport(Signal::Traces, Encoding::Protobuf, nested(32).SerializeAsString(), limits);
    EXPECT_TRUE(ok.fatal.empty()) << ok.fatal;
    const auto deep = decodeExport(Signal::Traces, Encoding::Protobuf, nested(33).SerializeAsString(), limits);
    EXPECT_NE(deep.fatal.find("nested deeper"), std::string::npos) << deep.fatal;
    limits.maxAnyValueDepth = 4;
    EXPECT_FALSE(decodeExport(Signal::Traces, Encoding::Protobuf, nested(5).SerializeAsString(), limits).fatal.empty());
}

TEST(Limits, ThousandsOfLevelsNeverRecurseUnbounded)
{
    const auto r = decodeExport(Signal::Traces, Encoding::Protobuf, nested(5000).SerializeAsString(), {});
    EXPECT_FALSE(r.fatal.empty());
}

TEST(Limits, AttributeCountAndValueLengthAreCutAndCounted)
{
    IngestLimits limits;
    limits.maxAttributesPerItem = 3;
    limits.maxAttributeValueBytes = 10;
    test::PayloadFactory factory;
    auto request = factory.traces(1);
    auto* span = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0);
    span->clear_attributes();
    for (int i = 0; i < 5; ++i) {
        auto* kv = span->add_attributes();
        kv->set_key("k" + std::to_string(i));
        kv->mutable_value()->set_string_value(i == 0 ? "0123456789abcdef" : "short");
    }
    // A multi-byte character straddling the cut must not be split.
    span->mutable_attributes(1)->mutable_value()->set_string_value("123456789\xc3\xa9");
    const auto r = decodeExport(Signal::Traces, Encoding::Protobuf, request.SerializeAsString(), limits);
    ASSERT_TRUE(r.fatal.empty());
    stored::SpanDetail detail;
    ASSERT_TRUE(detail.ParseFromString(r.batch->spans[0].detail));
    ASSERT_EQ(detail.attributes_size(), 3);
    EXPECT_EQ(detail.dropped_attributes_count(), 2u);
    EXPECT_EQ(detail.attributes(0).value().string_value(), "0123456789");
    EXPECT_EQ(detail.attributes(1).value().string_value(), "123456789");
    EXPECT_EQ(r.truncated, 4) << "two dropped attributes plus two cut values";
}

TEST(Responses, BodiesInTheRequestsEncoding)
{
    EXPECT_EQ(exportResponseBody(Signal::Traces, Encoding::Json, 0, {}), "{}");
    EXPECT_TRUE(exportResponseBody(Signal::Traces, Encoding::Protobuf, 0, {}).empty());
    const std::string partial = exportResponseBody(Signal::Traces, Encoding::Json, 3, "3 spans rejected");
    EXPECT_NE(partial.find("\"partialSuccess\""), std::string::npos) << partial;
    EXPECT_NE(partial.find("\"rejectedSpans\":\"3\""), std::string::npos) << partial;
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
    ASSERT_TRUE(response.ParseFromString(exportResponseBody(Signal::Traces, Encoding::Protobuf, 2, "x")));
    EXPECT_EQ(response.partial_success().rejected_spans(), 2);
    EXPECT_EQ(statusBody(Encoding::Json, 3, "bad"), "{\"code\":3,\"message\":\"bad\"}");
    const std::string logs = exportResponseBody(Signal::Logs, Encoding::Json, 1, "m");
    EXPECT_NE(logs.find("rejectedLogRecords"), std::string::npos);
    EXPECT_NE(
        exportResponseBody(Signal::Metrics, Encoding::Json, 1, "m").find("rejectedDataPoints"), std::string::npos);
}

TEST(OtlpProtobuf, NamelessMetricIsRefusedAsPartialSuccess)
{
    test::PayloadFactory factory;
    auto request = factory.metricsOfEveryType();
    request.mutable_resource_metrics(0)->mutable_scope_metrics(0)->mutable_metrics(0)->clear_name();
    const auto r = decodeExport(Signal::Metrics, Encoding::Protobuf, request.SerializeAsString(), {});
    ASSERT_TRUE(r.fatal.empty());
    EXPECT_EQ(r.batch->points.size(), 4u);
    EXPECT_EQ(r.rejected, 1);
    EXPECT_NE(r.rejectMessage.find("no name"), std::string::npos);
}
