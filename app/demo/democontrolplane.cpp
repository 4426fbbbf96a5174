#include "democontrolplane.h"

#include "demotenantgate.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <charconv>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <sodium.h>

namespace spanlight {

namespace {

/// docs/control-plane.md: timestamps further than this from our clock are refused.
constexpr int64_t kReplayWindowSeconds = 300;
/// Idempotency keys remembered; the oldest are forgotten first. A demo runs for hours, not days.
constexpr std::size_t kRememberedKeys = 4096;

std::string json(std::initializer_list<std::pair<const char*, std::string>> fields)
{
    QJsonObject object;
    for (const auto& [key, value] : fields)
        object.insert(QLatin1String(key), QString::fromStdString(value));
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

std::string hexHmacSha256(const std::string& key, const std::string& message)
{
    crypto_auth_hmacsha256_state state;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char hex[sizeof mac * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    return hex;
}

/// Steps 2-5 of "Verifying a request"; empty when the request is authentic.
std::string authenticityProblem(const std::string& secret, const DemoControlPlane::Request& request)
{
    int64_t sent = 0;
    const char* begin = request.timestamp.data();
    const char* end = begin + request.timestamp.size();
    const auto [parsed, ec] = std::from_chars(begin, end, sent);
    if (request.timestamp.empty() || ec != std::errc() || parsed != end || request.timestamp[0] == '-')
        return "missing or malformed X-Spanlight-Timestamp";
    const int64_t now
        = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (sent < now - kReplayWindowSeconds || sent > now + kReplayWindowSeconds)
        return "timestamp outside the 300 s window";
    const std::string expected = "v1=" + hexHmacSha256(secret, request.timestamp + "." + request.body);
    if (request.signature.size() != expected.size()
        || sodium_memcmp(request.signature.data(), expected.data(), expected.size()) != 0)
        return "bad signature";
    return {};
}

} // namespace

struct DemoControlPlane::State
{
    std::shared_ptr<DemoTenantGate> gate;
    std::set<std::string> tenants;
    std::mutex mutex; ///< guards everything below
    DemoControlPlaneStats stats;
    std::map<std::string, std::pair<std::string, Answer>> results; ///< key -> (first body, first answer)
    std::deque<std::string> keyOrder; ///< oldest first, to forget keys beyond kRememberedKeys
};

DemoControlPlane::DemoControlPlane(std::shared_ptr<DemoTenantGate> gate, std::vector<std::string> tenants)
    : m_state(std::make_unique<State>())
{
    m_state->gate = std::move(gate);
    m_state->tenants.insert(tenants.begin(), tenants.end());
    if (sodium_init() < 0)
        return; // start() reports it
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    char hex[sizeof random * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, random, sizeof random);
    m_secret = hex;
}

DemoControlPlane::~DemoControlPlane()
{
    stop(); // democontrolplaneserver.cpp
}

DemoControlPlaneStats DemoControlPlane::stats() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->stats;
}

DemoControlPlane::Answer DemoControlPlane::handle(const Request& request)
{
    State& state = *m_state;
    std::lock_guard lock(state.mutex);
    ++state.stats.requests;
    const auto refuse = [&](int status, const std::string& error) {
        ++state.stats.rejected;
        return Answer { status, json({ { "error", error } }) };
    };
    if (request.method != "POST" || request.target != "/v1/actions")
        return refuse(404, "no such endpoint; actions go to POST /v1/actions");
    if (const std::string problem = authenticityProblem(m_secret, request); !problem.empty())
        return refuse(401, problem);
    if (request.idempotencyKey.empty())
        return refuse(400, "missing Idempotency-Key");
    if (const auto first = state.results.find(request.idempotencyKey); first != state.results.end()) {
        if (first->second.first != request.body)
            return refuse(409, "Idempotency-Key reused with a different body");
        ++state.stats.replayed;
        return first->second.second; // the first result; the action is not carried out again
    }

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(request.body), &parseError);
    if (!document.isObject())
        return refuse(400, "the body is not a JSON object");
    const QJsonObject body = document.object();
    const std::string action = body.value(QStringLiteral("action")).toString().toStdString();
    const std::string tenant = body.value(QStringLiteral("tenant")).toString().toStdString();
    if (body.value(QStringLiteral("request_id")).toString().toStdString() != request.idempotencyKey)
        return refuse(400, "request_id differs from the Idempotency-Key header");
    if (!state.tenants.count(tenant))
        return refuse(404, "unknown tenant '" + tenant + "'");

    Answer answer;
    if (action == "tenant.pause" || action == "tenant.resume") {
        const bool pause = action == "tenant.pause";
        state.gate->setPaused(tenant, pause);
        ++(pause ? state.stats.pauses : state.stats.resumes);
        answer.body = json({ { "status", pause ? "paused" : "active" }, { "tenant", tenant } });
    } else if (action == "tenant.rotate_api_key") {
        ++state.stats.keyRotations;
        answer.body = json({ { "status", "rotated" }, { "tenant", tenant } });
    } else if (action == "tenant.purge_caches") {
        const std::string scope
            = body.value(QStringLiteral("params")).toObject().value(QStringLiteral("scope")).toString().toStdString();
        if (scope != "prompt_cache" && scope != "embeddings" && scope != "all")
            return refuse(400, "params.scope must be prompt_cache, embeddings or all");
        ++state.stats.cachePurges;
        answer.body = json({ { "status", "purged" }, { "tenant", tenant }, { "scope", scope } });
    } else {
        return refuse(400, "unknown action '" + action + "'");
    }
    state.results[request.idempotencyKey] = { request.body, answer };
    state.keyOrder.push_back(request.idempotencyKey);
    if (state.keyOrder.size() > kRememberedKeys) {
        state.results.erase(state.keyOrder.front());
        state.keyOrder.pop_front();
    }
    return answer;
}

} // namespace spanlight
