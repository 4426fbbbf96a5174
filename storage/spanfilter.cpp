#include "spanfilter.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace spanlight {

namespace {

struct FieldName
{
    std::string_view name;
    SpanField field;
};

// Canonical names first: spanFilterFieldNames() lists those for help texts.
constexpr FieldName kFields[] = {
    { "service", SpanField::Service },
    { "tenant", SpanField::Tenant },
    { "env", SpanField::Environment },
    { "model", SpanField::Model },
    { "name", SpanField::Name },
    { "status", SpanField::Status },
    { "error", SpanField::Error },
    { "prompt", SpanField::Prompt },
    { "trace", SpanField::Trace },
    { "span", SpanField::Span },
    // Aliases: the OTel attribute names people type from habit.
    { "service.name", SpanField::Service },
    { "environment", SpanField::Environment },
    { "deployment.environment.name", SpanField::Environment },
    { "span.name", SpanField::Name },
    { "error.type", SpanField::Error },
    { "trace_id", SpanField::Trace },
    { "span_id", SpanField::Span },
};
constexpr size_t kCanonicalFields = 10;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isFieldChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

/// Reads the text grammar one term at a time; stops at the first error.
class Parser
{
public:
    explicit Parser(std::string_view text)
        : m_text(text)
    {
    }

    SpanFilterParse run()
    {
        for (;;) {
            while (m_pos < m_text.size() && isSpace(m_text[m_pos]))
                ++m_pos;
            if (m_pos >= m_text.size() || m_out.error)
                break;
            term();
        }
        if (m_out.error)
            m_out.filter = {};
        return std::move(m_out);
    }

private:
    void fail(size_t position, size_t length, std::string message)
    {
        if (!m_out.error)
            m_out.error = SpanFilterError { static_cast<int>(position), static_cast<int>(length), std::move(message) };
    }

    /// A bare or quoted value from m_pos; nullopt after reporting an error.
    std::optional<std::string> value()
    {
        if (m_pos < m_text.size() && m_text[m_pos] == '"') {
            const size_t quote = m_pos++;
            std::string out;
            while (m_pos < m_text.size() && m_text[m_pos] != '"') {
                if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size())
                    ++m_pos;
                out += m_text[m_pos++];
            }
            if (m_pos >= m_text.size()) {
                fail(quote, m_text.size() - quote, "the quote is never closed");
                return std::nullopt;
            }
            ++m_pos; // the closing quote
            return out;
        }
        const size_t start = m_pos;
        while (m_pos < m_text.size() && !isSpace(m_text[m_pos]))
            ++m_pos;
        return std::string(m_text.substr(start, m_pos - start));
    }

    void term()
    {
        const size_t start = m_pos;
        bool negated = false;
        if (m_text[m_pos] == '-' && m_pos + 1 < m_text.size() && !isSpace(m_text[m_pos + 1])) {
            negated = true;
            ++m_pos;
        }
        const size_t nameStart = m_pos;
        size_t end = m_pos;
        while (end < m_text.size() && isFieldChar(m_text[end]))
            ++end;
        const char op = end < m_text.size() ? m_text[end] : '\0';
        if (end == nameStart || (op != ':' && op != '<' && op != '>')) {
            // Free text: part of the span name.
            const size_t valueStart = m_pos;
            auto text = value();
            if (text && text->empty())
                fail(valueStart, 2, "empty text");
            if (text && !text->empty())
                m_out.filter.terms.push_back({ SpanField::Text, negated, *text });
            return;
        }
        const std::string name = lower(m_text.substr(nameStart, end - nameStart));
        if (name == "duration" || name == "dur") {
            duration(start, negated, end);
            return;
        }
        const auto known
            = std::find_if(std::begin(kFields), std::end(kFields), [&](const FieldName& f) { return f.name == name; });
        if (known == std::end(kFields)) {
            fail(nameStart, end - nameStart,
                "unknown field \"" + name + "\" (put text with a colon in quotes to search span names)");
            return;
        }
        if (op != ':') {
            fail(end, 1, "only duration compares with < or >; write " + name + ":value");
            return;
        }
        m_pos = end + 1;
        const size_t valueStart = m_pos;
        auto text = value();
        if (!text)
            return;
        if (text->empty()) {
            fail(start, m_pos - start, "\"" + name + ":\" needs a value");
            return;
        }
        SpanFilterTerm t { known->field, negated, *text };
        if (t.field == SpanField::Status) {
            t.value = lower(t.value);
            if (t.value != "ok" && t.value != "error" && t.value != "unset")
                fail(valueStart, m_pos - valueStart, "status is ok, error or unset");
        } else if (t.field == SpanField::Trace || t.field == SpanField::Span) {
            t.value = lower(t.value);
            const size_t maxDigits = t.field == SpanField::Trace ? 32 : 16;
            if (t.value.size() > maxDigits
                || !std::all_of(t.value.begin(), t.value.end(), [](unsigned char c) { return std::isxdigit(c); }))
                fail(valueStart, m_pos - valueStart,
                    name + " takes up to " + std::to_string(maxDigits) + " hexadecimal digits");
        }
        m_out.filter.terms.push_back(std::move(t));
    }

    void duration(size_t start, bool negated, size_t opAt)
    {
        if (negated) {
            fail(start, 1, "a duration cannot be negated: turn the comparison around");
            return;
        }
        if (m_text[opAt] == ':') {
            fail(opAt, 1, "compare a duration with < or >, e.g. duration>2s");
            return;
        }
        const bool greater = m_text[opAt] == '>';
        size_t valueStart = opAt + 1;
        const bool orEqual = valueStart < m_text.size() && m_text[valueStart] == '=';
        if (orEqual)
            ++valueStart;
        m_pos = valueStart;
        while (m_pos < m_text.size() && !isSpace(m_text[m_pos]))
            ++m_pos;
        const std::string_view text = m_text.substr(valueStart, m_pos - valueStart);
        const std::optional<int64_t> ns = parseDuration(text);
        if (!ns) {
            fail(valueStart, std::max<size_t>(text.size(), 1),
                text.empty() ? "a duration needs a value, e.g. 150ms or 2s"
                             : "not a duration: a number and a unit (ns, us, ms, s, m, h)");
            return;
        }
        SpanFilter& f = m_out.filter;
        if (greater) {
            const int64_t bound = orEqual ? *ns : *ns + 1;
            f.minDurationNs = f.minDurationNs ? std::max(*f.minDurationNs, bound) : bound;
        } else {
            const int64_t bound = orEqual ? *ns : *ns - 1;
            f.maxDurationNs = f.maxDurationNs ? std::min(*f.maxDurationNs, bound) : bound;
        }
    }

    std::string_view m_text;
    size_t m_pos = 0;
    SpanFilterParse m_out;
};

} // namespace

SpanFilterParse parseSpanFilter(std::string_view text)
{
    return Parser(text).run();
}

std::optional<int64_t> parseDuration(std::string_view text)
{
    size_t digits = 0;
    bool point = false;
    while (digits < text.size()
        && (std::isdigit(static_cast<unsigned char>(text[digits])) || (text[digits] == '.' && !point))) {
        point = point || text[digits] == '.';
        ++digits;
    }
    if (digits == 0 || (digits == 1 && point))
        return std::nullopt;
    struct Unit
    {
        std::string_view name;
        double ns;
    };
    static constexpr std::array<Unit, 8> kUnits { { { "ns", 1 }, { "us", 1e3 }, { "\xC2\xB5s", 1e3 }, { "ms", 1e6 },
        { "s", 1e9 }, { "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 } } };
    const std::string unit = lower(text.substr(digits));
    const auto found = std::find_if(kUnits.begin(), kUnits.end(), [&](const Unit& u) { return u.name == unit; });
    if (found == kUnits.end())
        return std::nullopt;
    // from_chars, not stod: QCoreApplication sets the user's locale, whose decimal point may be a comma.
    double number = 0;
    if (std::from_chars(text.data(), text.data() + digits, number).ptr != text.data() + digits)
        return std::nullopt;
    const double ns = number * found->ns;
    // Past ~292 years an int64 of nanoseconds overflows; no span lasts that long.
    if (!std::isfinite(ns) || ns > 9.2e18)
        return std::nullopt;
    return static_cast<int64_t>(std::llround(ns));
}

std::vector<std::string> spanFilterFieldNames()
{
    std::vector<std::string> out;
    for (size_t i = 0; i < kCanonicalFields; ++i)
        out.emplace_back(kFields[i].name);
    out.emplace_back("duration");
    return out;
}

} // namespace spanlight
