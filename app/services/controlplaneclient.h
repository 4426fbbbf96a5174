#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <functional>

namespace spanlight {

/// Where and how control-plane actions are delivered (docs/control-plane.md).
/// Config knobs: control_plane/url, control_plane/secret_file,
/// control_plane/timeout_ms, control_plane/max_attempts.
struct ControlPlaneOptions
{
    QString baseUrl; ///< "https://platform.example/spanlight"; empty: no control plane configured
    QByteArray secret; ///< the shared HMAC key, read from control_plane/secret_file
    int timeoutMs = 5000; ///< per attempt: no byte moving for this long aborts the attempt
    int maxAttempts = 4; ///< first try included
    int initialBackoffMs = 200; ///< doubles per retry, with jitter
    int maxBackoffMs = 5000; ///< cap on one wait, Retry-After included
};

/// One action for the platform. The caller generates requestId (a UUID) once per
/// action and passes the same request on every delivery, so the receiver can
/// deduplicate with the Idempotency-Key header.
struct ControlPlaneRequest
{
    QString action; ///< "tenant.pause", "tenant.resume", "tenant.rotate_api_key", "tenant.purge_caches"
    QString tenant;
    QJsonObject params; ///< e.g. {"scope": "prompt_cache"} for tenant.purge_caches
    QString reason;
    QString actor;
    QString requestId;
};

/// How a delivery ended, to be recorded in the audit log's outcome entry.
struct ControlPlaneOutcome
{
    bool delivered = false; ///< the receiver answered 2xx
    int httpStatus = 0; ///< last HTTP status; 0 when no answer came (connection error, timeout, not configured)
    int attempts = 0; ///< HTTP requests made
    QString error; ///< why it was not delivered; empty when delivered. Never contains the secret.
    QByteArray responseBody; ///< the last answer's body (the receiver's result or error), at most 64 KiB
};

/// The path appended to ControlPlaneOptions::baseUrl.
inline constexpr const char* kControlPlaneActionsPath = "/v1/actions";

/**
 * Delivers signed actions to the platform's control plane over HTTP(S)
 * (docs/control-plane.md has the contract).
 *
 * deliver() BLOCKS until the action is delivered or given up: call it from a
 * worker thread, never the UI thread. It creates its own QNetworkAccessManager
 * in the calling thread and runs a local event loop, so a plain std::thread
 * works too (Qt adopts it). One client may be used from several threads at once.
 */
class ControlPlaneClient
{
public:
    /// Unix time in seconds, for the signed timestamp header.
    using Clock = std::function<qint64()>;
    /// Waits between attempts.
    using Sleeper = std::function<void(int milliseconds)>;

    explicit ControlPlaneClient(ControlPlaneOptions options, Clock clock = {}, Sleeper sleeper = {});

    ControlPlaneOutcome deliver(const ControlPlaneRequest& request) const;

    bool configured() const { return !m_options.baseUrl.isEmpty(); }
    const ControlPlaneOptions& options() const { return m_options; }

    /// The JSON body sent for \a request (compact UTF-8 JSON; the signature covers these exact bytes).
    static QByteArray body(const ControlPlaneRequest& request);
    /// "v1=" + lowercase hex HMAC-SHA256(secret, timestamp + "." + body).
    static QByteArray signature(const QByteArray& secret, qint64 timestamp, const QByteArray& body);
    /// The wait before attempt \a nextAttempt (2, 3, ...): exponential with jitter, or
    /// \a retryAfterMs (>= 0) when the receiver sent Retry-After; capped at maxBackoffMs.
    int backoffMs(int nextAttempt, int retryAfterMs) const;

private:
    ControlPlaneOptions m_options;
    Clock m_clock;
    Sleeper m_sleeper;
};

} // namespace spanlight
