#include "dedupwindow.h"

#include <gtest/gtest.h>

using namespace spanlight;

TEST(DedupWindow, ForgetsTheOldestBeyondCapacity)
{
    DedupWindow window(3);
    TraceId t {};
    SpanId s[4] = {};
    for (int i = 0; i < 4; ++i) {
        s[i][0] = static_cast<uint8_t>(i + 1);
        window.insert(t, s[i]);
    }
    EXPECT_FALSE(window.contains(t, s[0]));
    EXPECT_TRUE(window.contains(t, s[1]));
    EXPECT_TRUE(window.contains(t, s[3]));
    EXPECT_EQ(window.size(), 3u);
}
