#include "controlplaneclient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QUrl>
#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

namespace spanlight {

namespace {

/// The part of an answer kept for the outcome; a receiver answers with a small JSON object.
constexpr qint64 kMaxResponseBytes = 64 * 1024;
/// How much of an error answer is quoted in the outcome's message.
constexpr int kQuotedBodyChars = 200;

/// What one HTTP attempt produced.
struct Attempt
{
    int status = 0; ///< 0: no HTTP answer
    QByteArray body;
    QString error; ///< empty for a 2xx
    bool retryable = false;
    int retryAfterMs = -1; ///< from a Retry-After header in seconds; -1 when absent
};

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

/// 408 and 429 say "later", 5xx says "not now"; any other 4xx (and 3xx: a signed
/// POST is never followed to another host) repeats the same way every time.
bool isRetryableStatus(int status)
{
    return status == 408 || status == 429 || (status >= 500 && status < 600);
}

/// Connection-level failures worth another try: refused, reset, DNS, timeouts. TLS
/// handshake failures are configuration problems and fail at once.
bool isRetryableNetworkError(QNetworkReply::NetworkError error)
{
    return error > QNetworkReply::NoError && error < QNetworkReply::ProxyConnectionRefusedError
        && error != QNetworkReply::SslHandshakeFailedError;
}

QString quoted(const QByteArray& body)
{
    const QString text = QString::fromUtf8(body.left(kQuotedBodyChars)).simplified();
    return text.isEmpty() ? QString() : QStringLiteral(": ") + text;
}

Attempt post(QNetworkAccessManager& network, const QUrl& url, const ControlPlaneRequest& request,
    const QByteArray& body, const QByteArray& secret, qint64 timestamp, int timeoutMs)
{
    QNetworkRequest http(url);
    http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    http.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Spanlight/" SPANLIGHT_VERSION));
    http.setRawHeader("X-Spanlight-Timestamp", QByteArray::number(timestamp));
    http.setRawHeader("X-Spanlight-Signature", ControlPlaneClient::signature(secret, timestamp, body));
    http.setRawHeader("Idempotency-Key", request.requestId.toUtf8());
    http.setTransferTimeout(timeoutMs);
    http.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);

    const std::unique_ptr<QNetworkReply> reply(network.post(http, body));
    // The answer is read as it arrives and cut at kMaxResponseBytes, so a runaway
    // receiver cannot make us buffer without bound.
    Attempt attempt;
    bool tooLarge = false;
    const auto readSome = [&] {
        if (reply->isOpen())
            attempt.body += reply->read(kMaxResponseBytes - attempt.body.size());
        if (attempt.body.size() >= kMaxResponseBytes && reply->bytesAvailable() > 0 && !tooLarge) {
            tooLarge = true;
            reply->abort();
        }
    };
    QObject::connect(reply.get(), &QNetworkReply::readyRead, reply.get(), readSome);
    if (!reply->isFinished()) {
        QEventLoop loop;
        QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }

    readSome();
    attempt.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (attempt.status > 0) {
        // An answer came: its status decides, whatever QNetworkReply::error() says about it.
        if (isSuccess(attempt.status))
            return attempt;
        attempt.retryable = isRetryableStatus(attempt.status);
        bool ok = false;
        const int seconds = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
        if (ok && seconds >= 0)
            attempt.retryAfterMs = seconds > 86'400 ? 86'400'000 : seconds * 1000;
        attempt.error = QStringLiteral("the control plane answered HTTP %1%2")
                            .arg(QString::number(attempt.status), quoted(attempt.body));
        return attempt;
    }
    const QNetworkReply::NetworkError error = reply->error();
    // setTransferTimeout() aborts the reply: Qt reports that as a cancellation (or, in newer
    // versions, as TimeoutError). We cancel nothing else before headers arrive.
    if (!tooLarge && (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError)) {
        attempt.retryable = true;
        attempt.error
            = QStringLiteral("no answer from %1 within %2 ms").arg(url.toDisplayString(), QString::number(timeoutMs));
        return attempt;
    }
    attempt.retryable = isRetryableNetworkError(error);
    attempt.error
        = QStringLiteral("cannot reach the control plane at %1: %2").arg(url.toDisplayString(), reply->errorString());
    return attempt;
}

/// Checks what deliver() needs before any request is made; empty when all is well.
QString problemWith(const ControlPlaneOptions& options, const QUrl& url, const ControlPlaneRequest& request)
{
    if (options.baseUrl.isEmpty())
        return QStringLiteral("no control plane is configured (control_plane/url is empty)");
    if (!url.isValid() || (url.scheme() != QStringLiteral("http") && url.scheme() != QStringLiteral("https"))
        || url.host().isEmpty())
        return QStringLiteral("control_plane/url '%1' is not an http:// or https:// URL").arg(options.baseUrl);
    if (options.secret.isEmpty())
        return QStringLiteral("the control plane secret is empty (set control_plane/secret_file)");
    if (options.maxAttempts < 1 || options.timeoutMs < 1)
        return QStringLiteral("control plane timeout and attempts must be at least 1");
    if (request.action.isEmpty() || request.tenant.isEmpty())
        return QStringLiteral("a control-plane request needs an action and a tenant");
    if (request.requestId.isEmpty())
        return QStringLiteral("a control-plane request needs a request id (generated once per action)");
    if (!QCoreApplication::instance())
        return QStringLiteral("delivering to the control plane needs a QCoreApplication");
    return {};
}

} // namespace

ControlPlaneClient::ControlPlaneClient(ControlPlaneOptions options, Clock clock, Sleeper sleeper)
    : m_options(std::move(options))
    , m_clock(std::move(clock))
    , m_sleeper(std::move(sleeper))
{
    if (!m_clock)
        m_clock = [] { return QDateTime::currentSecsSinceEpoch(); };
    if (!m_sleeper)
        m_sleeper = [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
}

QByteArray ControlPlaneClient::body(const ControlPlaneRequest& request)
{
    const QJsonObject object { { QStringLiteral("action"), request.action },
        { QStringLiteral("tenant"), request.tenant }, { QStringLiteral("params"), request.params },
        { QStringLiteral("reason"), request.reason }, { QStringLiteral("actor"), request.actor },
        { QStringLiteral("request_id"), request.requestId } };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray ControlPlaneClient::signature(const QByteArray& secret, qint64 timestamp, const QByteArray& body)
{
    const QByteArray base = QByteArray::number(timestamp) + '.' + body;
    return QByteArrayLiteral("v1=")
        + QMessageAuthenticationCode::hash(base, secret, QCryptographicHash::Sha256).toHex();
}

int ControlPlaneClient::backoffMs(int nextAttempt, int retryAfterMs) const
{
    const int cap = std::max(0, m_options.maxBackoffMs);
    if (retryAfterMs >= 0)
        return std::min(retryAfterMs, cap);
    // Doubling from the initial wait; half of it fixed, half random, so that many
    // Spanlight instances retrying after one outage do not arrive in lockstep.
    const int doublings = std::clamp(nextAttempt - 2, 0, 20);
    const qint64 exponential = static_cast<qint64>(std::max(0, m_options.initialBackoffMs)) << doublings;
    const int delay = static_cast<int>(std::min<qint64>(exponential, cap));
    return delay / 2 + static_cast<int>(QRandomGenerator::global()->bounded(delay / 2 + 1));
}

ControlPlaneOutcome ControlPlaneClient::deliver(const ControlPlaneRequest& request) const
{
    ControlPlaneOutcome outcome;
    QString base = m_options.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QUrl url(base + QLatin1String(kControlPlaneActionsPath));
    outcome.error = problemWith(m_options, url, request);
    if (!outcome.error.isEmpty())
        return outcome;

    // Created here, in the calling thread, and used only by it: no event loop of
    // another thread is involved, and nothing outlives this call.
    QNetworkAccessManager network;
    const QByteArray body = ControlPlaneClient::body(request);
    for (int attemptNumber = 1;; ++attemptNumber) {
        // Signed afresh each time, so a late retry still falls inside the receiver's replay window.
        const Attempt attempt = post(network, url, request, body, m_options.secret, m_clock(), m_options.timeoutMs);
        outcome.attempts = attemptNumber;
        outcome.httpStatus = attempt.status;
        outcome.responseBody = attempt.body;
        if (isSuccess(attempt.status)) {
            outcome.delivered = true;
            outcome.error.clear();
            return outcome;
        }
        outcome.error = attempt.error;
        if (!attempt.retryable)
            return outcome;
        if (attemptNumber >= m_options.maxAttempts) {
            outcome.error += QStringLiteral(" (gave up after %1 attempts)").arg(attemptNumber);
            return outcome;
        }
        m_sleeper(backoffMs(attemptNumber + 1, attempt.retryAfterMs));
    }
}

} // namespace spanlight
