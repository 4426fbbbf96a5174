#pragma once

#include <QFont>
#include <QHash>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace spanlight {

/// Draws a cell's display text (with its alignment, foreground and the
/// view's selection and alternate-row backgrounds) from a cache of laid-out
/// QStaticText, for tables that repaint many rows several times a second.
/// The style's own item painting lays out and elides every cell's text on
/// every paint, which is most of a live table's UI-thread time; here a text
/// is shaped once while it stays in the cache. Reads roles only.
class StaticTextDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    /// Texts kept laid out (a live table's distinct visible texts, many times over).
    static constexpr qsizetype kCacheSize = 4096;

private:
    const QStaticText& laidOut(const QString& text, const QFont& font) const;

    mutable QHash<QString, QStaticText> m_cache;
    mutable QFont m_font;
};

} // namespace spanlight
