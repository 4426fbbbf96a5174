#include "differencebardelegate.h"

#include <QApplication>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace spanlight {

DifferenceBarDelegate::DifferenceBarDelegate(int valueRole, int maxRole, Mode mode, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_valueRole(valueRole)
    , m_maxRole(maxRole)
    , m_mode(mode)
{
}

void DifferenceBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    bool okValue = false, okMax = false;
    const double value = index.data(m_valueRole).toDouble(&okValue);
    const double max = index.data(m_maxRole).toDouble(&okMax);
    // Background, selection and focus as the style draws them, then the text over the bar.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    if (!okValue || !okMax || max <= 0) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const QRectF area = QRectF(opt.rect).adjusted(4, 4, -4, -4);
    const double textWidth = opt.fontMetrics.horizontalAdvance(QStringLiteral("+100.0 pp")) + 8;
    const double fraction = std::clamp(std::abs(value) / max, 0.0, 1.0);
    // Positive: text, then the bar. Signed: the zero line in the middle, the
    // text on the side away from the bar so the two never overlap.
    const double zero = m_mode == Mode::Positive ? area.left() + textWidth : area.center().x();
    const double room = m_mode == Mode::Positive ? area.right() - zero : area.width() / 2;
    const double length = fraction * std::max(0.0, room);
    const QRectF bar = value >= 0 ? QRectF(zero, area.top(), length, area.height())
                                  : QRectF(zero - length, area.top(), length, area.height());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->fillRect(bar, value >= 0 ? QColor(214, 96, 77, 190) : QColor(67, 147, 195, 190));
    painter->setPen(QPen(opt.palette.color(QPalette::Mid), 1));
    painter->drawLine(QPointF(zero, opt.rect.top() + 2), QPointF(zero, opt.rect.bottom() - 2));
    painter->setPen(opt.palette.color(opt.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    const bool textRight = m_mode == Mode::Signed && value < 0;
    painter->drawText(area, (textRight ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, text);
    painter->restore();
}

} // namespace spanlight
