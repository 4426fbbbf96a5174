#pragma once

#include <cstddef>

namespace spanlight {

/// Every bound the receivers enforce (DESIGN.md rule 3). One struct, so the
/// config file, the command line and the tests all name the same knobs.
struct IngestLimits
{
    size_t maxBodyBytes = 64u << 20; ///< request body after decompression; beyond → 413 / RESOURCE_EXHAUSTED
    /// Request bodies held at once, from an HTTP header (its Content-Length, or
    /// maxBodyBytes when chunked) or a parsed gRPC message until the export is
    /// answered, plus inflated copies until decoded; beyond → 429 / UNAVAILABLE.
    size_t maxReceivingBytes = 224u << 20;
    size_t maxDecodingBytes = 56u << 20; ///< bodies being decoded at once (objects take ~4× that); beyond → 429
    int maxAnyValueDepth = 32; ///< AnyValue nesting; deeper → 400 / INVALID_ARGUMENT
    size_t maxAttributesPerItem = 128; ///< per span/event/link/record/point; beyond: dropped and counted
    size_t maxAttributeValueBytes = 64u << 10; ///< string/bytes value length; beyond: truncated and counted
    int headerTimeoutMs = 10000; ///< time to receive a request's headers, also between keep-alive requests (slowloris)
    int bodyTimeoutMs = 30000; ///< time to receive a request's body
    size_t maxConnections = 256; ///< concurrent HTTP connections; beyond → 503 and close
    size_t maxHeaderBytes = 16u << 10; ///< HTTP header block; beyond → 431
    int retryAfterSeconds = 1; ///< hint sent with 429 / UNAVAILABLE
    int httpThreads = 2; ///< io_context threads of the HTTP receiver
};

} // namespace spanlight
