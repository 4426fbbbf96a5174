#include "controlplanereceiver.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <set>
#include <sodium.h>
#include <stdexcept>

namespace spanlight::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr long long kReplayWindowSeconds = 300;

/// Lowercase hex HMAC-SHA256 of \a message under \a key (any length), through libsodium.
std::string hmacSha256Hex(const std::string& key, const std::string& message)
{
    crypto_auth_hmacsha256_state state;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    return hex;
}

bool isDecimal(const std::string& text)
{
    return !text.empty() && text.size() < 19 && text.find_first_not_of("0123456789") == std::string::npos;
}

} // namespace

struct ContractReceiver::Io
{
    asio::io_context context;
    tcp::acceptor acceptor { context };
};

class ContractReceiver::Session : public std::enable_shared_from_this<Session>
{
public:
    Session(tcp::socket socket, ContractReceiver& owner)
        : m_socket(std::move(socket))
        , m_owner(owner)
    {
    }

    void read()
    {
        m_request = {};
        http::async_read(m_socket, m_buffer, m_request, [self = shared_from_this()](auto error, std::size_t) {
            if (!error)
                self->answer();
        });
    }

private:
    void answer()
    {
        Request request { std::string(m_request.method_string()), std::string(m_request.target()),
            std::string(m_request[http::field::content_type]), std::string(m_request["X-Spanlight-Timestamp"]),
            std::string(m_request["X-Spanlight-Signature"]), std::string(m_request["Idempotency-Key"]),
            m_request.body() };
        const std::optional<Answer> answer = m_owner.handle(request);
        if (!answer) {
            m_owner.m_held.push_back(shared_from_this());
            return;
        }
        auto response = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(answer->status), m_request.version());
        response->set(http::field::content_type, "application/json");
        if (answer->retryAfterSeconds >= 0)
            response->set(http::field::retry_after, std::to_string(answer->retryAfterSeconds));
        response->keep_alive(m_request.keep_alive());
        response->body() = answer->body;
        response->prepare_payload();
        http::async_write(m_socket, *response, [self = shared_from_this(), response](auto error, std::size_t) {
            if (!error && response->keep_alive())
                self->read();
        });
    }

    tcp::socket m_socket;
    ContractReceiver& m_owner;
    boost::beast::flat_buffer m_buffer;
    http::request<http::string_body> m_request;
};

ContractReceiver::ContractReceiver(std::string secret)
    : m_io(std::make_unique<Io>())
    , m_secret(std::move(secret))
{
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium cannot be initialised");
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    m_io->acceptor.open(endpoint.protocol());
    m_io->acceptor.bind(endpoint);
    m_io->acceptor.listen();
    m_port = m_io->acceptor.local_endpoint().port();
    accept();
    m_thread = std::thread([this] { m_io->context.run(); });
}

ContractReceiver::~ContractReceiver()
{
    m_io->context.stop();
    m_thread.join();
    m_held.clear();
}

void ContractReceiver::accept()
{
    m_io->acceptor.async_accept([this](boost::system::error_code error, tcp::socket socket) {
        if (error)
            return;
        std::make_shared<Session>(std::move(socket), *this)->read();
        accept();
    });
}

void ContractReceiver::script(std::vector<Step> steps)
{
    std::lock_guard lock(m_mutex);
    m_script.assign(steps.begin(), steps.end());
}

std::vector<ContractReceiver::Seen> ContractReceiver::seen() const
{
    std::lock_guard lock(m_mutex);
    return m_seen;
}

std::vector<ContractReceiver::Applied> ContractReceiver::applied() const
{
    std::lock_guard lock(m_mutex);
    return m_applied;
}

std::optional<ContractReceiver::Answer> ContractReceiver::handle(const Request& request)
{
    std::lock_guard lock(m_mutex);
    Seen seen { request.method, request.path, request.contentType, request.timestamp, request.signature,
        request.idempotencyKey, request.body, 0, {} };
    Step step;
    if (!m_script.empty()) {
        step = m_script.front();
        m_script.pop_front();
    }
    std::optional<Answer> answer;
    if (step.status != 0) {
        seen.verdict = "scripted";
        answer = Answer { step.status, step.bodyBytes ? std::string(step.bodyBytes, 'x') : R"({"error":"scripted"})",
            step.retryAfterSeconds };
    } else if (request.method != "POST" || request.path != "/v1/actions") {
        seen.verdict = "wrong endpoint";
        answer = Answer { 404, R"({"error":"no such endpoint"})" };
    } else if (std::string problem = verify(request); !problem.empty()) {
        seen.verdict = problem;
        answer = Answer { 401, R"({"error":")" + problem + "\"}" };
    } else if (const auto first = m_results.find(request.idempotencyKey); first != m_results.end()) {
        // A repeated key gets the first result without acting again, unless the body changed.
        seen.verdict = first->second.first == request.body ? "replayed" : "key reused";
        answer = seen.verdict == "replayed" ? first->second.second : Answer { 409, R"({"error":"key reused"})" };
    } else {
        answer = apply(request, &seen.verdict);
        if (answer->status == 200)
            m_results[request.idempotencyKey] = { request.body, *answer };
    }
    if (step.hold)
        answer.reset();
    seen.status = answer ? answer->status : 0;
    m_seen.push_back(std::move(seen));
    return answer;
}

std::string ContractReceiver::verify(const Request& request) const
{
    // Step 2: a decimal Unix time within 300 s of our clock, either way.
    if (!isDecimal(request.timestamp))
        return "missing timestamp";
    const long long sent = std::atoll(request.timestamp.c_str());
    const long long now
        = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (std::llabs(now - sent) > kReplayWindowSeconds)
        return "stale timestamp";
    // Steps 3-5: "v1=" + hex HMAC over timestamp "." body, compared in constant time.
    const std::string expected = "v1=" + hmacSha256Hex(m_secret, request.timestamp + "." + request.body);
    if (request.signature.size() != expected.size()
        || sodium_memcmp(request.signature.data(), expected.data(), expected.size()) != 0)
        return "bad signature";
    return {};
}

ContractReceiver::Answer ContractReceiver::apply(const Request& request, std::string* verdict)
{
    static const std::set<std::string> kActions { "tenant.pause", "tenant.resume", "tenant.rotate_api_key",
        "tenant.purge_caches" };
    static const std::set<std::string> kScopes { "prompt_cache", "embeddings", "all" };
    const QJsonObject body = QJsonDocument::fromJson(QByteArray::fromStdString(request.body)).object();
    const std::string action = body.value(QStringLiteral("action")).toString().toStdString();
    const std::string tenant = body.value(QStringLiteral("tenant")).toString().toStdString();
    const std::string scope
        = body.value(QStringLiteral("params")).toObject().value(QStringLiteral("scope")).toString().toStdString();
    if (!kActions.count(action) || tenant.empty()
        || body.value(QStringLiteral("request_id")).toString().toStdString() != request.idempotencyKey) {
        *verdict = "bad request";
        return { 400, R"({"error":"unknown action, no tenant, or request_id differs from Idempotency-Key"})" };
    }
    if (action == "tenant.purge_caches" && !kScopes.count(scope)) {
        *verdict = "bad scope";
        return { 400, R"({"error":"scope must be prompt_cache, embeddings or all"})" };
    }
    m_applied.push_back({ action, tenant, scope, request.idempotencyKey });
    *verdict = "applied";
    return { 200, R"({"status":"applied"})" };
}

} // namespace spanlight::test
