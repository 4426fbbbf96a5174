#include "otlpdecoder.h"

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QByteArray>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/util/json_util.h>

namespace spanlight {

namespace otlp = opentelemetry::proto;
namespace pb = google::protobuf;

namespace {

int hexNibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// OTLP/JSON carries trace and span ids as hex, but protobuf's JSON parser reads
/// every bytes field as base64: 32 hex chars arrive as 24 bytes, 16 as 12. Undo
/// the base64 decoding (hex digits are all base64 letters, so it is lossless)
/// and decode the hex. A malformed id becomes one byte, which the converter
/// rejects as invalid.
void fixHexId(std::string* id, size_t idBytes)
{
    if (id->empty() || id->size() == idBytes)
        return; // absent, or sent as standard base64 of the raw bytes
    if (id->size() != idBytes * 3 / 2) {
        *id = std::string(1, '\0');
        return;
    }
    const QByteArray text = QByteArray::fromRawData(id->data(), static_cast<qsizetype>(id->size())).toBase64();
    std::string raw(idBytes, '\0');
    for (size_t i = 0; i < idBytes; ++i) {
        const int hi = hexNibble(text[static_cast<qsizetype>(2 * i)]);
        const int lo = hexNibble(text[static_cast<qsizetype>(2 * i + 1)]);
        if (hi < 0 || lo < 0) {
            *id = std::string(1, '\0');
            return;
        }
        raw[i] = static_cast<char>(hi << 4 | lo);
    }
    *id = std::move(raw);
}

template <typename Exemplars> void fixExemplars(Exemplars* exemplars)
{
    for (auto& e : *exemplars) {
        fixHexId(e.mutable_trace_id(), 16);
        fixHexId(e.mutable_span_id(), 8);
    }
}

void fixIds(otlp::collector::trace::v1::ExportTraceServiceRequest& request)
{
    for (auto& rs : *request.mutable_resource_spans())
        for (auto& ss : *rs.mutable_scope_spans())
            for (auto& span : *ss.mutable_spans()) {
                fixHexId(span.mutable_trace_id(), 16);
                fixHexId(span.mutable_span_id(), 8);
                fixHexId(span.mutable_parent_span_id(), 8);
                for (auto& link : *span.mutable_links()) {
                    fixHexId(link.mutable_trace_id(), 16);
                    fixHexId(link.mutable_span_id(), 8);
                }
            }
}

void fixIds(otlp::collector::logs::v1::ExportLogsServiceRequest& request)
{
    for (auto& rl : *request.mutable_resource_logs())
        for (auto& sl : *rl.mutable_scope_logs())
            for (auto& log : *sl.mutable_log_records()) {
                fixHexId(log.mutable_trace_id(), 16);
                fixHexId(log.mutable_span_id(), 8);
            }
}

void fixIds(otlp::collector::metrics::v1::ExportMetricsServiceRequest& request)
{
    for (auto& rm : *request.mutable_resource_metrics())
        for (auto& sm : *rm.mutable_scope_metrics())
            for (auto& m : *sm.mutable_metrics()) {
                for (auto& p : *m.mutable_gauge()->mutable_data_points())
                    fixExemplars(p.mutable_exemplars());
                for (auto& p : *m.mutable_sum()->mutable_data_points())
                    fixExemplars(p.mutable_exemplars());
                for (auto& p : *m.mutable_histogram()->mutable_data_points())
                    fixExemplars(p.mutable_exemplars());
                for (auto& p : *m.mutable_exponential_histogram()->mutable_data_points())
                    fixExemplars(p.mutable_exemplars());
            }
}

template <typename Request>
bool parse(Request& request, Encoding encoding, std::string_view body, const IngestLimits& limits, std::string* error)
{
    if (encoding == Encoding::Protobuf) {
        pb::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(body.data()), static_cast<int>(body.size()));
        // Each AnyValue level costs up to three message levels (AnyValue,
        // KeyValueList, KeyValue); the envelope around attributes about ten.
        input.SetRecursionLimit(limits.maxAnyValueDepth * 3 + 16);
        if (!request.ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
            *error = "the body is not a valid protobuf " + request.GetTypeName()
                + " (or nests deeper than the limit of " + std::to_string(limits.maxAnyValueDepth) + " levels)";
            return false;
        }
        return true;
    }
    pb::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status
        = pb::util::JsonStringToMessage(pb::StringPiece(body.data(), body.size()), &request, options);
    if (!status.ok()) {
        *error = "the body is not valid OTLP/JSON: " + std::string(status.message());
        return false;
    }
    fixIds(request);
    return true;
}

template <typename Request, typename Convert>
ConvertResult decodeWith(Encoding encoding, std::string_view body, const IngestLimits& limits, Convert convert)
{
    Request request;
    std::string error;
    if (!parse(request, encoding, body, limits, &error)) {
        ConvertResult result;
        result.fatal = error;
        return result;
    }
    return convert(request, limits);
}

std::string toJson(const pb::Message& message)
{
    std::string json;
    pb::util::JsonPrintOptions options;
    (void)pb::util::MessageToJsonString(message, &json, options);
    return json.empty() ? std::string("{}") : json;
}

template <typename Response>
std::string responseBody(Encoding encoding, int64_t rejected, const std::string& message, Response response,
                         void (*setRejected)(Response&, int64_t))
{
    if (rejected > 0 || !message.empty()) {
        setRejected(response, rejected);
        response.mutable_partial_success()->set_error_message(message);
    }
    return encoding == Encoding::Json ? toJson(response) : response.SerializeAsString();
}

} // namespace

ConvertResult decodeExport(Signal signal, Encoding encoding, std::string_view body, const IngestLimits& limits)
{
    switch (signal) {
    case Signal::Traces:
        return decodeWith<otlp::collector::trace::v1::ExportTraceServiceRequest>(
            encoding, body, limits, [](const auto& r, const IngestLimits& l) { return convertTraces(r, l); });
    case Signal::Logs:
        return decodeWith<otlp::collector::logs::v1::ExportLogsServiceRequest>(
            encoding, body, limits, [](const auto& r, const IngestLimits& l) { return convertLogs(r, l); });
    case Signal::Metrics:
        return decodeWith<otlp::collector::metrics::v1::ExportMetricsServiceRequest>(
            encoding, body, limits, [](const auto& r, const IngestLimits& l) { return convertMetrics(r, l); });
    }
    return {};
}

std::string exportResponseBody(Signal signal, Encoding encoding, int64_t rejected, const std::string& message)
{
    using namespace otlp::collector;
    switch (signal) {
    case Signal::Traces:
        return responseBody<trace::v1::ExportTraceServiceResponse>(
            encoding, rejected, message, {},
            [](auto& r, int64_t n) { r.mutable_partial_success()->set_rejected_spans(n); });
    case Signal::Logs:
        return responseBody<logs::v1::ExportLogsServiceResponse>(
            encoding, rejected, message, {},
            [](auto& r, int64_t n) { r.mutable_partial_success()->set_rejected_log_records(n); });
    case Signal::Metrics:
        return responseBody<metrics::v1::ExportMetricsServiceResponse>(
            encoding, rejected, message, {},
            [](auto& r, int64_t n) { r.mutable_partial_success()->set_rejected_data_points(n); });
    }
    return {};
}

std::string statusBody(Encoding encoding, int grpcCode, const std::string& message)
{
    google::rpc::Status status;
    status.set_code(grpcCode);
    status.set_message(message);
    return encoding == Encoding::Json ? toJson(status) : status.SerializeAsString();
}

} // namespace spanlight
