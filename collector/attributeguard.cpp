#include "attributeguard.h"

#include "opentelemetry/proto/common/v1/common.pb.h"

namespace spanlight {

using opentelemetry::proto::common::v1::AnyValue;

bool AttributeGuard::copy(const KeyValues& in, KeyValues* out, uint32_t* dropped)
{
    for (const auto& kv : in) {
        if (static_cast<size_t>(out->size()) >= m_limits.maxAttributesPerItem) {
            const auto excess = static_cast<uint32_t>(in.size()) - static_cast<uint32_t>(out->size());
            *dropped += excess;
            m_truncated += excess;
            break;
        }
        auto* copied = out->Add();
        copied->set_key(kv.key());
        if (kv.has_value() && !copyValueAt(kv.value(), copied->mutable_value(), 1))
            return false;
    }
    return true;
}

bool AttributeGuard::copyValue(const AnyValue& in, AnyValue* out)
{
    return copyValueAt(in, out, 1);
}

bool AttributeGuard::copyValueAt(const AnyValue& in, AnyValue* out, int depth)
{
    if (depth > m_limits.maxAnyValueDepth) {
        m_error = "an attribute value is nested deeper than the limit of " + std::to_string(m_limits.maxAnyValueDepth)
            + " levels";
        return false;
    }
    switch (in.value_case()) {
    case AnyValue::kStringValue:
        out->set_string_value(in.string_value());
        cut(out->mutable_string_value(), true);
        break;
    case AnyValue::kBytesValue:
        out->set_bytes_value(in.bytes_value());
        cut(out->mutable_bytes_value(), false);
        break;
    case AnyValue::kArrayValue: {
        auto* values = out->mutable_array_value()->mutable_values();
        for (const AnyValue& v : in.array_value().values())
            if (!copyValueAt(v, values->Add(), depth + 1))
                return false;
        break;
    }
    case AnyValue::kKvlistValue: {
        auto* values = out->mutable_kvlist_value()->mutable_values();
        for (const auto& kv : in.kvlist_value().values()) {
            auto* copied = values->Add();
            copied->set_key(kv.key());
            if (kv.has_value() && !copyValueAt(kv.value(), copied->mutable_value(), depth + 1))
                return false;
        }
        break;
    }
    default:
        *out = in; // scalars (bool, int, double) and the empty value
        break;
    }
    return true;
}

void AttributeGuard::cut(std::string* value, bool utf8)
{
    if (value->size() <= m_limits.maxAttributeValueBytes)
        return;
    size_t end = m_limits.maxAttributeValueBytes;
    // Never split a UTF-8 sequence: back up over continuation bytes.
    if (utf8)
        while (end > 0 && (static_cast<unsigned char>((*value)[end]) & 0xC0) == 0x80)
            --end;
    value->resize(end);
    ++m_truncated;
}

std::string attributeText(const AttributeGuard::KeyValues& attributes, const char* key)
{
    for (const auto& kv : attributes) {
        if (kv.key() != key)
            continue;
        const AnyValue& v = kv.value();
        switch (v.value_case()) {
        case AnyValue::kStringValue:
            return v.string_value();
        case AnyValue::kIntValue:
            return std::to_string(v.int_value());
        case AnyValue::kBoolValue:
            return v.bool_value() ? "true" : "false";
        default:
            return {};
        }
    }
    return {};
}

} // namespace spanlight
