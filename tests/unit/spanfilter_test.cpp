// The span filter syntax of the Traces page: what parses, into what, and
// where bad input is reported.
#include "spanfilter.h"

#include <gtest/gtest.h>

using namespace spanlight;

namespace {

SpanFilter parsed(std::string_view text)
{
    const SpanFilterParse p = parseSpanFilter(text);
    EXPECT_TRUE(p.ok()) << text << ": " << (p.error ? p.error->message : "");
    return p.filter;
}

SpanFilterError failure(std::string_view text)
{
    const SpanFilterParse p = parseSpanFilter(text);
    EXPECT_FALSE(p.ok()) << text;
    EXPECT_TRUE(p.filter.empty()) << "a failed parse must not half-apply";
    return p.error.value_or(SpanFilterError {});
}

} // namespace

TEST(SpanFilter, EmptyAndBlankTextFilterNothing)
{
    EXPECT_TRUE(parsed("").empty());
    EXPECT_TRUE(parsed("   \t ").empty());
}

TEST(SpanFilter, EveryFieldOfTheBrief)
{
    const SpanFilter f = parsed("service:checkout tenant:acme model:gpt-4o status:error error:timeout "
                                "name:\"chat gpt-4o\" prompt:3f9a0c1d2e3f4a5b trace:4BF92F35");
    const std::vector<SpanFilterTerm> expected = {
        { SpanField::Service, false, "checkout" }, { SpanField::Tenant, false, "acme" },
        { SpanField::Model, false, "gpt-4o" }, { SpanField::Status, false, "error" },
        { SpanField::Error, false, "timeout" }, { SpanField::Name, false, "chat gpt-4o" },
        { SpanField::Prompt, false, "3f9a0c1d2e3f4a5b" },
        { SpanField::Trace, false, "4bf92f35" }, // hex ids are kept in lower case
    };
    EXPECT_EQ(f.terms, expected);
    EXPECT_FALSE(f.minDurationNs);
    EXPECT_FALSE(f.maxDurationNs);
}

TEST(SpanFilter, DurationsWithUnitsAndBounds)
{
    SpanFilter f = parsed("duration>2s duration<150ms");
    EXPECT_EQ(f.minDurationNs, 2'000'000'001);
    EXPECT_EQ(f.maxDurationNs, 149'999'999);
    f = parsed("duration>=1.5s duration<=2m");
    EXPECT_EQ(f.minDurationNs, 1'500'000'000);
    EXPECT_EQ(f.maxDurationNs, 120'000'000'000);
    // Two lower bounds: the tighter one holds.
    f = parsed("duration>1s duration>=3s dur<1h");
    EXPECT_EQ(f.minDurationNs, 3'000'000'000);
    EXPECT_EQ(f.maxDurationNs, 3'600'000'000'000 - 1);
    EXPECT_EQ(parseDuration("250us"), 250'000);
    EXPECT_EQ(parseDuration("250\xC2\xB5s"), 250'000);
    EXPECT_EQ(parseDuration("7ns"), 7);
    EXPECT_EQ(parseDuration("0.5ms"), 500'000);
    EXPECT_FALSE(parseDuration("12"));
    EXPECT_FALSE(parseDuration("ms"));
    EXPECT_FALSE(parseDuration("1.2.3s"));
    EXPECT_FALSE(parseDuration("3 weeks"));
}

TEST(SpanFilter, NegationAliasesQuotesAndBareWords)
{
    const SpanFilter f
        = parsed(R"(-env:dev service.name:api "tool call" retriev error.type:"a \"quoted\" one" SPAN:00ff)");
    const std::vector<SpanFilterTerm> expected = {
        { SpanField::Environment, true, "dev" },
        { SpanField::Service, false, "api" },
        { SpanField::Text, false, "tool call" },
        { SpanField::Text, false, "retriev" },
        { SpanField::Error, false, "a \"quoted\" one" },
        { SpanField::Span, false, "00ff" },
    };
    EXPECT_EQ(f.terms, expected);
    // A lone minus is text, not a negation of nothing.
    EXPECT_EQ(parsed("- x").terms.front().value, "-");
    EXPECT_EQ(parsed("status:OK").terms.front().value, "ok");
    EXPECT_EQ(parsed("-status:unset").terms.front(), (SpanFilterTerm { SpanField::Status, true, "unset" }));
}

TEST(SpanFilter, ErrorsSayWhatAndWhere)
{
    SpanFilterError e = failure("service:api colour:red");
    EXPECT_EQ(e.position, 12);
    EXPECT_EQ(e.length, 6);
    EXPECT_NE(e.message.find("unknown field \"colour\""), std::string::npos) << e.message;

    e = failure("name:\"chat gpt");
    EXPECT_EQ(e.position, 5);
    EXPECT_NE(e.message.find("quote"), std::string::npos);

    e = failure("tenant:");
    EXPECT_EQ(e.position, 0);
    EXPECT_NE(e.message.find("needs a value"), std::string::npos);

    e = failure("duration>2");
    EXPECT_EQ(e.position, 9);
    EXPECT_NE(e.message.find("unit"), std::string::npos);

    e = failure("duration>");
    EXPECT_EQ(e.position, 9);

    e = failure("duration:2s");
    EXPECT_EQ(e.position, 8);

    e = failure("status:broken");
    EXPECT_EQ(e.position, 7);
    EXPECT_EQ(e.length, 6);

    e = failure("trace:xyz");
    EXPECT_EQ(e.position, 6);
    e = failure("span:0123456789abcdef0");
    EXPECT_NE(e.message.find("16"), std::string::npos);

    e = failure("-duration>1s");
    EXPECT_EQ(e.position, 0);
    e = failure("service>3");
    EXPECT_EQ(e.position, 7);
    // The first error is reported even when a later term is bad too.
    EXPECT_EQ(failure("a:1 b:2").position, 0);
}

TEST(SpanFilter, PositionsAreBytesOfUtf8)
{
    const SpanFilterError e = failure("name:café bogus:1");
    EXPECT_EQ(e.position, 11); // "name:café " is 11 bytes
}

TEST(SpanFilter, FieldNamesForHelp)
{
    const auto names = spanFilterFieldNames();
    for (const char* n :
        { "service", "tenant", "env", "model", "name", "status", "error", "prompt", "trace", "span", "duration" })
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}
