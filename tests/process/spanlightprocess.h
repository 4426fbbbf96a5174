#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace spanlight::test {

/// The real `spanlight` binary, started headless on ports 0.
class SpanlightProcess
{
public:
    explicit SpanlightProcess(const QString& dataDir, QStringList extraArguments = {});
    ~SpanlightProcess();

    /// Waits for the "listening http=N grpc=M" line; false if it exited first.
    bool waitUntilListening();
    uint16_t httpPort() const { return m_http; }
    uint16_t grpcPort() const { return m_grpc; }
    void killHard();
    /// SIGTERM, then waits; returns the exit code (-1 if it had to be killed).
    int terminate();
    /// Waits for exit and returns the exit code.
    int waitForExit();
    QString output() const { return m_output; }

private:
    QProcess m_process;
    QString m_output;
    uint16_t m_http = 0;
    uint16_t m_grpc = 0;
};

} // namespace spanlight::test
