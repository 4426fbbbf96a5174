#include "spanformat.h"

#include "palettes.h"

#include <QDateTime>
#include <QLocale>
#include <QPalette>
#include <cctype>
#include <cmath>

namespace spanlight {

QString formatDuration(int64_t ns)
{
    const double v = static_cast<double>(ns);
    if (ns < 1000)
        return QStringLiteral("%1 ns").arg(ns);
    if (ns < 1'000'000)
        return QStringLiteral("%1 µs").arg(v / 1e3, 0, 'f', v < 1e4 ? 2 : 1);
    if (ns < 1'000'000'000)
        return QStringLiteral("%1 ms").arg(v / 1e6, 0, 'f', v < 1e7 ? 2 : 1);
    if (ns < 60'000'000'000)
        return QStringLiteral("%1 s").arg(v / 1e9, 0, 'f', 2);
    const int64_t seconds = ns / 1'000'000'000;
    return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
}

QString formatOffset(int64_t ns, int64_t stepNs)
{
    // Pick the unit from the step, and as many decimals as the step has.
    struct Unit
    {
        int64_t size;
        const char16_t* name;
    };
    static constexpr Unit kUnits[] = { { 1'000'000'000, u"s" }, { 1'000'000, u"ms" }, { 1'000, u"µs" }, { 1, u"ns" } };
    for (const Unit& u : kUnits) {
        if (stepNs >= u.size || u.size == 1) {
            int decimals = 0;
            for (int64_t s = stepNs; s % u.size != 0 && decimals < 3; s *= 10)
                ++decimals;
            return QStringLiteral("%1 %2")
                .arg(static_cast<double>(ns) / static_cast<double>(u.size), 0, 'f', decimals)
                .arg(QString::fromUtf16(u.name));
        }
    }
    return QString::number(ns);
}

QString formatStart(int64_t ns, bool withDate)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ns / 1'000'000);
    return t.toString(withDate ? QStringLiteral("MM-dd HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss.zzz"));
}

QString hexId(const TraceId& id)
{
    return QString::fromLatin1(
        QByteArray::fromRawData(reinterpret_cast<const char*>(id.data()), static_cast<int>(id.size())).toHex());
}

QString hexId(const SpanId& id)
{
    return QString::fromLatin1(
        QByteArray::fromRawData(reinterpret_cast<const char*>(id.data()), static_cast<int>(id.size())).toHex());
}

bool parseTraceId(const QString& hex, TraceId* out)
{
    if (hex.size() != 32)
        return false;
    for (QChar c : hex)
        if (!std::isxdigit(c.toLatin1()))
            return false;
    const QByteArray bytes = QByteArray::fromHex(hex.toLatin1());
    std::copy(bytes.begin(), bytes.end(), out->begin());
    return true;
}

QString fromUtf8(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString countOf(int64_t n, const QString& one, const QString& many)
{
    return QLocale().toString(qlonglong(n)) + QLatin1Char(' ') + (n == 1 ? one : many);
}

QColor serviceColor(const QString& service, const QPalette& palette)
{
    // A fixed hash (qHash is seeded per process): a service keeps its colour between runs.
    uint32_t h = 2166136261u;
    for (QChar c : service)
        h = (h ^ c.unicode()) * 16777619u;
    const bool dark = isDark(palette);
    // Hues near red are left out: red marks errors.
    return QColor::fromHsl(25 + static_cast<int>(h % 300), dark ? 110 : 150, dark ? 150 : 120);
}

} // namespace spanlight
