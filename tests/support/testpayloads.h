#pragma once

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace spanlight::test {

namespace otlp = opentelemetry::proto;

/// Builds OTLP requests with random (seeded) ids and remembers what it made.
class PayloadFactory
{
public:
    explicit PayloadFactory(uint64_t seed = 42)
        : m_rng(seed)
    {
    }

    /// \a spans spans in traces of \a perTrace spans, one resource.
    otlp::collector::trace::v1::ExportTraceServiceRequest traces(
        int spans, int perTrace = 4, const std::string& service = "checkout");
    otlp::collector::logs::v1::ExportLogsServiceRequest logs(int records, const std::string& service = "checkout");
    /// One metric of every data point type.
    otlp::collector::metrics::v1::ExportMetricsServiceRequest metricsOfEveryType();

    std::string randomBytes(size_t n);

private:
    std::mt19937_64 m_rng;
};

/// "(trace hex):(span hex)" for every span in the request.
std::vector<std::string> spanKeys(const otlp::collector::trace::v1::ExportTraceServiceRequest& request);
std::string toHex(const std::string& bytes);
std::string gzip(const std::string& data);
std::string zlibCompress(const std::string& data);

} // namespace spanlight::test
