#include "httproute.h"

#include <gtest/gtest.h>

using namespace spanlight;

TEST(HttpRoute, MediaTypeIsComparedCaseInsensitivelyWithoutParameters)
{
    const HttpRoute json = routeRequest("POST", "/v1/traces", "Application/JSON; charset=utf-8", "");
    EXPECT_EQ(json.kind, HttpRoute::Kind::Export);
    EXPECT_EQ(json.encoding, Encoding::Json);
    const HttpRoute proto = routeRequest("POST", "/v1/logs", "application/x-protobuf", "gzip");
    EXPECT_EQ(proto.encoding, Encoding::Protobuf);
    EXPECT_EQ(proto.signal, Signal::Logs);
    EXPECT_TRUE(proto.compressed);
}

TEST(HttpRoute, StatusForEveryWrongRequest)
{
    EXPECT_EQ(routeRequest("POST", "/v1/traces", "text/plain", "").errorStatus, 415);
    EXPECT_EQ(routeRequest("POST", "/v1/traces", "", "").errorStatus, 415);
    EXPECT_EQ(routeRequest("GET", "/v1/traces", "application/json", "").errorStatus, 405);
    EXPECT_EQ(routeRequest("POST", "/v1/metrics", "application/json", "br").errorStatus, 415);
    const HttpRoute root = routeRequest("POST", "/", "application/json", "");
    EXPECT_EQ(root.errorStatus, 404);
    EXPECT_NE(root.errorMessage.find("/v1/traces"), std::string::npos) << "a 404 names the expected paths";
    EXPECT_EQ(routeRequest("GET", "/health", "", "").kind, HttpRoute::Kind::Health);
    EXPECT_EQ(routeRequest("POST", "/v1/metrics?x=1", "application/json", "deflate").signal, Signal::Metrics);
}

TEST(HttpRoute, OneStatusCodePolicy)
{
    EXPECT_EQ(httpStatusFor(IngestStatus::Overloaded), 429);
    EXPECT_EQ(httpStatusFor(IngestStatus::Unavailable), 503);
    EXPECT_EQ(httpStatusFor(IngestStatus::TooLarge), 413);
    EXPECT_EQ(httpStatusFor(IngestStatus::BadRequest), 400);
    EXPECT_EQ(grpcCodeFor(IngestStatus::Overloaded), 14);
    EXPECT_EQ(grpcCodeFor(IngestStatus::TooLarge), 8);
    EXPECT_EQ(grpcCodeFor(IngestStatus::BadRequest), 3);
}
