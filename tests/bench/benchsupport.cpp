#include "benchsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>

namespace spanlight::bench {

QString BenchArgs::text(const char* name, const QString& fallback) const
{
    const int i = m_arguments.indexOf(QString::fromLatin1(name));
    return i >= 0 && i + 1 < m_arguments.size() ? m_arguments[i + 1] : fallback;
}

int64_t BenchArgs::number(const char* name, int64_t fallback) const
{
    bool ok = false;
    const int64_t value = text(name, QString()).toLongLong(&ok);
    return ok ? value : fallback;
}

LoadgenRun runLoadgen(const QString& program, uint16_t httpPort, const QStringList& arguments, int timeoutMs)
{
    QProcess generator;
    generator.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    generator.start(program,
        QStringList { QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:%1").arg(httpPort),
            QStringLiteral("--json") }
            + arguments);
    LoadgenRun run;
    run.finished = generator.waitForFinished(timeoutMs);
    run.summaryLine = generator.readAllStandardOutput().trimmed().split('\n').last();
    run.summary = QJsonDocument::fromJson(run.summaryLine).object();
    return run;
}

double peakRssMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return -1;
}

} // namespace spanlight::bench
