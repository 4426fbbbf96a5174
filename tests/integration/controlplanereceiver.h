#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace spanlight::test {

/**
 * A control-plane receiver written from docs/control-plane.md alone, sharing no
 * code with ControlPlaneClient: Boost.Beast HTTP on 127.0.0.1 port 0 on its own
 * thread, HMAC-SHA256 and the constant-time compare from libsodium, a ±300 s
 * replay window against the real clock, and an idempotency store.
 *
 * Tests script the next answers (a 503, a held answer...) to drive the client's
 * retries; unscripted requests are verified and applied as the document says.
 */
class ContractReceiver
{
public:
    /// What the receiver does with one request, before (or instead of) the normal path.
    struct Step
    {
        int status = 0; ///< answer this status without verifying; 0: the normal path
        int retryAfterSeconds = -1; ///< with status: a Retry-After header
        bool hold = false; ///< never answer (with status 0: verify and apply first, then lose the answer)
        std::size_t bodyBytes = 0; ///< with status: a body of this many bytes instead of a short JSON error
    };

    /// One request as it arrived.
    struct Seen
    {
        std::string method;
        std::string path;
        std::string contentType;
        std::string timestamp;
        std::string signature;
        std::string idempotencyKey;
        std::string body;
        int status = 0; ///< what was answered; 0 when held
        std::string verdict; ///< "applied", "replayed", "bad signature", "stale timestamp", "scripted", ...
    };

    /// One action carried out.
    struct Applied
    {
        std::string action;
        std::string tenant;
        std::string scope; ///< params.scope, when present
        std::string requestId;
    };

    explicit ContractReceiver(std::string secret);
    ~ContractReceiver();

    uint16_t port() const { return m_port; }
    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    void script(std::vector<Step> steps);
    std::vector<Seen> seen() const;
    std::vector<Applied> applied() const;

private:
    class Session;
    struct Answer
    {
        int status = 0;
        std::string body;
        int retryAfterSeconds = -1;
    };
    struct Request
    {
        std::string method, path, contentType, timestamp, signature, idempotencyKey, body;
    };

    void accept();
    /// The answer for \a request; nullopt to hold it.
    std::optional<Answer> handle(const Request& request);
    /// Steps 2-5 of "Verifying a request"; empty when the request is authentic.
    std::string verify(const Request& request) const;
    Answer apply(const Request& request, std::string* verdict);

    struct Io;
    std::unique_ptr<Io> m_io;
    std::thread m_thread;
    uint16_t m_port = 0;
    const std::string m_secret;
    std::vector<std::shared_ptr<Session>> m_held; ///< held answers keep their connection open; io thread only

    mutable std::mutex m_mutex; ///< guards everything below
    std::deque<Step> m_script;
    std::vector<Seen> m_seen;
    std::vector<Applied> m_applied;
    std::map<std::string, std::pair<std::string, Answer>> m_results; ///< key -> (first body, first answer)
};

} // namespace spanlight::test
