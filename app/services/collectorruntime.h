#pragma once

#include "appconfig.h"

#include <QString>
#include <QStringList>
#include <memory>

class QLockFile;

namespace spanlight {

class Collector;
class ControlRuntime;
class QueryRunner;
class TelemetryWriter;

/// One running collector: the data-dir lock, the writer and both receivers,
/// started and stopped in the right order. The window and --headless share it.
class CollectorRuntime
{
public:
    explicit CollectorRuntime(AppConfig config);
    ~CollectorRuntime();

    /// Locks the data dir, opens storage, binds the ports. On failure returns
    /// false with a message meant for the user, and holds nothing.
    bool start(QString* error);
    /// Graceful drain then close: every accepted export is answered first.
    void shutdown();

    const AppConfig& config() const { return m_config; }
    Collector& collector() { return *m_collector; }
    TelemetryWriter& writer() { return *m_writer; }
    /// Reader threads for the console's queries (never the UI thread).
    QueryRunner& queries() { return *m_queries; }
    /// control.db: users, keys, actions, audit (its own writer thread).
    ControlRuntime& control() { return *m_control; }
    /// Things the operator should read at start (e.g. how to create the first ingest key).
    const QStringList& notices() const { return m_notices; }
    bool running() const { return m_collector != nullptr; }
    /// "http://127.0.0.1:4318" style descriptions of the listening endpoints.
    QString httpEndpoint() const;
    QString grpcEndpoint() const;

private:
    AppConfig m_config;
    std::unique_ptr<QLockFile> m_lock;
    std::unique_ptr<TelemetryWriter> m_writer;
    std::unique_ptr<ControlRuntime> m_control;
    std::unique_ptr<Collector> m_collector;
    QStringList m_notices;
    std::unique_ptr<QueryRunner> m_queries;
};

} // namespace spanlight
