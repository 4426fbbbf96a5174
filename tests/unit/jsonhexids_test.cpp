#include "jsonhexids.h"

#include <gtest/gtest.h>

using namespace spanlight;

TEST(JsonHexIds, RewritesOnlyIdKeys)
{
    EXPECT_EQ(hexIdsToBase64(R"({"traceId":"000102","spanId" : "ff","name":"traceId"})"),
        R"({"traceId":"AAEC","spanId" : "/w==","name":"traceId"})");
    EXPECT_EQ(
        hexIdsToBase64(R"({"parent_span_id":"","trace_id":"0a0B"})"), R"({"parent_span_id":"","trace_id":"Cgs="})");
}

TEST(JsonHexIds, StringValuesThatLookLikeKeysAreLeftAlone)
{
    const std::string json = R"({"body":{"stringValue":"\"traceId\":\"abcd\""},"spanId":"0001"})";
    EXPECT_EQ(hexIdsToBase64(json), R"({"body":{"stringValue":"\"traceId\":\"abcd\""},"spanId":"AAE="})");
}

TEST(JsonHexIds, NonHexBecomesAOneByteInvalidId)
{
    EXPECT_EQ(hexIdsToBase64(R"({"spanId":"zz"})"), R"({"spanId":"AA=="})");
    EXPECT_EQ(hexIdsToBase64(R"({"spanId":"abc"})"), R"({"spanId":"AA=="})");
    EXPECT_EQ(hexIdsToBase64(R"({"spanId":)"), R"({"spanId":)") << "malformed input passes through for the parser";
}
