// libFuzzer target: the OTLP/JSON path (hex-id pre-pass, protobuf's JSON
// parser, converter). The first byte picks the signal.
#include "jsonhexids.h"
#include "otlpdecoder.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const auto signal = static_cast<spanlight::Signal>(data[0] % 3);
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    spanlight::hexIdsToBase64(body);
    spanlight::IngestLimits limits;
    limits.maxAttributesPerItem = 16;
    limits.maxAttributeValueBytes = 64;
    spanlight::decodeExport(signal, spanlight::Encoding::Json, body, limits);
    return 0;
}
