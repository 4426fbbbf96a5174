#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace spanlight {

/// A claim on one of the receivers' byte budgets (bodies being received,
/// bodies being decoded), given back when it goes out of scope. The budgets
/// are what keeps memory under the configured cap when exporters push harder
/// than the writer can store (docs/hardening.md "Memory").
class ByteReservation
{
public:
    ByteReservation() = default;
    ByteReservation(const ByteReservation&) = delete;
    ByteReservation& operator=(const ByteReservation&) = delete;
    ByteReservation(ByteReservation&& other) noexcept
        : m_used(std::exchange(other.m_used, nullptr))
        , m_bytes(std::exchange(other.m_bytes, 0))
    {
    }
    ByteReservation& operator=(ByteReservation&& other) noexcept
    {
        if (this != &other) {
            release();
            m_used = std::exchange(other.m_used, nullptr);
            m_bytes = std::exchange(other.m_bytes, 0);
        }
        return *this;
    }
    ~ByteReservation() { release(); }

    /// Takes \a bytes more from a budget of \a cap bytes whose current use is
    /// \a used, adding them to what \a out already holds of it; \a peak
    /// (optional) remembers the highest use seen. A claim is granted when
    /// nothing else holds the budget, so one body up to the size limit always
    /// gets through however small the budget is.
    static bool tryTake(std::atomic<int64_t>& used, int64_t bytes, int64_t cap, ByteReservation* out,
        std::atomic<int64_t>* peak = nullptr)
    {
        const int64_t own = out->m_used == &used ? out->m_bytes : 0;
        const int64_t before = used.fetch_add(bytes);
        if (before - own > 0 && before + bytes > cap) {
            used -= bytes;
            return false;
        }
        if (peak) {
            int64_t seen = peak->load();
            while (before + bytes > seen && !peak->compare_exchange_weak(seen, before + bytes)) { }
        }
        if (own == 0)
            *out = ByteReservation(used, 0);
        out->m_bytes += bytes;
        return true;
    }

    int64_t bytes() const { return m_bytes; }
    void release()
    {
        if (m_used)
            *std::exchange(m_used, nullptr) -= std::exchange(m_bytes, 0);
    }

private:
    ByteReservation(std::atomic<int64_t>& used, int64_t bytes)
        : m_used(&used)
        , m_bytes(bytes)
    {
    }

    std::atomic<int64_t>* m_used = nullptr;
    int64_t m_bytes = 0;
};

} // namespace spanlight
