// Continuous ingest with a reader querying back to back (the console
// refreshing, with no pause at all): the WAL must stay bounded although some
// reader almost always holds a snapshot.

#include "otlpconvert.h"
#include "sqldialect.h"
#include "sqliteconnection.h"
#include "telemetrywriter.h"
#include "testpayloads.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <atomic>
#include <future>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <thread>

using namespace spanlight;

TEST(WalGrowth, StaysBoundedUnderContinuousReaders)
{
    QTemporaryDir dir;
    WriterOptions options;
    options.path = dir.path() + QStringLiteral("/telemetry.db");
    TelemetryWriter writer(options);
    std::string error;
    ASSERT_TRUE(writer.start(&error)) << error;

    std::atomic<bool> stop { false };
    std::atomic<int64_t> queries { 0 };
    std::thread reader([&] {
        SqliteDialect dialect;
        SqliteConnection connection;
        std::string openError;
        if (!connection.open(options.path, SqliteConnection::Mode::ReadOnly, dialect, true, &openError))
            return;
        // Console-like: bounded queries over recent data, back to back.
        Statement count(connection.handle(),
            "SELECT COUNT(*), MAX(duration_ns) FROM spans WHERE id > (SELECT MAX(id) FROM spans) - ?");
        while (!stop) {
            sqlite3_bind_int64(count.get(), 1, 2000 + queries % 1000);
            while (sqlite3_step(count.get()) == SQLITE_ROW) { }
            sqlite3_reset(count.get()); // finished and reset before the next (DESIGN.md rule 5)
            ++queries;
        }
    });

    test::PayloadFactory factory;
    const QString wal = options.path + QStringLiteral("-wal");
    int64_t maxWal = 0;
    constexpr int kBatches = 300; // ~150k spans, ~100 MiB through the WAL
    for (int i = 0; i < kBatches; ++i) {
        std::promise<void> done;
        ASSERT_EQ(writer.submit(convertTraces(factory.traces(512, 8), {}).batch,
                      [&done](const WriteOutcome&) { done.set_value(); }),
            TelemetryWriter::Admission::Accepted);
        done.get_future().wait();
        maxWal = std::max<int64_t>(maxWal, QFileInfo(wal).size());
    }
    stop = true;
    reader.join();
    writer.stop();
    EXPECT_GT(queries.load(), 0) << "the reader really ran alongside";
    RecordProperty("max_wal_bytes", std::to_string(maxWal));
    RecordProperty("reader_queries", std::to_string(queries.load()));
    EXPECT_LT(maxWal, int64_t(32) << 20) << "largest WAL seen: " << maxWal << " bytes";
}
