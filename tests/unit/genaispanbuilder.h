#pragma once

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlpconvert.h"

#include <gtest/gtest.h>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

namespace spanlight::test {

namespace otlp = opentelemetry::proto;
using KeyValues = google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>;

/// An attribute value as instrumentation sends it.
struct AttrValue
{
    std::variant<std::string, int64_t, double, bool, std::vector<std::string>> value;
    AttrValue(const char* s)
        : value(std::string(s))
    {
    }
    AttrValue(std::string s)
        : value(std::move(s))
    {
    }
    AttrValue(int i)
        : value(static_cast<int64_t>(i))
    {
    }
    AttrValue(int64_t i)
        : value(i)
    {
    }
    AttrValue(double d)
        : value(d)
    {
    }
    AttrValue(bool b)
        : value(b)
    {
    }
    AttrValue(std::vector<std::string> list)
        : value(std::move(list))
    {
    }
};
using Attrs = std::initializer_list<std::pair<const char*, AttrValue>>;

inline void setValue(otlp::common::v1::AnyValue* out, const AttrValue& in)
{
    if (const auto* s = std::get_if<std::string>(&in.value))
        out->set_string_value(*s);
    else if (const auto* i = std::get_if<int64_t>(&in.value))
        out->set_int_value(*i);
    else if (const auto* d = std::get_if<double>(&in.value))
        out->set_double_value(*d);
    else if (const auto* b = std::get_if<bool>(&in.value))
        out->set_bool_value(*b);
    else
        for (const std::string& item : std::get<std::vector<std::string>>(in.value))
            out->mutable_array_value()->add_values()->set_string_value(item);
}

inline void addAttrs(KeyValues* out, Attrs attrs)
{
    for (const auto& [key, value] : attrs) {
        auto* kv = out->Add();
        kv->set_key(key);
        setValue(kv->mutable_value(), value);
    }
}

/// One span in one export request, converted by the real convertTraces.
class SpanBuilder
{
public:
    explicit SpanBuilder(const std::string& name, const std::string& service = "chat-api")
    {
        auto* rs = m_request.add_resource_spans();
        addAttrs(rs->mutable_resource()->mutable_attributes(), { { "service.name", service } });
        m_span = rs->add_scope_spans()->add_spans();
        m_span->set_trace_id(std::string(16, '\x11'));
        m_span->set_span_id(std::string(8, '\x22'));
        m_span->set_name(name);
        m_span->set_kind(otlp::trace::v1::Span::SPAN_KIND_CLIENT);
        m_span->set_start_time_unix_nano(1'700'000'000'000'000'000);
        m_span->set_end_time_unix_nano(1'700'000'001'500'000'000);
    }

    SpanBuilder& attrs(Attrs attrs)
    {
        addAttrs(m_span->mutable_attributes(), attrs);
        return *this;
    }
    SpanBuilder& resource(Attrs attrs)
    {
        addAttrs(m_request.mutable_resource_spans(0)->mutable_resource()->mutable_attributes(), attrs);
        return *this;
    }
    SpanBuilder& error(const std::string& message)
    {
        m_span->mutable_status()->set_code(otlp::trace::v1::Status::STATUS_CODE_ERROR);
        m_span->mutable_status()->set_message(message);
        return *this;
    }
    SpanBuilder& event(const std::string& name, Attrs attrs)
    {
        auto* event = m_span->add_events();
        event->set_name(name);
        event->set_time_unix_nano(m_span->end_time_unix_nano());
        addAttrs(event->mutable_attributes(), attrs);
        return *this;
    }

    const otlp::collector::trace::v1::ExportTraceServiceRequest& request() const { return m_request; }

    SpanRecord convert(const GenAiSettings& genai = GenAiSettings(), const IngestLimits& limits = {}) const
    {
        const ConvertResult result = convertTraces(m_request, limits, genai);
        EXPECT_TRUE(result.fatal.empty()) << result.fatal;
        if (!result.batch || result.batch->spans.size() != 1) {
            ADD_FAILURE() << "expected exactly one converted span";
            return {};
        }
        return result.batch->spans.front();
    }

private:
    otlp::collector::trace::v1::ExportTraceServiceRequest m_request;
    otlp::trace::v1::Span* m_span = nullptr;
};

} // namespace spanlight::test
