#pragma once

#include <map>
#include <memory>
#include <string>

namespace spanlight::test {

struct HttpReply
{
    int status = 0; ///< 0 when the connection failed or closed without an answer
    std::string body;
    std::map<std::string, std::string> headers; ///< lower-case names
    std::string error;
    bool keepAlive = false;

    std::string header(const std::string& lowerName) const
    {
        auto it = headers.find(lowerName);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// A real HTTP/1.1 client over one keep-alive TCP connection (Boost.Beast).
class HttpTestClient
{
public:
    HttpTestClient(std::string host, uint16_t port);
    ~HttpTestClient();

    HttpReply post(const std::string& target, const std::string& body, const std::string& contentType,
        const std::map<std::string, std::string>& headers = {}, bool chunked = false);
    HttpReply get(const std::string& target);
    /// Sends raw bytes and reads whatever answer comes (for malformed requests).
    HttpReply raw(const std::string& bytes);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace spanlight::test
