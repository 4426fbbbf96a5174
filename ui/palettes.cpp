#include "palettes.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>
#include <algorithm>

namespace spanlight {

namespace {

Theme g_current = Theme::Light;

QPalette lightPalette()
{
    QPalette p;
    const QColor window(0xf4, 0xf5, 0xf7), base(0xff, 0xff, 0xff), text(0x1f, 0x23, 0x28);
    const QColor mid(0xb8, 0xbe, 0xc6), highlight(0x1f, 0x6f, 0xd1);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf2, 0xf5));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe8));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x87, 0x90));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xe9, 0xec, 0xf0));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xc6, 0x28, 0x28));
    p.setColor(QPalette::Light, base);
    p.setColor(QPalette::Midlight, QColor(0xdd, 0xe1, 0xe6));
    p.setColor(QPalette::Mid, mid);
    // Captions use palette(dark): dark enough to read on the window colour (contrast > 4.5).
    p.setColor(QPalette::Dark, QColor(0x5f, 0x66, 0x6f));
    p.setColor(QPalette::Shadow, QColor(0x40, 0x44, 0x4a));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, highlight);
    p.setColor(QPalette::LinkVisited, QColor(0x6a, 0x3d, 0xb8));
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, QColor(0x9a, 0xa0, 0xa8));
    return p;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x1e, 0x20, 0x24), base(0x16, 0x18, 0x1b), text(0xe6, 0xe8, 0xeb);
    const QColor highlight(0x3d, 0x8b, 0xf0);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x22, 0x25, 0x2a));
    p.setColor(QPalette::ToolTipBase, QColor(0x2b, 0x2e, 0x33));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x7d, 0x84, 0x8c));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2b, 0x2e, 0x33));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x3a, 0x3e, 0x44));
    p.setColor(QPalette::Midlight, QColor(0x32, 0x35, 0x3b));
    p.setColor(QPalette::Mid, QColor(0x4a, 0x4f, 0x56));
    // In the dark palette "dark" is the caption colour too, so it must be light enough to read.
    p.setColor(QPalette::Dark, QColor(0xa0, 0xa7, 0xb0));
    p.setColor(QPalette::Shadow, QColor(0x0a, 0x0b, 0x0c));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xaa, 0xf5));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x92, 0xf0));
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, QColor(0x6b, 0x71, 0x78));
    return p;
}

} // namespace

QPalette themePalette(Theme theme)
{
    return theme == Theme::Dark ? darkPalette() : lightPalette();
}

void applyTheme(Theme theme)
{
    g_current = theme;
    if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    // After setStyle: setting a style resets the palette to the style's standard one.
    QApplication::setPalette(themePalette(theme));
}

Theme currentTheme()
{
    return g_current;
}

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor themeAccent(const QPalette& palette)
{
    return isDark(palette) ? QColor(0x5c, 0xa8, 0xff) : QColor(0x1f, 0x6f, 0xd1);
}

QColor themeWarning(const QPalette& palette)
{
    return isDark(palette) ? QColor(0xf0, 0xb4, 0x29) : QColor(0xa8, 0x5f, 0x00);
}

QColor themeError(const QPalette& palette)
{
    return isDark(palette) ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
}

QColor opaqueBlend(const QColor& top, double opacity, const QColor& bottom)
{
    const double a = std::clamp(opacity, 0.0, 1.0);
    const auto mix = [a](double t, double b) { return a * t + (1 - a) * b; };
    return QColor::fromRgbF(static_cast<float>(mix(top.redF(), bottom.redF())),
        static_cast<float>(mix(top.greenF(), bottom.greenF())), static_cast<float>(mix(top.blueF(), bottom.blueF())));
}

QString themeName(Theme theme)
{
    return theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light");
}

Theme themeFromName(const QString& name)
{
    return name == QLatin1String("dark") ? Theme::Dark : Theme::Light;
}

} // namespace spanlight
