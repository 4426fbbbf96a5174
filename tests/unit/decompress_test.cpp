#include "decompress.h"
#include "testpayloads.h"

#include <gtest/gtest.h>

using namespace spanlight;

TEST(Decompress, GzipZlibAndRawDeflateRoundTrip)
{
    const std::string text(100000, 'x');
    EXPECT_EQ(inflateBounded(test::gzip(text), 1 << 20).data, text);
    EXPECT_EQ(inflateBounded(test::zlibCompress(text), 1 << 20).data, text);
}

TEST(Decompress, BombStopsAtTheLimitWithoutInflatingEverything)
{
    // 64 MiB of zeros compress to ~64 KiB (about 1000:1).
    const std::string bomb = test::gzip(std::string(64u << 20, '\0'));
    ASSERT_LT(bomb.size(), 100u << 10);
    const DecompressResult result = inflateBounded(bomb, 1u << 20);
    EXPECT_EQ(result.status, DecompressStatus::TooLarge);
    EXPECT_TRUE(result.data.empty());
    EXPECT_NE(result.error.find("exceeds the limit"), std::string::npos);
}

TEST(Decompress, ExactlyAtTheLimitIsAccepted)
{
    const std::string text(4096, 'a');
    const DecompressResult result = inflateBounded(test::gzip(text), 4096);
    EXPECT_EQ(result.status, DecompressStatus::Ok);
    EXPECT_EQ(result.data.size(), 4096u);
}

TEST(Decompress, CorruptAndTruncatedBodiesAreErrors)
{
    EXPECT_EQ(inflateBounded("definitely not gzip", 1 << 20).status, DecompressStatus::Corrupt);
    std::string truncated = test::gzip(std::string(10000, 'y'));
    truncated.resize(truncated.size() / 2);
    EXPECT_EQ(inflateBounded(truncated, 1 << 20).status, DecompressStatus::Corrupt);
}
