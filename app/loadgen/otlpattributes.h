#pragma once

// Small helpers for filling OTLP attribute lists; shared by the trace and log generators.

#include "opentelemetry/proto/common/v1/common.pb.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace spanlight::loadgen::otlp {

using KeyValues = google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;

inline opentelemetry::proto::common::v1::AnyValue* addKey(KeyValues* attributes, std::string_view key)
{
    auto* keyValue = attributes->Add();
    keyValue->set_key(std::string(key));
    return keyValue->mutable_value();
}

inline void addString(KeyValues* attributes, std::string_view key, std::string_view value)
{
    addKey(attributes, key)->set_string_value(std::string(value));
}

inline void addInt(KeyValues* attributes, std::string_view key, std::int64_t value)
{
    addKey(attributes, key)->set_int_value(value);
}

inline void addDouble(KeyValues* attributes, std::string_view key, double value)
{
    addKey(attributes, key)->set_double_value(value);
}

inline void addStringArray(KeyValues* attributes, std::string_view key, std::initializer_list<std::string_view> values)
{
    auto* array = addKey(attributes, key)->mutable_array_value();
    for (std::string_view value : values)
        array->add_values()->set_string_value(std::string(value));
}

/// @p bytes random bytes from @p rng, never all zero (an all-zero id is invalid in OTLP).
template <typename Rng> std::string randomId(Rng& rng, int bytes)
{
    std::string id(static_cast<std::size_t>(bytes), '\0');
    while (std::all_of(id.begin(), id.end(), [](char c) { return c == 0; })) {
        for (int i = 0; i < bytes; i += 8) {
            const std::uint64_t word = rng();
            for (int b = 0; b < 8 && i + b < bytes; ++b)
                id[static_cast<std::size_t>(i + b)] = static_cast<char>((word >> (8 * b)) & 0xFF);
        }
    }
    return id;
}

/// W3C trace flags as OTLP carries them: sampled, and "parent is not remote" known (bit 8).
constexpr std::uint32_t kLocalSampledFlags = 0x101;

} // namespace spanlight::loadgen::otlp
