#pragma once

// What the benchmark programs share: arguments, the load generator as a
// second process, and the peak memory figure they report.

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>

namespace spanlight::bench {

/// "--name value" options with defaults.
class BenchArgs
{
public:
    explicit BenchArgs(QStringList arguments)
        : m_arguments(std::move(arguments))
    {
    }
    QString text(const char* name, const QString& fallback) const;
    int64_t number(const char* name, int64_t fallback) const;

private:
    QStringList m_arguments;
};

/// The load generator's one-line JSON summary (empty object on failure).
struct LoadgenRun
{
    bool finished = false;
    QByteArray summaryLine;
    QJsonObject summary;
};

/// Runs spanlight-loadgen against the collector's HTTP port with --json and
/// \a arguments; its progress goes to our stderr.
LoadgenRun runLoadgen(const QString& program, uint16_t httpPort, const QStringList& arguments, int timeoutMs);

/// Peak resident memory of this process (VmHWM), in MiB.
double peakRssMiB();

} // namespace spanlight::bench
