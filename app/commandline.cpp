#include "commandline.h"

#include <QCommandLineParser>
#include <QStandardPaths>

namespace spanlight {

QString defaultDemoDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/spanlight-demo");
}

CommandLine parseCommandLine(const QStringList& arguments)
{
    CommandLine cl;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Spanlight: OTLP collector and operations console for AI/LLM apps"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(
        QStringLiteral("headless"), QStringLiteral("Run the collector without a window."));
    const QCommandLineOption config(
        QStringLiteral("config"), QStringLiteral("Config file (INI)."), QStringLiteral("file"), defaultConfigFile());
    const QCommandLineOption printConfig(
        QStringLiteral("print-config"), QStringLiteral("Print an example config file with every default, then exit."));
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"), QStringLiteral("Where telemetry.db lives."), QStringLiteral("dir"));
    const QCommandLineOption bind(
        QStringLiteral("bind"), QStringLiteral("Address to listen on (default 127.0.0.1)."), QStringLiteral("address"));
    const QCommandLineOption httpPort(
        QStringLiteral("http-port"), QStringLiteral("OTLP/HTTP port (default 4318, 0 = any)."), QStringLiteral("port"));
    const QCommandLineOption grpcPort(
        QStringLiteral("grpc-port"), QStringLiteral("OTLP/gRPC port (default 4317, 0 = any)."), QStringLiteral("port"));
    const QCommandLineOption httpCert(
        QStringLiteral("http-tls-cert"), QStringLiteral("PEM certificate for OTLP/HTTP."), QStringLiteral("file"));
    const QCommandLineOption httpKey(
        QStringLiteral("http-tls-key"), QStringLiteral("PEM private key for OTLP/HTTP."), QStringLiteral("file"));
    const QCommandLineOption grpcCert(
        QStringLiteral("grpc-tls-cert"), QStringLiteral("PEM certificate for OTLP/gRPC."), QStringLiteral("file"));
    const QCommandLineOption grpcKey(
        QStringLiteral("grpc-tls-key"), QStringLiteral("PEM private key for OTLP/gRPC."), QStringLiteral("file"));
    const QCommandLineOption demo(QStringLiteral("demo"),
        QStringLiteral("Feed this instance from a simulated multi-tenant GenAI fleet, over loopback OTLP. "
                       "Data goes to %1 (unless --data-dir), ports are any free ones (unless given).")
            .arg(defaultDemoDataDir()));
    const QCommandLineOption demoRate(QStringLiteral("demo-rate"),
        QStringLiteral("Spans per second the demo fleet sends (default 300)."), QStringLiteral("spans"));
    parser.addOptions({ headless, config, printConfig, dataDir, bind, httpPort, grpcPort, httpCert, httpKey, grpcCert,
        grpcKey, demo, demoRate });
    parser.process(arguments); // handles --help/--version and unknown options (exit)

    cl.headless = parser.isSet(headless);
    cl.printConfig = parser.isSet(printConfig);
    cl.configFile = parser.value(config);
    cl.config.dataDir = defaultDataDir();
    loadConfigFile(cl.configFile, &cl.config, &cl.warnings);

    cl.demo = parser.isSet(demo);
    if (cl.demo) {
        // Demo data must never mix with real data, nor its ports with a real instance's.
        cl.config.dataDir = defaultDemoDataDir();
        cl.config.receivers.httpPort = 0;
        cl.config.receivers.grpcPort = 0;
        // Loopback and plain HTTP: the fleet sends over loopback and cannot speak TLS.
        cl.config.receivers.bind = "127.0.0.1";
        cl.config.receivers.httpTls = {};
    }
    if (parser.isSet(demoRate)) {
        bool ok = false;
        cl.demoRate = parser.value(demoRate).toDouble(&ok);
        if (!ok || cl.demoRate <= 0 || cl.demoRate > 1'000'000)
            cl.error = QStringLiteral("--demo-rate must be a number of spans per second above 0, not '%1'")
                           .arg(parser.value(demoRate));
    }
    if (parser.isSet(dataDir))
        cl.config.dataDir = parser.value(dataDir);
    if (parser.isSet(bind))
        cl.config.receivers.bind = parser.value(bind).toStdString();
    const auto port = [&](const QCommandLineOption& option, uint16_t* target) {
        if (!parser.isSet(option))
            return;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value < 0 || value > 65535)
            cl.error = QStringLiteral("--%1 must be a port number between 0 and 65535, not '%2'")
                           .arg(option.names().first(), parser.value(option));
        else
            *target = static_cast<uint16_t>(value);
    };
    port(httpPort, &cl.config.receivers.httpPort);
    port(grpcPort, &cl.config.receivers.grpcPort);
    const auto file = [&](const QCommandLineOption& option, std::string* target) {
        if (parser.isSet(option))
            *target = parser.value(option).toStdString();
    };
    file(httpCert, &cl.config.receivers.httpTls.certificate);
    file(httpKey, &cl.config.receivers.httpTls.privateKey);
    file(grpcCert, &cl.config.receivers.grpcTls.certificate);
    file(grpcKey, &cl.config.receivers.grpcTls.privateKey);
    const auto& r = cl.config.receivers;
    if (r.httpTls.certificate.empty() != r.httpTls.privateKey.empty()
        || r.grpcTls.certificate.empty() != r.grpcTls.privateKey.empty())
        cl.error = QStringLiteral("a TLS certificate needs its private key and vice versa "
                                  "(--http-tls-cert with --http-tls-key, --grpc-tls-cert with --grpc-tls-key)");
    return cl;
}

} // namespace spanlight
