#include "statictextdelegate.h"

#include <QApplication>
#include <QPainter>

namespace spanlight {

const QStaticText& StaticTextDelegate::laidOut(const QString& text, const QFont& font) const
{
    if (font != m_font) {
        m_cache.clear();
        m_font = font;
    }
    auto it = m_cache.find(text);
    if (it == m_cache.end()) {
        if (m_cache.size() >= kCacheSize)
            m_cache.clear(); // simpler than LRU, and a refill costs what one uncached paint did
        QStaticText laid(text);
        laid.setTextFormat(Qt::PlainText);
        laid.setPerformanceHint(QStaticText::AggressiveCaching);
        laid.prepare(QTransform(), font);
        it = m_cache.insert(text, laid);
    }
    return *it;
}

void StaticTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    // Background, selection and hover as the style draws them; the text is ours.
    const QString text = opt.text;
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    if (text.isEmpty())
        return;

    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    const QRect box = opt.rect.adjusted(margin, 0, -margin, 0);
    const QString* shown = &text;
    QString elided;
    if (laidOut(text, opt.font).size().width() > box.width()) {
        elided = opt.fontMetrics.elidedText(text, opt.textElideMode, box.width());
        shown = &elided;
    }
    const QStaticText& laid = laidOut(*shown, opt.font);
    const QSizeF size = laid.size();
    const qreal x = opt.displayAlignment & Qt::AlignRight ? box.right() + 1 - size.width()
        : opt.displayAlignment & Qt::AlignHCenter         ? box.left() + (box.width() - size.width()) / 2
                                                          : box.left();
    const qreal y = box.top() + (box.height() - size.height()) / 2;
    const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
        : opt.state & QStyle::State_Active                                  ? QPalette::Normal
                                                                            : QPalette::Inactive;
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(
        opt.palette.color(group, opt.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->setClipRect(box);
    painter->drawStaticText(QPointF(x, y), laid);
    painter->restore();
}

} // namespace spanlight
