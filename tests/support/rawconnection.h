#pragma once

// A raw TCP connection to a receiver: sends any part of a request and reads
// until the server closes, so tests can play a client that stalls or trickles
// (every wait ends by the server's own timeout or answer).

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>

namespace spanlight::test {

struct RawConnection
{
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket { ioc };
    explicit RawConnection(uint16_t port)
    {
        socket.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    }
    void send(const std::string& bytes) { boost::asio::write(socket, boost::asio::buffer(bytes)); }
    std::string readUntilClosed()
    {
        std::string data;
        boost::system::error_code ec;
        boost::asio::read(socket, boost::asio::dynamic_buffer(data), ec);
        return data;
    }
};

} // namespace spanlight::test
