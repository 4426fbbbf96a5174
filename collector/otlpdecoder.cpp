#include "otlpdecoder.h"

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include "jsonhexids.h"
#include "protobufparsemessages.h"
#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/util/json_util.h>

namespace spanlight {

namespace otlp = opentelemetry::proto;
namespace pb = google::protobuf;

namespace {

template <typename Request>
bool parse(Request& request, Encoding encoding, std::string_view body, const IngestLimits& limits, std::string* error)
{
    if (encoding == Encoding::Protobuf) {
        pb::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(body.data()), static_cast<int>(body.size()));
        // Each AnyValue level costs up to three message levels (AnyValue,
        // KeyValueList, KeyValue); the envelope around attributes about ten.
        input.SetRecursionLimit(limits.maxAnyValueDepth * 3 + 16);
        const ProtobufParseMessages said;
        if (!request.ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
            *error = "the body is not a valid protobuf " + request.GetTypeName();
            *error += said.first().empty()
                ? " (or nests deeper than the limit of " + std::to_string(limits.maxAnyValueDepth) + " levels)"
                : ": " + said.first();
            return false;
        }
        return true;
    }
    pb::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const std::string json = hexIdsToBase64(body);
    const auto status = pb::util::JsonStringToMessage(json, &request, options);
    if (!status.ok()) {
        *error = "the body is not valid OTLP/JSON: " + std::string(status.message());
        return false;
    }
    return true;
}

template <typename Request, typename Convert>
ConvertResult decodeWith(Encoding encoding, std::string_view body, const IngestLimits& limits, Convert convert)
{
    // An arena turns the thousands of small allocations of a parsed request
    // into a few blocks freed at once (malloc/free led the ingest profile).
    pb::ArenaOptions options;
    options.start_block_size = std::min<size_t>(body.size() * 2 + 4096, 1u << 20);
    pb::Arena arena(options);
    Request* request = pb::Arena::CreateMessage<Request>(&arena);
    std::string error;
    if (!parse(*request, encoding, body, limits, &error)) {
        ConvertResult result;
        result.fatal = error;
        return result;
    }
    return convert(*request, limits);
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

ConvertResult decodeExport(
    Signal signal, Encoding encoding, std::string_view body, const IngestLimits& limits, const GenAiSettings& genai)
{
    switch (signal) {
    case Signal::Traces:
        return decodeWith<otlp::collector::trace::v1::ExportTraceServiceRequest>(encoding, body, limits,
            [&genai](const auto& r, const IngestLimits& l) { return convertTraces(r, l, genai); });
    case Signal::Logs:
        return decodeWith<otlp::collector::logs::v1::ExportLogsServiceRequest>(encoding, body, limits,
            [&genai](const auto& r, const IngestLimits& l) { return convertLogs(r, l, genai); });
    case Signal::Metrics:
        return decodeWith<otlp::collector::metrics::v1::ExportMetricsServiceRequest>(encoding, body, limits,
            [&genai](const auto& r, const IngestLimits& l) { return convertMetrics(r, l, genai); });
    }
    return {};
}

std::string exportResponseBody(Signal signal, Encoding encoding, int64_t rejected, const std::string& message)
{
    using namespace otlp::collector;
    switch (signal) {
    case Signal::Traces:
        return responseBody<trace::v1::ExportTraceServiceResponse>(encoding, rejected, message, {},
            [](auto& r, int64_t n) { r.mutable_partial_success()->set_rejected_spans(n); });
    case Signal::Logs:
        return responseBody<logs::v1::ExportLogsServiceResponse>(encoding, rejected, message, {},
            [](auto& r, int64_t n) { r.mutable_partial_success()->set_rejected_log_records(n); });
    case Signal::Metrics:
        return responseBody<metrics::v1::ExportMetricsServiceResponse>(encoding, rejected, message, {},
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
