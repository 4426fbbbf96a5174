#include "consolefixture.h"

#include <QDateTime>
#include <QDir>
#include <QWidget>

namespace spanlight::test {

ConsoleFixture::ConsoleFixture(int64_t spans, int days)
{
    gendb::GenDbOptions options;
    options.outDir = m_dir.path().toStdString();
    options.spans = spans;
    options.days = days;
    options.endNs = (QDateTime::currentSecsSinceEpoch() / 60 + 1) * 60 * int64_t(1'000'000'000);
    options.quiet = true;
    m_summary = gendb::runGenDb(options);
    if (!m_summary.ok) {
        m_error = "generating the test database failed: " + m_summary.error;
        return;
    }
    m_runner = std::make_unique<QueryRunner>(QueryRunner::Options { databasePath(), 2 });
    if (!m_runner->start(&m_error))
        return;
    // No collector runs here: the snapshot only says what the database holds.
    const int64_t stored = m_summary.spans;
    m_context = std::make_unique<ConsoleContext>(m_runner.get(), [stored] {
        IngestSnapshot snapshot;
        snapshot.writer.spansStored = stored;
        return snapshot;
    });
}

ConsoleFixture::~ConsoleFixture()
{
    m_context.reset();
    if (m_runner)
        m_runner->stop();
}

QString ConsoleFixture::databasePath() const
{
    return m_dir.path() + QStringLiteral("/telemetry.db");
}

bool saveScreenshot(QWidget* widget, const QString& name)
{
    const QString dir = QStringLiteral(SPANLIGHT_SCREENSHOT_DIR);
    QDir().mkpath(dir);
    return widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

} // namespace spanlight::test
