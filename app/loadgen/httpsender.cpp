#include "httpsender.h"

#include "google/rpc/status.pb.h"
#include "gzip.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>

namespace spanlight::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxErrorText = 300;

std::string transportKind(const beast::error_code& ec)
{
    if (ec == beast::error::timeout)
        return "timeout";
    if (ec == asio::error::connection_refused)
        return "connection refused";
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset
        || ec == asio::error::broken_pipe)
        return "connection closed";
    if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again)
        return "host not found";
    return ec.message();
}

/// The receiver's reason, from the google.rpc.Status body OTLP prescribes, or the raw text of anything else.
std::string errorText(const http::response<http::string_body>& response)
{
    const auto field = response[http::field::content_type];
    const std::string_view contentType(field.data(), field.size());
    if (contentType.substr(0, 22) == "application/x-protobuf") {
        google::rpc::Status status;
        if (status.ParseFromString(response.body()) && !status.message().empty())
            return status.message();
    }
    std::string text = response.body().substr(0, kMaxErrorText);
    return text.empty() ? std::string(response.reason()) : text;
}

std::optional<std::chrono::milliseconds> retryAfter(const http::response<http::string_body>& response)
{
    // OTLP receivers send integer seconds; an HTTP date is legal but rare, and the default backoff covers it.
    const auto field = response[http::field::retry_after];
    const std::string_view value(field.data(), field.size());
    int seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() || seconds < 0)
        return std::nullopt;
    return std::chrono::seconds(seconds);
}

} // namespace

struct HttpSender::Connection
{
    asio::io_context ioc;
    tcp::resolver resolver { ioc };
    beast::tcp_stream stream { ioc };
    beast::flat_buffer buffer;
    bool open = false;

    // Every operation is started asynchronously and the io_context run to completion: that is what gives a
    // blocking call a timeout (Beast's synchronous calls have none).
    beast::error_code connect(const std::string& host, const std::string& port, std::chrono::milliseconds timeout)
    {
        beast::error_code ec;
        const auto endpoints = resolver.resolve(host, port, ec);
        if (ec)
            return ec;
        stream.expires_after(timeout);
        stream.async_connect(endpoints, [&ec](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
        ioc.restart();
        ioc.run();
        if (ec)
            return ec;
        // Small requests must not wait for Nagle's algorithm (40 ms with delayed ACKs).
        stream.socket().set_option(tcp::no_delay(true), ec);
        open = true;
        buffer.clear();
        return {};
    }

    beast::error_code exchange(const http::request<http::string_body>& request,
        http::response<http::string_body>& response, std::chrono::milliseconds timeout)
    {
        beast::error_code ec;
        stream.expires_after(timeout);
        http::async_write(stream, request, [&](const beast::error_code& e, std::size_t) {
            if (e) {
                ec = e;
                return;
            }
            http::async_read(stream, buffer, response, [&ec](const beast::error_code& e2, std::size_t) { ec = e2; });
        });
        ioc.restart();
        ioc.run();
        return ec;
    }

    void close()
    {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
        buffer.clear();
        open = false;
    }
};

HttpSender::HttpSender(std::string host, std::string port, std::string basePath, SenderOptions options)
    : m_host(std::move(host))
    , m_port(std::move(port))
    , m_basePath(std::move(basePath))
    , m_options(std::move(options))
    , m_connection(std::make_unique<Connection>())
{
}

HttpSender::~HttpSender() = default;

std::string HttpSender::authority() const
{
    const bool ipv6 = m_host.find(':') != std::string::npos;
    return (ipv6 ? "[" + m_host + "]" : m_host) + ":" + m_port;
}

std::string HttpSender::describe() const
{
    return "http://" + authority() + m_basePath;
}

std::string HttpSender::targetFor(const std::string& signalPath) const
{
    std::string base = m_basePath;
    if (base.size() >= signalPath.size()
        && base.compare(base.size() - signalPath.size(), signalPath.size(), signalPath) == 0)
        return base;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    return base + signalPath;
}

SendResult HttpSender::sendSerialized(Signal signal, const std::string& body)
{
    namespace tracesvc = opentelemetry::proto::collector::trace::v1;
    namespace logssvc = opentelemetry::proto::collector::logs::v1;
    std::string responseBody;
    Result result = post(targetFor(signal == Signal::Traces ? "/v1/traces" : "/v1/logs"), body, responseBody);
    if (!result.ok || responseBody.empty())
        return result;
    if (signal == Signal::Traces) {
        tracesvc::ExportTraceServiceResponse response;
        if (response.ParseFromString(responseBody)) {
            result.rejectedItems = response.partial_success().rejected_spans();
            result.error = response.partial_success().error_message();
        }
    } else {
        logssvc::ExportLogsServiceResponse response;
        if (response.ParseFromString(responseBody)) {
            result.rejectedItems = response.partial_success().rejected_log_records();
            result.error = response.partial_success().error_message();
        }
    }
    return result;
}

SendResult HttpSender::post(const std::string& target, const std::string& body, std::string& responseBody)
{
    Result result;
    result.protocol = SendResult::Protocol::Http;

    http::request<http::string_body> request { http::verb::post, target, 11 };
    request.set(http::field::host, authority());
    request.set(http::field::user_agent, "spanlight-loadgen/" SPANLIGHT_VERSION);
    request.set(http::field::content_type, "application/x-protobuf");
    if (m_options.gzip)
        request.set(http::field::content_encoding, "gzip");
    for (const auto& [name, value] : m_options.headers)
        request.set(name, value);
    request.keep_alive(true);
    request.body() = m_options.gzip ? gzipCompress(body) : body;
    request.prepare_payload();

    auto transportFailure = [&](const std::string& what, const beast::error_code& ec) {
        result.transportError = true;
        result.retryable = true;
        result.transportKind = transportKind(ec);
        result.error = what + " " + describe() + ": " + ec.message();
        return result;
    };

    for (int attempt = 0;; ++attempt) {
        const bool reused = m_connection->open;
        if (!reused) {
            if (const auto ec = m_connection->connect(m_host, m_port, m_options.timeout))
                return transportFailure("cannot connect to", ec);
        }
        http::response<http::string_body> response;
        const auto started = std::chrono::steady_clock::now();
        if (const auto ec = m_connection->exchange(request, response, m_options.timeout)) {
            m_connection->close();
            // A kept-alive connection the receiver closed while it sat idle fails on first use, before anything
            // was processed: one fresh connection is the normal remedy, not an error.
            if (reused && attempt == 0 && ec != beast::error::timeout)
                continue;
            return transportFailure("request failed to", ec);
        }
        result.latencyNs
            = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count();
        if (!response.keep_alive())
            m_connection->close();
        result.status = static_cast<int>(response.result_int());
        result.ok = result.status >= 200 && result.status < 300;
        // OTLP/HTTP: only these are transient; 400/401/413/415 would fail the same way again.
        result.retryable = result.status == 429 || result.status == 502 || result.status == 503 || result.status == 504;
        if (!result.ok) {
            result.retryAfter = retryAfter(response);
            result.error = "HTTP " + std::to_string(result.status) + " from http://" + authority() + target + ": "
                + errorText(response);
        }
        responseBody = std::move(response.body());
        return result;
    }
}

} // namespace spanlight::loadgen
