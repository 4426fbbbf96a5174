#include "latencyhistogram.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sqlite3.h>

namespace spanlight {

namespace latency {

namespace {

std::array<int64_t, kBucketCount> makeBounds()
{
    std::array<int64_t, kBucketCount> bounds {};
    double upper = 1000.0;
    for (int i = 0; i < kBucketCount; ++i) {
        bounds[i] = static_cast<int64_t>(std::floor(upper));
        upper *= kGamma;
    }
    bounds[kBucketCount - 1] = INT64_MAX;
    return bounds;
}

const std::array<int64_t, kBucketCount>& bounds()
{
    static const auto table = makeBounds();
    return table;
}

} // namespace

int bucketOf(int64_t durationNs)
{
    const auto& b = bounds();
    return static_cast<int>(std::lower_bound(b.begin(), b.end(), durationNs) - b.begin());
}

int64_t upperBound(int i)
{
    return bounds()[static_cast<size_t>(std::clamp(i, 0, kBucketCount - 1))];
}

int64_t lowerBound(int i)
{
    return i <= 0 ? -1 : upperBound(i - 1);
}

double representativeNs(int i)
{
    if (i <= 0)
        return 500.0;
    return 2.0 * 1000.0 * std::pow(kGamma, i) / (1.0 + kGamma);
}

} // namespace latency

namespace {

void putVarint(std::string& out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

bool getVarint(std::string_view& in, uint64_t* v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
        const auto byte = static_cast<uint8_t>(in.front());
        in.remove_prefix(1);
        *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

} // namespace

void LatencyHistogram::addBucket(int bucket, int64_t count)
{
    if (count == 0)
        return;
    auto it = std::lower_bound(m_buckets.begin(), m_buckets.end(), bucket,
        [](const std::pair<int, int64_t>& entry, int b) { return entry.first < b; });
    if (it != m_buckets.end() && it->first == bucket) {
        it->second += count;
        if (it->second == 0)
            m_buckets.erase(it);
    } else {
        m_buckets.insert(it, { bucket, count });
    }
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    if (other.m_buckets.empty())
        return;
    if (m_buckets.empty()) {
        m_buckets = other.m_buckets;
        return;
    }
    // One pass over both sorted lists (bucket by bucket would shift the vector
    // on every insert); buckets whose counts cancel out are dropped.
    std::vector<std::pair<int, int64_t>> merged;
    merged.reserve(m_buckets.size() + other.m_buckets.size());
    auto a = m_buckets.cbegin();
    auto b = other.m_buckets.cbegin();
    while (a != m_buckets.cend() || b != other.m_buckets.cend()) {
        std::pair<int, int64_t> next;
        if (b == other.m_buckets.end() || (a != m_buckets.end() && a->first < b->first))
            next = *a++;
        else if (a == m_buckets.end() || b->first < a->first)
            next = *b++;
        else
            next = { a->first, (a++)->second + (b++)->second };
        if (next.second != 0)
            merged.push_back(next);
    }
    m_buckets.swap(merged);
}

bool LatencyHistogram::mergeEncoded(std::string_view encoded)
{
    LatencyHistogram other;
    if (!decode(encoded, &other))
        return false;
    merge(other);
    return true;
}

int64_t LatencyHistogram::total() const
{
    int64_t sum = 0;
    for (const auto& entry : m_buckets)
        sum += entry.second;
    return sum;
}

double LatencyHistogram::quantileNs(double q) const
{
    const int64_t n = total();
    if (n <= 0)
        return 0;
    // The rank of the q-quantile, 1-based, as in "nearest rank".
    const auto rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * static_cast<double>(n))));
    int64_t seen = 0;
    for (const auto& [bucket, count] : m_buckets) {
        seen += count;
        if (seen >= rank)
            return latency::representativeNs(bucket);
    }
    return latency::representativeNs(m_buckets.back().first);
}

std::string LatencyHistogram::encode() const
{
    std::string out;
    out.reserve(m_buckets.size() * 3);
    int previous = 0;
    for (const auto& [bucket, count] : m_buckets) {
        putVarint(out, static_cast<uint64_t>(bucket - previous));
        putVarint(out, (static_cast<uint64_t>(count) << 1) ^ static_cast<uint64_t>(count >> 63));
        previous = bucket;
    }
    return out;
}

namespace {

/// Reads the encoded pairs of one histogram one at a time, checked as decode() checks them.
class EncodedReader
{
public:
    explicit EncodedReader(std::string_view in)
        : m_in(in)
    {
    }
    /// Moves to the next pair; false at the end or (with malformed() set) on bad input.
    bool next()
    {
        if (m_in.empty())
            return false;
        uint64_t delta = 0, zigzag = 0;
        if (!getVarint(m_in, &delta) || !getVarint(m_in, &zigzag) || delta > latency::kBucketCount
            || (m_started && delta == 0)) {
            m_malformed = true;
            return false;
        }
        bucket += static_cast<int>(delta);
        if (bucket >= latency::kBucketCount) {
            m_malformed = true;
            return false;
        }
        count = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
        m_started = true;
        return true;
    }
    bool malformed() const { return m_malformed; }

    int bucket = 0;
    int64_t count = 0;

private:
    std::string_view m_in;
    bool m_started = false;
    bool m_malformed = false;
};

} // namespace

bool LatencyHistogram::mergeEncodedPair(std::string_view a, std::string_view b, std::string* out)
{
    out->clear();
    EncodedReader x(a), y(b);
    bool hasX = x.next(), hasY = y.next();
    int previous = 0;
    while (hasX || hasY) {
        int bucket;
        int64_t count;
        if (hasX && (!hasY || x.bucket < y.bucket)) {
            bucket = x.bucket, count = x.count;
            hasX = x.next();
        } else if (!hasX || y.bucket < x.bucket) {
            bucket = y.bucket, count = y.count;
            hasY = y.next();
        } else {
            bucket = x.bucket, count = x.count + y.count;
            hasX = x.next();
            hasY = y.next();
        }
        if (count == 0)
            continue;
        putVarint(*out, static_cast<uint64_t>(bucket - previous));
        putVarint(*out, (static_cast<uint64_t>(count) << 1) ^ static_cast<uint64_t>(count >> 63));
        previous = bucket;
    }
    return !x.malformed() && !y.malformed();
}

bool LatencyHistogram::decode(std::string_view encoded, LatencyHistogram* out)
{
    out->m_buckets.clear();
    int bucket = 0;
    while (!encoded.empty()) {
        uint64_t delta = 0, zigzag = 0;
        if (!getVarint(encoded, &delta) || !getVarint(encoded, &zigzag) || delta > latency::kBucketCount)
            return false;
        bucket += static_cast<int>(delta);
        if (bucket >= latency::kBucketCount || (!out->m_buckets.empty() && delta == 0))
            return false;
        const auto count = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
        out->m_buckets.emplace_back(bucket, count);
    }
    return true;
}

namespace {

std::string_view blobArg(sqlite3_value* v)
{
    const void* data = sqlite3_value_blob(v);
    return data ? std::string_view(static_cast<const char*>(data), static_cast<size_t>(sqlite3_value_bytes(v)))
                : std::string_view();
}

void histMerge(sqlite3_context* context, int, sqlite3_value** args)
{
    // Every rollup upsert of a latency row runs this: merge the encoded
    // streams directly, into a buffer that is reused.
    thread_local std::string merged;
    if (!LatencyHistogram::mergeEncodedPair(blobArg(args[0]), blobArg(args[1]), &merged)) {
        sqlite3_result_error(context, "hist_merge: malformed latency histogram", -1);
        return;
    }
    sqlite3_result_blob(context, merged.data(), static_cast<int>(merged.size()), SQLITE_TRANSIENT);
}

// hist_sum(h): the aggregate form, for folding many rows into one.
void histSumStep(sqlite3_context* context, int, sqlite3_value** args)
{
    auto** sum = static_cast<LatencyHistogram**>(sqlite3_aggregate_context(context, sizeof(LatencyHistogram*)));
    if (!sum) {
        sqlite3_result_error_nomem(context);
        return;
    }
    if (!*sum)
        *sum = new LatencyHistogram;
    if (!(*sum)->mergeEncoded(blobArg(args[0])))
        sqlite3_result_error(context, "hist_sum: malformed latency histogram", -1);
}

void histSumFinal(sqlite3_context* context)
{
    auto** sum = static_cast<LatencyHistogram**>(sqlite3_aggregate_context(context, 0));
    const std::string encoded = sum && *sum ? (*sum)->encode() : std::string();
    sqlite3_result_blob(context, encoded.data(), static_cast<int>(encoded.size()), SQLITE_TRANSIENT);
    if (sum)
        delete *sum;
}

// sat_sum(x): SUM() that saturates like the writer's duration sums, where
// SQLite's SUM() would fail the whole statement with "integer overflow".
void satSumStep(sqlite3_context* context, int, sqlite3_value** args)
{
    auto* sum = static_cast<int64_t*>(sqlite3_aggregate_context(context, sizeof(int64_t)));
    if (!sum) {
        sqlite3_result_error_nomem(context);
        return;
    }
    const int64_t value = sqlite3_value_int64(args[0]);
    if (__builtin_add_overflow(*sum, value, sum))
        *sum = value > 0 ? INT64_MAX : INT64_MIN;
}

void satSumFinal(sqlite3_context* context)
{
    const auto* sum = static_cast<int64_t*>(sqlite3_aggregate_context(context, 0));
    sqlite3_result_int64(context, sum ? *sum : 0);
}

} // namespace

int registerHistogramFunctions(sqlite3* db)
{
    int rc = sqlite3_create_function_v2(
        db, "hist_merge", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, histMerge, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "hist_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, nullptr,
            histSumStep, histSumFinal, nullptr);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(
            db, "sat_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, nullptr, satSumStep, satSumFinal, nullptr);
    return rc;
}

} // namespace spanlight
