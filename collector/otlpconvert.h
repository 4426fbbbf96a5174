#pragma once

#include "genaisettings.h"
#include "ingestlimits.h"
#include "records.h"

#include <memory>
#include <string>

namespace opentelemetry::proto::collector {
namespace trace::v1 {
class ExportTraceServiceRequest;
}
namespace logs::v1 {
class ExportLogsServiceRequest;
}
namespace metrics::v1 {
class ExportMetricsServiceRequest;
}
}

namespace spanlight {

/// An export request turned into storable rows, or the reason it cannot be.
struct ConvertResult
{
    std::shared_ptr<IngestBatch> batch;
    std::string fatal; ///< non-empty: the whole request is bad data (400 / INVALID_ARGUMENT)
    int64_t rejected = 0; ///< items refused inside an otherwise good request (partial success)
    std::string rejectMessage; ///< English explanation for partial_success.error_message
    int64_t truncated = 0; ///< attributes dropped or values cut to the limits
};

/// Spans are normalised (GenAI fields, prompt identity) under \a genai; they
/// are not priced here.
ConvertResult convertTraces(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
    const IngestLimits& limits, const GenAiSettings& genai = GenAiSettings());
/// GenAI content events fill LogRow::promptSystem / promptUser.
ConvertResult convertLogs(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    const IngestLimits& limits, const GenAiSettings& genai = GenAiSettings());
/// \a genai only names the tenant attributes here.
ConvertResult convertMetrics(const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request,
    const IngestLimits& limits, const GenAiSettings& genai = GenAiSettings());

} // namespace spanlight
