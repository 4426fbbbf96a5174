#pragma once

// Shared by the price table tests (matching, loading) and the cost tests.

#include "pricematch.h"
#include "pricetable.h"

#include <QDateTime>
#include <gtest/gtest.h>
#include <memory>
#include <string>

namespace spanlight::test {

inline int64_t at(const char* iso)
{
    const QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    EXPECT_TRUE(t.isValid()) << iso;
    return t.toMSecsSinceEpoch() * 1'000'000;
}

inline const int64_t kNow = at("2026-11-24T12:00:00Z");

inline std::shared_ptr<const PriceTable> builtin()
{
    static const auto table = [] {
        std::string error;
        auto t = PriceTable::fromJson(PriceTable::builtinJson(), {}, &error);
        EXPECT_EQ(error, "");
        return t;
    }();
    return table;
}

inline std::shared_ptr<const PriceTable> withUser(std::string_view userJson)
{
    std::string error;
    auto table = PriceTable::fromJson(PriceTable::builtinJson(), userJson, &error);
    EXPECT_TRUE(table) << error;
    return table;
}

/// The input price of the row \a model matches, or -1 when none does.
inline double inputPrice(
    const PriceTable& table, std::string_view model, std::string_view provider = {}, int64_t t = kNow)
{
    const PriceRow* row = table.match(provider, model, t);
    return row ? row->inputPerM : -1;
}

inline SpanRecord chat(std::string model, int64_t input, int64_t output)
{
    SpanRecord span;
    span.operation = "chat";
    span.responseModel = std::move(model);
    span.inputTokens = input;
    span.outputTokens = output;
    span.startNs = kNow;
    return span;
}

inline PriceRow row(double input, double output, double cacheRead = -1, double cacheWrite = -1, double reasoning = -1)
{
    PriceRow r;
    r.inputPerM = input;
    r.outputPerM = output;
    r.cacheReadPerM = cacheRead;
    r.cacheWritePerM = cacheWrite;
    r.reasoningPerM = reasoning;
    return r;
}

} // namespace spanlight::test
