#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Log-scale latency buckets shared by the rollups, the heatmap and the
/// percentile queries (docs/rollups.md). Bucket i > 0 holds durations in
/// (upper(i-1), upper(i)] with upper(i) = 1 µs · γ^i, γ = 1.02; bucket 0 holds
/// everything up to 1 µs. Reporting a bucket by its geometric middle
/// 2·upper(i)/(1+γ) is off by at most (γ-1)/(γ+1) < 1% relative, the accuracy
/// the percentiles promise. The bounds are integer nanoseconds from one table,
/// so the rollup bucket of a span and a raw-span range filter never disagree.
namespace latency {

constexpr double kGamma = 1.02;
// 1 µs · 1.02^1278 ≈ 27 h: the last bucket holds everything longer (those are
// reported as ~27 h, outside the 1% promise; no LLM call lasts a day).
constexpr int kBucketCount = 1280;

/// The bucket of a duration (binary search over the bounds table).
int bucketOf(int64_t durationNs);
/// Inclusive upper bound of bucket \a i in ns (the last bucket is unbounded).
int64_t upperBound(int i);
/// Exclusive lower bound (upperBound(i - 1); -1 for bucket 0 so 0 ns is inside).
int64_t lowerBound(int i);
/// The value reported for bucket \a i (within 1% of every duration it holds).
double representativeNs(int i);

} // namespace latency

/// A sparse latency histogram: (bucket, count) pairs sorted by bucket.
class LatencyHistogram
{
public:
    void add(int64_t durationNs, int64_t count = 1) { addBucket(latency::bucketOf(durationNs), count); }
    void addBucket(int bucket, int64_t count);
    void merge(const LatencyHistogram& other);
    /// Adds an encoded histogram; false when \a encoded is malformed.
    bool mergeEncoded(std::string_view encoded);

    int64_t total() const;
    /// The duration below which a fraction \a q of the values lie (0 when empty).
    double quantileNs(double q) const;
    const std::vector<std::pair<int, int64_t>>& buckets() const { return m_buckets; }
    bool empty() const { return m_buckets.empty(); }

    /// Varint pairs (bucket delta, zigzag count); counts may be negative in a
    /// correction delta and cancel out when merged.
    std::string encode() const;
    static bool decode(std::string_view encoded, LatencyHistogram* out);
    /// encode() of the merge of two encoded histograms, without decoding them
    /// first; false when either is malformed.
    static bool mergeEncodedPair(std::string_view a, std::string_view b, std::string* out);

private:
    std::vector<std::pair<int, int64_t>> m_buckets;
};

/// Registers hist_merge(a, b) on a SQLite connection (the rollup upserts merge
/// a commit's histogram into the stored one inside SQLite) and the aggregates
/// the fold of minute rows into hour and day rows uses: hist_sum(h) and
/// sat_sum(x), a saturating SUM.
int registerHistogramFunctions(sqlite3* db);

} // namespace spanlight
