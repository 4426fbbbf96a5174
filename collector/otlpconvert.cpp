#include "otlpconvert.h"

#include "attributeguard.h"
#include "genaicontent.h"
#include "genainormalizer.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "pricetable.h"
#include "spanlight/stored.pb.h"

#include <algorithm>
#include <cstring>

namespace spanlight {

namespace otlp = opentelemetry::proto;

namespace {

constexpr const char* kNoTenant = "(none)";

template <size_t N> bool copyId(const std::string& raw, std::array<uint8_t, N>* out)
{
    if (raw.size() != N)
        return false;
    std::memcpy(out->data(), raw.data(), N);
    return std::any_of(out->begin(), out->end(), [](uint8_t b) { return b != 0; });
}

/// The first configured tenant attribute present (genai/FACTS.md "tenant");
/// callers ask the resource first, then the item.
std::string tenantFrom(const AttributeGuard::KeyValues& attributes, const GenAiSettings& genai)
{
    for (const std::string& key : genai.tenantKeys)
        if (std::string value = attributeText(attributes, key.c_str()); !value.empty())
            return value;
    return {};
}

std::string scopeLabel(const otlp::common::v1::InstrumentationScope& scope)
{
    return scope.version().empty() ? scope.name() : scope.name() + "@" + scope.version();
}

/// Stores a bounded copy of the resource in the batch, reads its dimensions and
/// leaves the copy in \a copy (the normaliser reads its attributes).
bool addResource(const otlp::resource::v1::Resource& in, AttributeGuard& guard, const GenAiSettings& genai,
    IngestBatch& batch, Dimensions* dims, uint32_t* index, otlp::resource::v1::Resource& copy)
{
    copy.Clear();
    uint32_t dropped = in.dropped_attributes_count();
    if (!guard.copy(in.attributes(), copy.mutable_attributes(), &dropped))
        return false;
    copy.set_dropped_attributes_count(dropped);
    dims->service = attributeText(copy.attributes(), "service.name");
    dims->environment = attributeText(copy.attributes(), "deployment.environment.name");
    if (dims->environment.empty())
        dims->environment = attributeText(copy.attributes(), "deployment.environment");
    dims->tenant = tenantFrom(copy.attributes(), genai);
    *index = static_cast<uint32_t>(batch.resources.size());
    batch.resources.push_back(copy.SerializeAsString());
    batch.approxBytes += batch.resources.back().size();
    return true;
}

ConvertResult failed(const AttributeGuard& guard)
{
    ConvertResult result;
    result.fatal = guard.error();
    return result;
}

void finish(ConvertResult& result, const AttributeGuard& guard, const char* what)
{
    result.truncated = guard.truncated();
    if (result.rejected > 0)
        result.rejectMessage = std::to_string(result.rejected) + " " + what
            + " rejected: trace and span ids must be 16 and 8 bytes and not all zero";
}

/// \a detail is reused across a request's spans: Clear() keeps its allocations.
bool convertSpan(const otlp::trace::v1::Span& in, AttributeGuard& guard, const GenAiSettings& genai,
    const otlp::resource::v1::Resource& resource, stored::SpanDetail& detail, SpanRecord* out)
{
    detail.Clear();
    uint32_t dropped = in.dropped_attributes_count();
    if (!guard.copy(in.attributes(), detail.mutable_attributes(), &dropped))
        return false;
    detail.set_dropped_attributes_count(dropped);
    for (const auto& event : in.events()) {
        auto* e = detail.add_events();
        e->set_time_unix_nano(event.time_unix_nano());
        e->set_name(event.name());
        uint32_t eventDropped = event.dropped_attributes_count();
        if (!guard.copy(event.attributes(), e->mutable_attributes(), &eventDropped))
            return false;
        e->set_dropped_attributes_count(eventDropped);
    }
    for (const auto& link : in.links()) {
        auto* l = detail.add_links();
        l->set_trace_id(link.trace_id());
        l->set_span_id(link.span_id());
        l->set_trace_state(link.trace_state());
        l->set_flags(link.flags());
        uint32_t linkDropped = link.dropped_attributes_count();
        if (!guard.copy(link.attributes(), l->mutable_attributes(), &linkDropped))
            return false;
        l->set_dropped_attributes_count(linkDropped);
    }
    detail.set_trace_state(in.trace_state());
    detail.set_flags(in.flags());
    detail.set_dropped_events_count(in.dropped_events_count());
    detail.set_dropped_links_count(in.dropped_links_count());

    out->name = in.name();
    out->kind = static_cast<int>(in.kind());
    out->startNs = static_cast<int64_t>(in.start_time_unix_nano());
    const uint64_t end = in.end_time_unix_nano();
    out->durationNs = end > in.start_time_unix_nano() ? static_cast<int64_t>(end - in.start_time_unix_nano()) : 0;
    out->statusCode = static_cast<int>(in.status().code());
    out->statusMessage = in.status().message();
    GenAiNormalizer(genai).normalise(detail.attributes(), resource.attributes(), detail.events(), *out);
    priceSpan(genai.prices.get(), *out);
    if (out->dims.tenant.empty())
        out->dims.tenant = tenantFrom(detail.attributes(), genai);
    out->detail = detail.SerializeAsString();
    return true;
}

} // namespace

ConvertResult convertTraces(const otlp::collector::trace::v1::ExportTraceServiceRequest& request,
    const IngestLimits& limits, const GenAiSettings& genai)
{
    ConvertResult result;
    result.batch = std::make_shared<IngestBatch>();
    IngestBatch& batch = *result.batch;
    batch.signal = Signal::Traces;
    AttributeGuard guard(limits);
    stored::SpanDetail detail;
    otlp::resource::v1::Resource resource;
    size_t total = 0;
    for (const auto& rs : request.resource_spans())
        for (const auto& ss : rs.scope_spans())
            total += static_cast<size_t>(ss.spans_size());
    batch.spans.reserve(total);
    for (const auto& rs : request.resource_spans()) {
        Dimensions dims;
        uint32_t resourceIndex = 0;
        if (!addResource(rs.resource(), guard, genai, batch, &dims, &resourceIndex, resource))
            return failed(guard);
        for (const auto& ss : rs.scope_spans()) {
            const std::string scope = scopeLabel(ss.scope());
            for (const auto& span : ss.spans()) {
                SpanRecord record;
                const bool parentOk = span.parent_span_id().empty() || span.parent_span_id().size() == 8;
                if (!copyId(span.trace_id(), &record.traceId) || !copyId(span.span_id(), &record.spanId) || !parentOk) {
                    ++result.rejected;
                    continue;
                }
                if (!span.parent_span_id().empty())
                    std::memcpy(record.parentSpanId.data(), span.parent_span_id().data(), 8);
                record.dims = dims;
                record.resourceIndex = resourceIndex;
                record.scope = scope;
                if (!convertSpan(span, guard, genai, resource, detail, &record))
                    return failed(guard);
                if (record.dims.tenant.empty())
                    record.dims.tenant = kNoTenant;
                batch.approxBytes += sizeof(SpanRecord) + record.detail.size() + record.name.size();
                batch.spans.push_back(std::move(record));
            }
        }
    }
    finish(result, guard, "spans");
    return result;
}

ConvertResult convertLogs(const otlp::collector::logs::v1::ExportLogsServiceRequest& request,
    const IngestLimits& limits, const GenAiSettings& genai)
{
    ConvertResult result;
    result.batch = std::make_shared<IngestBatch>();
    IngestBatch& batch = *result.batch;
    batch.signal = Signal::Logs;
    AttributeGuard guard(limits);
    otlp::resource::v1::Resource resource;
    for (const auto& rl : request.resource_logs()) {
        Dimensions dims;
        uint32_t resourceIndex = 0;
        if (!addResource(rl.resource(), guard, genai, batch, &dims, &resourceIndex, resource))
            return failed(guard);
        for (const auto& sl : rl.scope_logs()) {
            const std::string scope = scopeLabel(sl.scope());
            for (const auto& log : sl.log_records()) {
                LogRow row;
                // Ids are optional on logs, but when present they must be well formed.
                if ((!log.trace_id().empty() && !copyId(log.trace_id(), &row.traceId))
                    || (!log.span_id().empty() && !copyId(log.span_id(), &row.spanId))) {
                    ++result.rejected;
                    continue;
                }
                stored::Attributes attributes;
                uint32_t dropped = log.dropped_attributes_count();
                otlp::common::v1::AnyValue body;
                if (!guard.copy(log.attributes(), attributes.mutable_attributes(), &dropped)
                    || !guard.copyValue(log.body(), &body))
                    return failed(guard);
                attributes.set_dropped_attributes_count(dropped);
                row.timeNs
                    = static_cast<int64_t>(log.time_unix_nano() ? log.time_unix_nano() : log.observed_time_unix_nano());
                row.observedNs = static_cast<int64_t>(log.observed_time_unix_nano());
                row.severityNumber = static_cast<int>(log.severity_number());
                row.severityText = log.severity_text();
                row.eventName = log.event_name();
                if (row.eventName.empty())
                    row.eventName = attributeText(attributes.attributes(), "event.name");
                readLogPromptContent(body, attributes.attributes(), row);
                if (body.value_case() == otlp::common::v1::AnyValue::kStringValue)
                    row.bodyText = body.string_value();
                row.body = body.SerializeAsString();
                row.dims = dims;
                if (row.dims.tenant.empty())
                    row.dims.tenant = tenantFrom(attributes.attributes(), genai);
                if (row.dims.tenant.empty())
                    row.dims.tenant = kNoTenant;
                row.resourceIndex = resourceIndex;
                row.scope = scope;
                row.attributes = attributes.SerializeAsString();
                batch.approxBytes += sizeof(LogRow) + row.body.size() + row.attributes.size();
                batch.logs.push_back(std::move(row));
            }
        }
    }
    finish(result, guard, "log records");
    return result;
}

namespace {

/// Fills the columns every data point type shares and encodes the point itself.
template <typename Point>
bool addPoint(const Point& in, const otlp::metrics::v1::Metric& metric, MetricType type, int temporality,
    bool monotonic, AttributeGuard& guard, MetricPointRow base, IngestBatch& batch)
{
    Point copy = in;
    copy.clear_attributes();
    uint32_t dropped = 0;
    if (!guard.copy(in.attributes(), copy.mutable_attributes(), &dropped))
        return false;
    base.name = metric.name();
    base.unit = metric.unit();
    base.type = type;
    base.temporality = temporality;
    base.monotonic = monotonic;
    base.startNs = static_cast<int64_t>(in.start_time_unix_nano());
    base.timeNs = static_cast<int64_t>(in.time_unix_nano());
    base.point = copy.SerializeAsString();
    batch.approxBytes += sizeof(MetricPointRow) + base.point.size();
    batch.points.push_back(std::move(base));
    return true;
}

bool convertMetric(
    const otlp::metrics::v1::Metric& m, AttributeGuard& guard, const MetricPointRow& base, IngestBatch& batch)
{
    using M = otlp::metrics::v1::Metric;
    switch (m.data_case()) {
    case M::kGauge:
    case M::kSum: {
        const bool isSum = m.data_case() == M::kSum;
        const auto& points = isSum ? m.sum().data_points() : m.gauge().data_points();
        for (const auto& p : points) {
            MetricPointRow row = base;
            if (p.value_case() == otlp::metrics::v1::NumberDataPoint::kAsInt)
                row.valueInt = p.as_int();
            else
                row.valueDouble = p.as_double();
            if (!addPoint(p, m, isSum ? MetricType::Sum : MetricType::Gauge,
                    isSum ? static_cast<int>(m.sum().aggregation_temporality()) : 0, isSum && m.sum().is_monotonic(),
                    guard, std::move(row), batch))
                return false;
        }
        return true;
    }
    case M::kHistogram:
        for (const auto& p : m.histogram().data_points()) {
            MetricPointRow row = base;
            row.count = p.count();
            if (p.has_sum())
                row.sum = p.sum();
            if (p.has_min())
                row.min = p.min();
            if (p.has_max())
                row.max = p.max();
            if (!addPoint(p, m, MetricType::Histogram, static_cast<int>(m.histogram().aggregation_temporality()), false,
                    guard, std::move(row), batch))
                return false;
        }
        return true;
    case M::kExponentialHistogram:
        for (const auto& p : m.exponential_histogram().data_points()) {
            MetricPointRow row = base;
            row.count = p.count();
            if (p.has_sum())
                row.sum = p.sum();
            if (p.has_min())
                row.min = p.min();
            if (p.has_max())
                row.max = p.max();
            if (!addPoint(p, m, MetricType::ExponentialHistogram,
                    static_cast<int>(m.exponential_histogram().aggregation_temporality()), false, guard, std::move(row),
                    batch))
                return false;
        }
        return true;
    case M::kSummary:
        for (const auto& p : m.summary().data_points()) {
            MetricPointRow row = base;
            row.count = p.count();
            row.sum = p.sum();
            if (!addPoint(p, m, MetricType::Summary, 0, false, guard, std::move(row), batch))
                return false;
        }
        return true;
    case M::DATA_NOT_SET:
        return true; // a metric without data carries no points to store
    }
    return true;
}

int64_t pointCount(const otlp::metrics::v1::Metric& m)
{
    return m.gauge().data_points_size() + m.sum().data_points_size() + m.histogram().data_points_size()
        + m.exponential_histogram().data_points_size() + m.summary().data_points_size();
}

} // namespace

ConvertResult convertMetrics(const otlp::collector::metrics::v1::ExportMetricsServiceRequest& request,
    const IngestLimits& limits, const GenAiSettings& genai)
{
    ConvertResult result;
    result.batch = std::make_shared<IngestBatch>();
    IngestBatch& batch = *result.batch;
    batch.signal = Signal::Metrics;
    AttributeGuard guard(limits);
    otlp::resource::v1::Resource resource;
    for (const auto& rm : request.resource_metrics()) {
        MetricPointRow base;
        if (!addResource(rm.resource(), guard, genai, batch, &base.dims, &base.resourceIndex, resource))
            return failed(guard);
        if (base.dims.tenant.empty())
            base.dims.tenant = kNoTenant;
        for (const auto& sm : rm.scope_metrics()) {
            base.scope = scopeLabel(sm.scope());
            for (const auto& metric : sm.metrics()) {
                if (metric.name().empty()) {
                    // A nameless metric cannot be stored or found; refuse its points only.
                    result.rejected += pointCount(metric);
                    continue;
                }
                if (!convertMetric(metric, guard, base, batch))
                    return failed(guard);
            }
        }
    }
    result.truncated = guard.truncated();
    if (result.rejected > 0)
        result.rejectMessage = std::to_string(result.rejected) + " data points rejected: their metric has no name";
    return result;
}

} // namespace spanlight
