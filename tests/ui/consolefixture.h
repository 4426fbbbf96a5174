#pragma once

// A console over a real generated database, for view tests: spanlight-gendb's
// generator writes a small multi-tenant GenAI history through the real ingest
// path, a QueryRunner reads it, and a ConsoleContext hands both to a view.

#include "consolecontext.h"
#include "gendbrun.h"
#include "queryrunner.h"

#include <QTemporaryDir>
#include <memory>

namespace spanlight::test {

class ConsoleFixture
{
public:
    /// Generates \a spans spans over the last \a days days ending at the
    /// current minute (so the console's live ranges see them). Check ok().
    explicit ConsoleFixture(int64_t spans = 20000, int days = 2);
    ~ConsoleFixture();

    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }
    const gendb::GenDbSummary& summary() const { return m_summary; }
    QString databasePath() const;
    QueryRunner& runner() { return *m_runner; }
    ConsoleContext& context() { return *m_context; }

private:
    QTemporaryDir m_dir;
    gendb::GenDbSummary m_summary;
    std::unique_ptr<QueryRunner> m_runner;
    std::unique_ptr<ConsoleContext> m_context;
    std::string m_error;
};

/// Saves a widget's picture as <build>/screenshots/<name>.png (SPANLIGHT_SCREENSHOT_DIR).
bool saveScreenshot(QWidget* widget, const QString& name);

} // namespace spanlight::test
