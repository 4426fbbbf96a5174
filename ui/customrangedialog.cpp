#include "customrangedialog.h"

#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPushButton>

namespace spanlight {

CustomRangeDialog::CustomRangeDialog(const QDateTime& from, const QDateTime& to, QWidget* parent)
    : QDialog(parent)
    , m_from(new QDateTimeEdit(from, this))
    , m_to(new QDateTimeEdit(to, this))
{
    setWindowTitle(tr("Custom time range"));
    auto* form = new QFormLayout(this);
    for (QDateTimeEdit* edit : { m_from, m_to }) {
        edit->setCalendarPopup(true);
        // Queries work on whole minutes (docs/queries.md): seconds would only mislead.
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    }
    form->addRow(tr("&From:"), m_from);
    form->addRow(tr("&To:"), m_to);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto check
        = [this, buttons] { buttons->button(QDialogButtonBox::Ok)->setEnabled(m_from->dateTime() < m_to->dateTime()); };
    connect(m_from, &QDateTimeEdit::dateTimeChanged, this, check);
    connect(m_to, &QDateTimeEdit::dateTimeChanged, this, check);
    check();
}

QDateTime CustomRangeDialog::from() const
{
    return m_from->dateTime();
}

QDateTime CustomRangeDialog::to() const
{
    return m_to->dateTime();
}

} // namespace spanlight
