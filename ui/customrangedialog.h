#pragma once

#include <QDateTime>
#include <QDialog>

class QDateTimeEdit;

namespace spanlight {

/// "Custom…" in the range picker: from and to, each with a calendar.
class CustomRangeDialog : public QDialog
{
    Q_OBJECT
public:
    CustomRangeDialog(const QDateTime& from, const QDateTime& to, QWidget* parent = nullptr);

    QDateTime from() const;
    QDateTime to() const;

private:
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
};

} // namespace spanlight
