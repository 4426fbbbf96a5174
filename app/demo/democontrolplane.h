#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spanlight {

class DemoTenantGate;

/// What the demo's platform was asked to do, for tests and the exit line.
struct DemoControlPlaneStats
{
    int64_t requests = 0; ///< every HTTP request, accepted or not
    int64_t rejected = 0; ///< refused: bad signature or timestamp, bad body, unknown tenant...
    int64_t replayed = 0; ///< a known Idempotency-Key answered with its first result
    int64_t pauses = 0;
    int64_t resumes = 0;
    int64_t keyRotations = 0;
    int64_t cachePurges = 0;
};

/**
 * The demo fleet's platform side of docs/control-plane.md: an HTTP receiver on
 * 127.0.0.1 (port 0, its own thread) that verifies the timestamp and signature
 * with the demo's secret exactly as the document says, remembers idempotency
 * keys, and carries out the actions on the simulated fleet: tenant.pause and
 * tenant.resume close and open the tenant's DemoTenantGate; key rotations and
 * cache purges are acknowledged and counted.
 */
class DemoControlPlane
{
public:
    /// \a tenants: the fleet's tenant names; others are answered 404.
    DemoControlPlane(std::shared_ptr<DemoTenantGate> gate, std::vector<std::string> tenants);
    ~DemoControlPlane(); ///< stops and joins

    DemoControlPlane(const DemoControlPlane&) = delete;
    DemoControlPlane& operator=(const DemoControlPlane&) = delete;

    /// Listens and returns at once; false with \a error if it cannot.
    bool start(std::string* error);
    void stop(); ///< idempotent
    uint16_t port() const { return m_port; }
    /// The shared secret: 64 hex characters drawn afresh for every demo.
    const std::string& secret() const { return m_secret; }
    DemoControlPlaneStats stats() const;

    /// What the receiver answers: an HTTP status and a small JSON body.
    struct Answer
    {
        int status = 200;
        std::string body;
    };
    /// One request, as read off the wire.
    struct Request
    {
        std::string method;
        std::string target;
        std::string timestamp; ///< X-Spanlight-Timestamp
        std::string signature; ///< X-Spanlight-Signature
        std::string idempotencyKey;
        std::string body;
    };
    /// Verifies, deduplicates and carries out one request. Thread-safe.
    Answer handle(const Request& request);

private:
    struct Server;
    struct State;

    std::string m_secret;
    std::unique_ptr<State> m_state;
    /// shared_ptr: its deleter is bound in democontrolplaneserver.cpp, the only file that knows Server.
    std::shared_ptr<Server> m_server;
    uint16_t m_port = 0;
};

} // namespace spanlight
