#pragma once

#include <string>
#include <string_view>

namespace spanlight {

/// Whether one export may be stored, and under which tenant.
struct IngestAuthDecision
{
    bool allowed = false;
    std::string tenant; ///< when allowed: the key's tenant, which every item of the request gets
    std::string reason; ///< when refused: why, in English, for the 401 / UNAUTHENTICATED answer; never the key
};

/// Decides per request whether a presented ingest key may ingest (issue 5,
/// "Ingest keys"). Both receivers call check() on their own threads, many at
/// once, before the body is decoded: implementations must be thread-safe and
/// must not wait for I/O.
class IngestAuthenticator
{
public:
    virtual ~IngestAuthenticator() = default;
    /// \a presentedKey is what the client sent, possibly empty or garbage.
    virtual IngestAuthDecision check(std::string_view presentedKey) const = 0;
};

/// The key a request presents: the credentials of "Authorization: Bearer <key>"
/// (scheme case-insensitive), else the value of "x-spanlight-key". Empty when
/// neither carries one. The same rule for HTTP headers and gRPC metadata.
std::string_view presentedIngestKey(std::string_view authorization, std::string_view spanlightKeyHeader);

/// The refusal when a request presents no key at all.
std::string missingIngestKeyReason(std::string_view authorization);

} // namespace spanlight
