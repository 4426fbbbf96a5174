// Pricing benchmark (issue 3). Not a test: it measures and reports.
//
//   pricing_bench [--benchmark_filter=REGEX] [--benchmark_min_time=0.5]
//
// priceSpan() runs once per span on the ingest threads, so its cost for a model
// already in the match cache is what matters; it is reported next to an empty
// out-of-line call with the same arguments in the same run, on 1 and 2 threads
// (the cache is shared). A cache miss (a model name never seen) is measured too.

#include "pricetable.h"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <string>

using namespace spanlight;

namespace {

const PriceTable* table()
{
    static const std::shared_ptr<const PriceTable> prices = [] {
        std::string error;
        auto t = PriceTable::fromJson(PriceTable::builtinJson(), {}, &error);
        if (!t)
            std::fprintf(stderr, "built-in price table: %s\n", error.c_str());
        return t;
    }();
    return prices.get();
}

SpanRecord span(std::string model)
{
    SpanRecord s;
    s.operation = "chat";
    s.provider = "openai";
    s.responseModel = std::move(model);
    s.requestModel = "gpt-4o";
    s.inputTokens = 1200;
    s.outputTokens = 300;
    s.cacheReadTokens = 800;
    s.flags = kFlagGenAi | kFlagInputIncludesCache;
    s.startNs = 1'790'000'000'000'000'000;
    return s;
}

[[gnu::noinline]] void emptyPriceSpan(const PriceTable* prices, SpanRecord& s)
{
    benchmark::DoNotOptimize(prices);
    benchmark::DoNotOptimize(s);
}

void baselineEmptyCall(benchmark::State& state)
{
    const PriceTable* prices = table();
    SpanRecord s = span("gpt-4o-2024-08-06");
    for (auto _ : state) {
        emptyPriceSpan(prices, s);
        benchmark::ClobberMemory();
    }
}

void priceSpanCached(benchmark::State& state, const char* model)
{
    const PriceTable* prices = table();
    SpanRecord s = span(model);
    priceSpan(prices, s); // warm the cache
    for (auto _ : state) {
        priceSpan(prices, s);
        benchmark::DoNotOptimize(s.costNanoUsd);
        benchmark::ClobberMemory();
    }
}

void matchMiss(benchmark::State& state)
{
    const PriceTable* prices = table();
    int64_t n = 0;
    std::string model;
    for (auto _ : state) {
        state.PauseTiming();
        model = "fine-tuned-model-" + std::to_string(n++);
        state.ResumeTiming();
        benchmark::DoNotOptimize(prices->match("openai", model, 1'790'000'000'000'000'000));
    }
}

} // namespace

BENCHMARK(baselineEmptyCall)->Threads(1)->Threads(2);
BENCHMARK_CAPTURE(priceSpanCached, gpt4o, "gpt-4o-2024-08-06")->Threads(1)->Threads(2);
BENCHMARK_CAPTURE(priceSpanCached, bedrock, "us.anthropic.claude-sonnet-4-20250514-v1:0")->Threads(1)->Threads(2);
BENCHMARK(matchMiss);

BENCHMARK_MAIN();
