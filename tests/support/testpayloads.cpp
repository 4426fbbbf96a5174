#include "testpayloads.h"

#include <zlib.h>

namespace spanlight::test {

namespace {

void setString(otlp::common::v1::KeyValue* kv, const std::string& key, const std::string& value)
{
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

std::string deflateWith(const std::string& data, int windowBits)
{
    z_stream zs {};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, data.size()) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

} // namespace

std::string PayloadFactory::randomBytes(size_t n)
{
    std::string bytes(n, '\0');
    for (auto& b : bytes)
        b = static_cast<char>(m_rng() & 0xFF);
    bytes[0] = static_cast<char>(bytes[0] | 1); // never all zero
    return bytes;
}

otlp::collector::trace::v1::ExportTraceServiceRequest PayloadFactory::traces(
    int spans, int perTrace, const std::string& service)
{
    otlp::collector::trace::v1::ExportTraceServiceRequest request;
    auto* rs = request.add_resource_spans();
    setString(rs->mutable_resource()->add_attributes(), "service.name", service);
    setString(rs->mutable_resource()->add_attributes(), "tenant.id", "acme");
    auto* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("test");
    std::string trace, root;
    const uint64_t base = 1'700'000'000'000'000'000ull;
    for (int i = 0; i < spans; ++i) {
        auto* span = ss->add_spans();
        if (i % perTrace == 0) {
            trace = randomBytes(16);
            root.clear();
        }
        span->set_trace_id(trace);
        span->set_span_id(randomBytes(8));
        if (!root.empty())
            span->set_parent_span_id(root);
        else
            root = span->span_id();
        span->set_name(i % perTrace == 0 ? "invoke_agent" : "chat gpt-4o");
        span->set_kind(otlp::trace::v1::Span::SPAN_KIND_CLIENT);
        span->set_start_time_unix_nano(base + static_cast<uint64_t>(i) * 1000);
        span->set_end_time_unix_nano(base + static_cast<uint64_t>(i) * 1000 + 250'000'000);
        setString(span->add_attributes(), "gen_ai.request.model", "gpt-4o");
        auto* tokens = span->add_attributes();
        tokens->set_key("gen_ai.usage.input_tokens");
        tokens->mutable_value()->set_int_value(100 + i);
        if (i % 7 == 3) {
            span->mutable_status()->set_code(otlp::trace::v1::Status::STATUS_CODE_ERROR);
            span->mutable_status()->set_message("rate limited");
        }
    }
    return request;
}

otlp::collector::logs::v1::ExportLogsServiceRequest PayloadFactory::logs(int records, const std::string& service)
{
    otlp::collector::logs::v1::ExportLogsServiceRequest request;
    auto* rl = request.add_resource_logs();
    setString(rl->mutable_resource()->add_attributes(), "service.name", service);
    auto* sl = rl->add_scope_logs();
    for (int i = 0; i < records; ++i) {
        auto* log = sl->add_log_records();
        log->set_time_unix_nano(1'700'000'000'000'000'000ull + static_cast<uint64_t>(i));
        log->set_severity_number(otlp::logs::v1::SEVERITY_NUMBER_INFO);
        log->set_severity_text("INFO");
        log->mutable_body()->set_string_value("record " + std::to_string(i));
        log->set_trace_id(randomBytes(16));
        log->set_span_id(randomBytes(8));
        log->set_event_name("gen_ai.user.message");
    }
    return request;
}

otlp::collector::metrics::v1::ExportMetricsServiceRequest PayloadFactory::metricsOfEveryType()
{
    otlp::collector::metrics::v1::ExportMetricsServiceRequest request;
    auto* rm = request.add_resource_metrics();
    setString(rm->mutable_resource()->add_attributes(), "service.name", "checkout");
    auto* sm = rm->add_scope_metrics();
    const uint64_t t = 1'700'000'000'000'000'000ull;

    auto* gauge = sm->add_metrics();
    gauge->set_name("queue.depth");
    auto* gp = gauge->mutable_gauge()->add_data_points();
    gp->set_time_unix_nano(t);
    gp->set_as_int(7);

    auto* sum = sm->add_metrics();
    sum->set_name("requests");
    sum->mutable_sum()->set_is_monotonic(true);
    sum->mutable_sum()->set_aggregation_temporality(otlp::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE);
    auto* sp = sum->mutable_sum()->add_data_points();
    sp->set_time_unix_nano(t);
    sp->set_as_double(12.5);

    auto* hist = sm->add_metrics();
    hist->set_name("gen_ai.client.operation.duration");
    hist->set_unit("s");
    auto* hp = hist->mutable_histogram()->add_data_points();
    hp->set_time_unix_nano(t);
    hp->set_count(3);
    hp->set_sum(1.5);
    hp->add_bucket_counts(1);
    hp->add_bucket_counts(2);
    hp->add_explicit_bounds(0.5);

    auto* exp = sm->add_metrics();
    exp->set_name("latency.exp");
    auto* ep = exp->mutable_exponential_histogram()->add_data_points();
    ep->set_time_unix_nano(t);
    ep->set_count(4);
    ep->set_scale(2);
    ep->mutable_positive()->add_bucket_counts(4);

    auto* summary = sm->add_metrics();
    summary->set_name("latency.summary");
    auto* qp = summary->mutable_summary()->add_data_points();
    qp->set_time_unix_nano(t);
    qp->set_count(10);
    qp->set_sum(20);
    auto* q = qp->add_quantile_values();
    q->set_quantile(0.99);
    q->set_value(4.2);
    return request;
}

std::vector<std::string> spanKeys(const otlp::collector::trace::v1::ExportTraceServiceRequest& request)
{
    std::vector<std::string> keys;
    for (const auto& rs : request.resource_spans())
        for (const auto& ss : rs.scope_spans())
            for (const auto& span : ss.spans())
                keys.push_back(toHex(span.trace_id()) + ":" + toHex(span.span_id()));
    return keys;
}

std::string toHex(const std::string& bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string gzip(const std::string& data)
{
    return deflateWith(data, 15 + 16);
}

std::string zlibCompress(const std::string& data)
{
    return deflateWith(data, 15);
}

} // namespace spanlight::test
