#include "promptfingerprint.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <algorithm>

namespace spanlight {

namespace {

constexpr std::string_view kLeftQuote = "\xE2\x80\x9C"; // “
constexpr std::string_view kRightQuote = "\xE2\x80\x9D"; // ”

bool isDigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

bool isAlpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isHex(unsigned char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// Letters, digits, '_' and every byte of a multi-byte UTF-8 character.
bool isWordByte(unsigned char c)
{
    return isDigit(c) || isAlpha(c) || c == '_' || c >= 0x80;
}

bool isBlank(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}

bool isEmailLocalByte(unsigned char c)
{
    return isDigit(c) || isAlpha(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool isDomainByte(unsigned char c)
{
    return isDigit(c) || isAlpha(c) || c == '-';
}

/// One pass over the text; every rule looks at a bounded window or moves the
/// position forward, so the work is linear in the input.
class Normaliser
{
public:
    explicit Normaliser(std::string_view in)
        : m_in(in)
    {
        m_out.reserve(in.size());
    }

    std::string run()
    {
        while (m_pos < m_in.size()) {
            const auto c = at(m_pos);
            if (isBlank(c)) {
                m_space = true;
                ++m_pos;
            } else if (c == '"' || c == '\'' || m_in.substr(m_pos).starts_with(kLeftQuote)) {
                if (!quoted())
                    literal(1);
            } else if (isWordByte(c) && (m_pos == 0 || !isWordByte(at(m_pos - 1)))) {
                wordStart();
            } else {
                literal(1);
            }
        }
        return std::move(m_out);
    }

private:
    unsigned char at(size_t i) const { return i < m_in.size() ? static_cast<unsigned char>(m_in[i]) : 0; }

    void put(std::string_view text)
    {
        if (m_space && !m_out.empty())
            m_out += ' ';
        m_space = false;
        m_out += text;
    }

    void literal(size_t n)
    {
        put(m_in.substr(m_pos, n));
        m_pos += n;
    }

    /// A quoted string becomes <str>. A single quote only opens at a word start
    /// and only closes before a non-word byte, so apostrophes ("it's") stay.
    bool quoted()
    {
        size_t close = std::string_view::npos;
        size_t closeLength = 1;
        if (at(m_pos) == '"') {
            close = m_in.find('"', m_pos + 1); // no escapes: a failed search means no '"' is left
        } else if (at(m_pos) == '\'') {
            if (m_pos > 0 && isWordByte(at(m_pos - 1)))
                return false;
            close = findSingleClose(m_pos + 1);
        } else if (m_pos < m_noRightQuoteFrom) {
            close = m_in.find(kRightQuote, m_pos + kLeftQuote.size());
            closeLength = kRightQuote.size();
            if (close == std::string_view::npos)
                m_noRightQuoteFrom = m_pos; // later openers need not search again
        }
        if (close == std::string_view::npos)
            return false;
        put("<str>");
        m_pos = close + closeLength;
        return true;
    }

    size_t findSingleClose(size_t from)
    {
        // Once a search found no closing quote after some position, none exists
        // after a later one either: remembering that keeps unmatched openers linear.
        if (from >= m_noSingleCloseFrom)
            return std::string_view::npos;
        for (size_t i = from; i < m_in.size(); ++i)
            if (at(i) == '\'' && !isWordByte(at(i + 1)))
                return i;
        m_noSingleCloseFrom = from;
        return std::string_view::npos;
    }

    size_t matchUuid() const
    {
        static constexpr int kGroups[] = { 8, 4, 4, 4, 12 };
        size_t i = m_pos;
        for (int g = 0; g < 5; ++g) {
            if (g > 0 && at(i++) != '-')
                return 0;
            for (int k = 0; k < kGroups[g]; ++k)
                if (!isHex(at(i++)))
                    return 0;
        }
        return isWordByte(at(i)) ? 0 : i - m_pos;
    }

    size_t matchEmail() const
    {
        size_t i = m_pos;
        while (i < m_in.size() && i - m_pos < 256 && isEmailLocalByte(at(i)))
            ++i;
        if (i == m_pos || at(i) != '@')
            return 0;
        ++i;
        size_t end = 0;
        int labels = 0;
        bool alphaLabel = false;
        while (true) {
            const size_t start = i;
            bool alpha = true;
            while (i < m_in.size() && i - m_pos < 512 && isDomainByte(at(i))) {
                alpha = alpha && isAlpha(at(i));
                ++i;
            }
            if (i == start)
                break;
            ++labels;
            end = i;
            alphaLabel = alpha && i - start >= 2;
            if (at(i) != '.' || !isDomainByte(at(i + 1)))
                break;
            ++i;
        }
        if (labels < 2 || !alphaLabel || isWordByte(at(end)))
            return 0;
        return end - m_pos;
    }

    size_t wordLength() const
    {
        size_t i = m_pos;
        while (i < m_in.size() && isWordByte(at(i)))
            ++i;
        return i - m_pos;
    }

    void wordStart()
    {
        if (const size_t n = matchUuid()) {
            placeholder("<uuid>", n);
            return;
        }
        if (const size_t n = matchEmail()) {
            placeholder("<email>", n);
            return;
        }
        const std::string_view word = m_in.substr(m_pos, wordLength());
        if (isHexId(word)) {
            placeholder("<hex>", word.size());
            return;
        }
        if (isDigit(at(m_pos))) {
            size_t i = m_pos;
            while (isDigit(at(i)))
                ++i;
            if (at(i) == '.' && isDigit(at(i + 1)))
                for (++i; isDigit(at(i));)
                    ++i;
            placeholder("<num>", i - m_pos);
        }
        wordRest();
    }

    static bool isHexId(std::string_view word)
    {
        if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X'))
            return std::all_of(
                word.begin() + 2, word.end(), [](char c) { return isHex(static_cast<unsigned char>(c)); });
        bool digit = false, letter = false;
        for (const char ch : word) {
            const auto c = static_cast<unsigned char>(ch);
            if (!isHex(c))
                return false;
            digit = digit || isDigit(c);
            letter = letter || isAlpha(c);
        }
        return word.size() >= 8 && digit && letter;
    }

    /// The rest of a word: copied, except digit runs of five or more (order and
    /// invoice numbers glued to letters).
    void wordRest()
    {
        while (m_pos < m_in.size() && isWordByte(at(m_pos))) {
            size_t i = m_pos;
            while (isDigit(at(i)))
                ++i;
            if (i - m_pos >= 5) {
                placeholder("<num>", i - m_pos);
                continue;
            }
            i = std::max(i, m_pos + 1);
            while (i < m_in.size() && isWordByte(at(i)) && !isDigit(at(i)))
                ++i;
            literal(i - m_pos);
        }
    }

    void placeholder(std::string_view text, size_t consumed)
    {
        put(text);
        m_pos += consumed;
    }

    std::string_view m_in;
    std::string m_out;
    size_t m_pos = 0;
    bool m_space = false;
    size_t m_noSingleCloseFrom = std::string_view::npos;
    size_t m_noRightQuoteFrom = std::string_view::npos;
};

std::string sha256Prefix(std::string_view bytes)
{
    const QByteArray digest = QCryptographicHash::hash(
        QByteArrayView(bytes.data(), static_cast<qsizetype>(bytes.size())), QCryptographicHash::Sha256);
    return digest.toHex().left(16).toStdString();
}

} // namespace

std::string normalisePromptText(std::string_view text)
{
    return Normaliser(text).run();
}

std::string promptFingerprint(std::string_view system, std::string_view firstUser)
{
    // Normalised text holds no control characters, so the separator cannot be
    // forged by the text, and no content ever starts with identityFingerprint's \x1e.
    return sha256Prefix(normalisePromptText(system) + '\x1f' + normalisePromptText(firstUser));
}

std::string identityFingerprint(std::string_view kind, std::string_view name, std::string_view version)
{
    std::string bytes = "\x1e";
    bytes.append(kind).append(1, '\x1f').append(name).append(1, '\x1f').append(version);
    return sha256Prefix(bytes);
}

std::string_view utf8Prefix(std::string_view text, size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return text;
    size_t end = maxBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end);
}

} // namespace spanlight
