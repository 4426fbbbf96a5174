#include "testcollector.h"

#include "sqliteconnection.h"

#include <future>
#include <sqlite3.h>

namespace spanlight::test {

TestCollector::TestCollector(IngestLimits limits, WriterOptions writer, ReceiverOptions options)
{
    writer.path = dbPath();
    m_writer = std::make_unique<TelemetryWriter>(writer);
    if (!m_writer->start(&m_error))
        return;
    m_collector = std::make_unique<Collector>(*m_writer, limits);
    options.httpPort = 0;
    options.grpcPort = 0;
    m_collector->start(options, &m_error);
}

TestCollector::~TestCollector()
{
    stop();
}

void TestCollector::stop()
{
    m_collector.reset();
    if (m_writer)
        m_writer->stop();
}

DbProbe::DbProbe(const QString& path)
{
    sqlite3_open_v2(path.toUtf8().constData(), &m_db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(m_db, 5000);
}

DbProbe::~DbProbe()
{
    sqlite3_close(m_db);
}

int64_t DbProbe::count(const std::string& table)
{
    return scalar("SELECT COUNT(*) FROM " + table);
}

int64_t DbProbe::scalar(const std::string& sql)
{
    sqlite3_stmt* s = nullptr;
    int64_t value = -1;
    if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        value = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return value;
}

std::string DbProbe::text(const std::string& sql)
{
    sqlite3_stmt* s = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        value = t ? t : "";
    }
    sqlite3_finalize(s);
    return value;
}

std::set<std::string> DbProbe::spanKeys()
{
    std::set<std::string> keys;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(
            m_db, "SELECT lower(hex(trace_id)) || ':' || lower(hex(span_id)) FROM spans", -1, &s, nullptr)
        == SQLITE_OK)
        while (sqlite3_step(s) == SQLITE_ROW)
            keys.insert(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    return keys;
}

std::string DbProbe::integrityCheck()
{
    return text("PRAGMA integrity_check");
}

WriteOutcome storeAndWait(TelemetryWriter& writer, std::shared_ptr<IngestBatch> batch)
{
    std::promise<WriteOutcome> done;
    auto outcome = done.get_future();
    const TelemetryWriter::Admission admission
        = writer.submit(std::move(batch), [&done](const WriteOutcome& o) { done.set_value(o); });
    if (admission != TelemetryWriter::Admission::Accepted) {
        WriteOutcome refused;
        refused.error = admission == TelemetryWriter::Admission::QueueFull ? "the writer refused the batch: queue full"
                                                                           : "the writer refused the batch: stopped";
        return refused;
    }
    return outcome.get();
}

FoldOutcome foldAndWait(TelemetryWriter& writer, int64_t nowNs)
{
    std::promise<FoldOutcome> done;
    writer.foldNow(nowNs, [&done](int64_t hours, std::string error) { done.set_value({ hours, std::move(error) }); });
    return done.get_future().get();
}

RetentionReport retainAndWait(TelemetryWriter& writer, int64_t nowNs)
{
    std::promise<RetentionReport> done;
    writer.retainNow(nowNs, [&done](const RetentionReport& report) { done.set_value(report); });
    return done.get_future().get();
}

int64_t queryOnWriter(TelemetryWriter& writer, const std::string& sql)
{
    std::promise<int64_t> done;
    writer.post([&](SqliteConnection& connection) {
        sqlite3_stmt* s = nullptr;
        int64_t value = -1;
        if (sqlite3_prepare_v2(connection.handle(), sql.c_str(), -1, &s, nullptr) == SQLITE_OK
            && sqlite3_step(s) == SQLITE_ROW)
            value = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        done.set_value(value);
    });
    return done.get_future().get();
}

} // namespace spanlight::test
