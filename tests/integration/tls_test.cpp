// Both receivers over TLS with a certificate made for this test.

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <QProcess>
#include <QTemporaryDir>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sstream>

using namespace spanlight;
using namespace spanlight::test;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;

namespace {

struct TlsCollector : ::testing::Test
{
    void SetUp() override
    {
        cert = dir.path().toStdString() + "/cert.pem";
        key = dir.path().toStdString() + "/key.pem";
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStringLiteral("openssl"),
            { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1"),
                QStringLiteral("-keyout"), QString::fromStdString(key), QStringLiteral("-out"),
                QString::fromStdString(cert) });
        ASSERT_TRUE(openssl.waitForFinished(30000));
        ASSERT_EQ(openssl.exitCode(), 0) << openssl.readAll().toStdString();
        ReceiverOptions receivers;
        receivers.httpTls = { cert, key };
        receivers.grpcTls = { cert, key };
        collector = std::make_unique<TestCollector>(IngestLimits {}, WriterOptions {}, receivers);
        ASSERT_TRUE(collector->ok()) << collector->error();
    }
    std::string readCert()
    {
        std::ifstream in(cert);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    QTemporaryDir dir;
    std::string cert, key;
    std::unique_ptr<TestCollector> collector;
    PayloadFactory factory;
};

} // namespace

TEST_F(TlsCollector, HttpsExportIsStored)
{
    net::io_context ioc;
    ssl::context context(ssl::context::tls_client);
    context.load_verify_file(cert);
    context.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, context);
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), collector->httpPort()));
    stream.handshake(ssl::stream_base::client);
    http::request<http::string_body> req(http::verb::post, "/v1/traces", 11);
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/x-protobuf");
    req.body() = factory.traces(20).SerializeAsString();
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(DbProbe(collector->dbPath()).count("spans"), 20);
}

TEST_F(TlsCollector, PlainHttpToATlsPortIsRefused)
{
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), collector->httpPort()));
    http::request<http::string_body> req(http::verb::post, "/v1/traces", 11);
    req.set(http::field::content_type, "application/json");
    req.body() = "{}";
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(stream, buffer, res, ec);
    EXPECT_TRUE(ec) << "no HTTP answer without a TLS handshake";
    EXPECT_EQ(DbProbe(collector->dbPath()).count("spans"), 0);
}

TEST_F(TlsCollector, GrpcOverTlsIsStored)
{
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = readCert();
    auto stub = opentelemetry::proto::collector::trace::v1::TraceService::NewStub(
        grpc::CreateChannel("localhost:" + std::to_string(collector->grpcPort()), grpc::SslCredentials(options)));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
    const grpc::Status status = stub->Export(&context, factory.traces(12), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(DbProbe(collector->dbPath()).count("spans"), 12);
}
