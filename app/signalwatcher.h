#pragma once

#include <QObject>

class QSocketNotifier;

namespace spanlight {

/// Turns SIGTERM and SIGINT into a Qt signal on the main thread (self-pipe), so
/// the drain runs in normal code rather than inside a signal handler.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject* parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace spanlight
