#pragma once

#include <QStyledItemDelegate>

namespace spanlight {

/// Draws a value as a bar scaled to a maximum, with its text beside it. Signed
/// bars grow right (over-represented) or left (under-represented) from the
/// cell's middle; positive bars start after the text. Reads both numbers from
/// roles, so it works for any model (heaptrack's CostDelegate).
class DifferenceBarDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    enum class Mode { Positive, Signed };

    /// \a valueRole holds the value, \a maxRole the largest magnitude shown in the column.
    DifferenceBarDelegate(int valueRole, int maxRole, Mode mode, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_valueRole;
    int m_maxRole;
    Mode m_mode;
};

} // namespace spanlight
