#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace spanlight {

/// The console's own light and dark palettes: Qt 6.4 cannot read the desktop's
/// colour scheme (QStyleHints::colorScheme arrived in 6.5), so the user picks
/// one in the View menu and MainWindow remembers it.
enum class Theme { Light, Dark };

QPalette themePalette(Theme theme);
/// Sets the Fusion style (the one style that honours every palette role on
/// every platform) and the palette on the whole application.
void applyTheme(Theme theme);
Theme currentTheme();

/// True when \a palette paints light text on a dark window: custom-painted
/// widgets and charts pick their colours from this, not from a global.
bool isDark(const QPalette& palette);

/// Status colours that read well on both palettes, for tiles, sparklines and
/// warnings. Views read them from the widget's palette, so a theme switch is a
/// repaint, not a rebuild.
QColor themeAccent(const QPalette& palette); ///< series lines, selection
QColor themeWarning(const QPalette& palette); ///< unpriced models, partial data
QColor themeError(const QPalette& palette); ///< errors, failed commits

/// \a top at \a opacity over \a bottom, as one opaque colour. Live widgets
/// draw grid lines with it: Qt's raster engine hands a translucent line of
/// many pixel rows to worker threads and waits for them (a stall when the
/// cores are busy), while an opaque one is a plain fill.
QColor opaqueBlend(const QColor& top, double opacity, const QColor& bottom);

QString themeName(Theme theme); ///< "light" / "dark", as stored in QSettings
Theme themeFromName(const QString& name);

} // namespace spanlight
