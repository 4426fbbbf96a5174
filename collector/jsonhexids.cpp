#include "jsonhexids.h"

#include <array>

namespace spanlight {

namespace {

constexpr std::array<std::string_view, 6> kIdKeys
    = { "traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id" };

int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string base64(const std::string& bytes)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t v = uint8_t(bytes[i]) << 16 | uint8_t(bytes[i + 1]) << 8 | uint8_t(bytes[i + 2]);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    if (i + 1 == bytes.size()) {
        const uint32_t v = uint8_t(bytes[i]) << 16;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        const uint32_t v = uint8_t(bytes[i]) << 16 | uint8_t(bytes[i + 1]) << 8;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += '=';
    }
    return out;
}

/// The base64 form of a hex id, or of a single zero byte when it is not hex.
std::string convertId(std::string_view hex)
{
    if (hex.empty())
        return {};
    std::string raw;
    if (hex.size() % 2 == 0) {
        for (size_t i = 0; i < hex.size(); i += 2) {
            const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
            if (hi < 0 || lo < 0) {
                raw.clear();
                break;
            }
            raw += static_cast<char>(hi << 4 | lo);
        }
    }
    return base64(raw.empty() ? std::string(1, '\0') : raw);
}

/// Index just past the string starting at json[start] == '"'; npos if unterminated.
size_t skipString(std::string_view json, size_t start)
{
    for (size_t i = start + 1; i < json.size(); ++i) {
        if (json[i] == '\\')
            ++i;
        else if (json[i] == '"')
            return i + 1;
    }
    return std::string_view::npos;
}

size_t skipSpace(std::string_view json, size_t i)
{
    while (i < json.size() && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r'))
        ++i;
    return i;
}

} // namespace

std::string hexIdsToBase64(std::string_view json)
{
    std::string out;
    out.reserve(json.size());
    size_t copied = 0;
    size_t i = 0;
    while (i < json.size()) {
        if (json[i] != '"') {
            ++i;
            continue;
        }
        const size_t keyEnd = skipString(json, i);
        if (keyEnd == std::string_view::npos)
            break; // malformed: the parser will say so
        const std::string_view key = json.substr(i + 1, keyEnd - i - 2);
        size_t next = skipSpace(json, keyEnd);
        bool isId = false;
        for (std::string_view k : kIdKeys)
            isId = isId || k == key;
        if (!isId || next >= json.size() || json[next] != ':') {
            i = keyEnd;
            continue;
        }
        const size_t valueStart = skipSpace(json, next + 1);
        if (valueStart >= json.size() || json[valueStart] != '"') {
            i = valueStart;
            continue;
        }
        const size_t valueEnd = skipString(json, valueStart);
        if (valueEnd == std::string_view::npos)
            break;
        out.append(json.substr(copied, valueStart + 1 - copied));
        out += convertId(json.substr(valueStart + 1, valueEnd - valueStart - 2));
        out += '"';
        copied = valueEnd;
        i = valueEnd;
    }
    out.append(json.substr(copied));
    return out;
}

} // namespace spanlight
