// The disk fills up (SQLite's max_page_count stands in for a full file
// system): exports are answered 503 with a retry hint, /health says so,
// nothing stored is harmed, and ingest resumes by itself once space returns.

#include "httptestclient.h"
#include "testcollector.h"
#include "testpayloads.h"

#include <gtest/gtest.h>

using namespace spanlight;
using namespace spanlight::test;

TEST(DiskTrouble, FullDiskIs503AndIngestResumesWhenSpaceReturns)
{
    IngestLimits limits;
    limits.retryAfterSeconds = 5;
    TestCollector collector(limits);
    ASSERT_TRUE(collector.ok()) << collector.error();
    HttpTestClient http("127.0.0.1", collector.httpPort());
    PayloadFactory factory;
    ASSERT_EQ(http.post("/v1/traces", factory.traces(100).SerializeAsString(), "application/x-protobuf").status, 200);

    const int64_t pages = queryOnWriter(collector.writer(), "PRAGMA page_count");
    ASSERT_GT(pages, 0);
    queryOnWriter(collector.writer(), "PRAGMA max_page_count=" + std::to_string(pages + 4));

    // Keep sending until the file cannot grow; bounded, as a real exporter's retries are.
    HttpReply full;
    int sent = 0;
    for (; sent < 200; ++sent) {
        full = http.post("/v1/traces", factory.traces(200).SerializeAsString(), "application/x-protobuf");
        if (full.status != 200)
            break;
    }
    ASSERT_EQ(full.status, 503) << "after " << sent << " batches: " << full.body;
    EXPECT_EQ(full.header("retry-after"), "5");
    EXPECT_NE(full.body.find("storage is unavailable"), std::string::npos) << full.body;
    EXPECT_EQ(http.get("/health").status, 503);
    EXPECT_FALSE(collector.writer().stats().healthy);
    const int64_t storedBefore = collector.writer().stats().spansStored;
    EXPECT_EQ(storedBefore, 100 + 200 * sent) << "every answered batch, and nothing of the refused one";

    queryOnWriter(collector.writer(), "PRAGMA max_page_count=1073741823");
    const auto retried = factory.traces(200);
    EXPECT_EQ(http.post("/v1/traces", retried.SerializeAsString(), "application/x-protobuf").status, 200)
        << "resumes by itself";
    EXPECT_EQ(http.get("/health").status, 200);
    collector.stop();
    DbProbe db(collector.dbPath());
    EXPECT_EQ(db.count("spans"), storedBefore + 200);
    EXPECT_EQ(db.integrityCheck(), "ok");
}
