// libFuzzer target: the OTLP protobuf decoder and converter. The first byte
// picks the signal; the rest is the export body.
#include "otlpdecoder.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const auto signal = static_cast<spanlight::Signal>(data[0] % 3);
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    spanlight::IngestLimits limits;
    limits.maxAttributesPerItem = 16; // exercise the cutting paths too
    limits.maxAttributeValueBytes = 64;
    spanlight::decodeExport(signal, spanlight::Encoding::Protobuf, body, limits);
    return 0;
}
