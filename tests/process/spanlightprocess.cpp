#include "spanlightprocess.h"

#include <QRegularExpression>
#include <csignal>

namespace spanlight::test {

SpanlightProcess::SpanlightProcess(const QString& dataDir, QStringList extraArguments)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QStringList args = { QStringLiteral("--headless"), QStringLiteral("--data-dir"), dataDir,
        QStringLiteral("--http-port"), QStringLiteral("0"), QStringLiteral("--grpc-port"), QStringLiteral("0"),
        QStringLiteral("--config"), dataDir + QStringLiteral("/none.conf") };
    args << extraArguments;
    m_process.start(QStringLiteral(SPANLIGHT_BINARY), args);
}

SpanlightProcess::~SpanlightProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(10000);
    }
}

bool SpanlightProcess::waitUntilListening()
{
    static const QRegularExpression listening(QStringLiteral("listening http=(\\d+) grpc=(\\d+)"));
    while (true) {
        const auto match = listening.match(m_output);
        if (match.hasMatch()) {
            m_http = static_cast<uint16_t>(match.captured(1).toUInt());
            m_grpc = static_cast<uint16_t>(match.captured(2).toUInt());
            return true;
        }
        if (m_process.state() == QProcess::NotRunning && !m_process.waitForStarted(0))
            return false;
        if (!m_process.waitForReadyRead(30000)) {
            m_output += QString::fromUtf8(m_process.readAll());
            return listening.match(m_output).hasMatch() ? waitUntilListening() : false;
        }
        m_output += QString::fromUtf8(m_process.readAll());
    }
}

void SpanlightProcess::killHard()
{
    ::kill(static_cast<pid_t>(m_process.processId()), SIGKILL);
    m_process.waitForFinished(30000);
    m_output += QString::fromUtf8(m_process.readAll());
}

int SpanlightProcess::terminate()
{
    ::kill(static_cast<pid_t>(m_process.processId()), SIGTERM);
    return waitForExit();
}

int SpanlightProcess::waitForExit()
{
    if (!m_process.waitForFinished(60000)) {
        m_process.kill();
        m_process.waitForFinished(10000);
        return -1;
    }
    m_output += QString::fromUtf8(m_process.readAll());
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

} // namespace spanlight::test
