#pragma once

#include <QStyledItemDelegate>

namespace spanlight {

/// Paints a small line (a sparkline) from a list of numbers held in one role
/// of any model (heaptrack's CostDelegate: roles only, never the model class).
class TrendDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    /// \a valuesRole holds a QVariantList of numbers, oldest first.
    explicit TrendDelegate(int valuesRole, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_role;
};

} // namespace spanlight
