#pragma once

#include "ingestlimits.h"

#include <google/protobuf/repeated_ptr_field.h>
#include <string>

namespace opentelemetry::proto::common::v1 {
class AnyValue;
class KeyValue;
}

namespace spanlight {

/// Copies attribute lists and values under the limits: too many attributes are
/// dropped (and counted), long string/bytes values are cut (and counted), and a
/// value nested deeper than the limit fails the whole request — deep nesting is
/// how the OpenTelemetry Collector was crashed (#15301/#15598).
class AttributeGuard
{
public:
    using KeyValues = google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;

    explicit AttributeGuard(const IngestLimits& limits)
        : m_limits(limits)
    {
    }

    /// Appends a bounded copy of \a in to \a out; adds the number dropped to
    /// \a dropped. Returns false (and sets error()) when a value is too deep.
    bool copy(const KeyValues& in, KeyValues* out, uint32_t* dropped);
    /// Bounded copy of one value (a log body).
    bool copyValue(
        const opentelemetry::proto::common::v1::AnyValue& in, opentelemetry::proto::common::v1::AnyValue* out);

    int64_t truncated() const { return m_truncated; }
    const std::string& error() const { return m_error; }

private:
    bool copyValueAt(const opentelemetry::proto::common::v1::AnyValue& in,
        opentelemetry::proto::common::v1::AnyValue* out, int depth);
    void cut(std::string* value, bool utf8);

    const IngestLimits& m_limits;
    int64_t m_truncated = 0;
    std::string m_error;
};

/// The string form of an attribute value, for dimension columns.
std::string attributeText(const AttributeGuard::KeyValues& attributes, const char* key);

} // namespace spanlight
