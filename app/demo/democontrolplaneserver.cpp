// The HTTP side of DemoControlPlane: Boost.Beast on 127.0.0.1, one thread.
#include "democontrolplane.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <thread>

namespace spanlight {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Bounds for a receiver that only the local console talks to.
constexpr std::size_t kMaxBodyBytes = 64 * 1024;
constexpr std::uint32_t kMaxHeaderBytes = 8 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr int kMaxConnections = 16;

} // namespace

struct DemoControlPlane::Server
{
    std::atomic<int> connections { 0 }; ///< first: the sessions the context destroys last still count down
    asio::io_context context;
    tcp::acceptor acceptor { context };
    std::thread thread;
};

namespace {

class Session : public std::enable_shared_from_this<Session>
{
public:
    Session(tcp::socket socket, DemoControlPlane& owner, std::atomic<int>& connections)
        : m_stream(std::move(socket))
        , m_owner(owner)
        , m_connections(connections)
    {
        ++m_connections;
    }
    ~Session() { --m_connections; }

    void read()
    {
        m_parser.emplace();
        m_parser->body_limit(kMaxBodyBytes);
        m_parser->header_limit(kMaxHeaderBytes);
        m_stream.expires_after(kIdleTimeout);
        http::async_read(
            m_stream, m_buffer, *m_parser, [self = shared_from_this()](beast::error_code error, std::size_t) {
                if (error == http::error::body_limit || error == http::error::header_limit)
                    self->write({ 413, R"({"error":"request too large"})" }, 11, false);
                else if (!error)
                    self->answer();
            });
    }

private:
    void answer()
    {
        const auto& request = m_parser->get();
        DemoControlPlane::Request parsed { std::string(request.method_string()), std::string(request.target()),
            std::string(request["X-Spanlight-Timestamp"]), std::string(request["X-Spanlight-Signature"]),
            std::string(request["Idempotency-Key"]), request.body() };
        write(m_owner.handle(parsed), request.version(), request.keep_alive());
    }

    void write(const DemoControlPlane::Answer& answer, unsigned version, bool keepAlive)
    {
        auto response
            = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), version);
        response->set(http::field::content_type, "application/json");
        response->keep_alive(keepAlive);
        response->body() = answer.body;
        response->prepare_payload();
        http::async_write(
            m_stream, *response, [self = shared_from_this(), response](beast::error_code error, std::size_t) {
                if (!error && response->keep_alive())
                    self->read();
            });
    }

    beast::tcp_stream m_stream;
    DemoControlPlane& m_owner;
    std::atomic<int>& m_connections;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
};

void acceptNext(tcp::acceptor& acceptor, DemoControlPlane& owner, std::atomic<int>& connections)
{
    acceptor.async_accept([&acceptor, &owner, &connections](beast::error_code error, tcp::socket socket) {
        if (error)
            return; // the acceptor closed: stopping
        if (connections.load() < kMaxConnections)
            std::make_shared<Session>(std::move(socket), owner, connections)->read();
        acceptNext(acceptor, owner, connections); // a refused socket closes as it goes out of scope
    });
}

} // namespace

bool DemoControlPlane::start(std::string* error)
{
    if (m_server)
        return true;
    if (m_secret.empty()) {
        if (error)
            *error = "libsodium cannot be initialised";
        return false;
    }
    auto server = std::make_shared<Server>();
    beast::error_code ec;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    server->acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        server->acceptor.bind(endpoint, ec);
    if (!ec)
        server->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        if (error)
            *error = "the demo control plane cannot listen on 127.0.0.1: " + ec.message();
        return false;
    }
    m_port = server->acceptor.local_endpoint().port();
    acceptNext(server->acceptor, *this, server->connections);
    server->thread = std::thread([context = &server->context] { context->run(); });
    m_server = std::move(server);
    return true;
}

void DemoControlPlane::stop()
{
    if (!m_server)
        return;
    m_server->context.stop();
    m_server->thread.join();
    m_server.reset(); // destroys the pending handlers, and with them the sessions
    m_port = 0;
}

} // namespace spanlight
