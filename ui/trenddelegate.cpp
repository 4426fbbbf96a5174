#include "trenddelegate.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace spanlight {

TrendDelegate::TrendDelegate(int valuesRole, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_role(valuesRole)
{
}

void TrendDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    // Background and selection as the style draws them, without the text.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QVariantList values = index.data(m_role).toList();
    if (values.size() < 2)
        return;
    double top = 0;
    for (const QVariant& v : values)
        top = std::max(top, v.toDouble());
    const QRectF area = QRectF(option.rect).adjusted(4, 4, -4, -4);
    if (area.width() < 4 || area.height() < 4)
        return;
    QPainterPath line;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const double x = area.left() + area.width() * double(i) / double(values.size() - 1);
        const double y = area.bottom() - (top > 0 ? area.height() * values[i].toDouble() / top : 0.0);
        if (i == 0)
            line.moveTo(x, y);
        else
            line.lineTo(x, y);
    }
    const bool selected = option.state & QStyle::State_Selected;
    // Palette roles, so the line reads in light and dark palettes and on a selected row.
    const QColor color = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Link);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QColor fill = color;
    fill.setAlpha(50);
    QPainterPath under = line;
    under.lineTo(area.right(), area.bottom());
    under.lineTo(area.left(), area.bottom());
    under.closeSubpath();
    painter->fillPath(under, fill);
    painter->setPen(QPen(color, 1.5));
    painter->drawPath(line);
    painter->restore();
}

QSize TrendDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const QSize base = QStyledItemDelegate::sizeHint(option, index);
    return { std::max(base.width(), 96), base.height() };
}

} // namespace spanlight
