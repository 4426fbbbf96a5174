// The Audit page of the real window over a real control.db: an auditor lists
// entries, narrows them with each filter, verifies the chain, exports CSV; an
// entry edited behind the store's back is reported at its seq.

#include "auditmodel.h"
#include "auditview.h"
#include "controlconsole.h"
#include "controlruntime.h"
#include "controlstore.h"
#include "mainwindow.h"
#include "tablecsv.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace spanlight;
using namespace spanlight::test;

namespace {

constexpr int kTimeoutMs = 20000;

struct AuditPage : ::testing::Test
{
    void SetUp() override
    {
        QSettings().clear();
        ASSERT_TRUE(sharedTelemetry().ok()) << sharedTelemetry().error();
        console = std::make_unique<ControlConsole>();
        ASSERT_TRUE(console->ok()) << console->error().toStdString();
        // Some history: a key created by ada, a pause refused to vera.
        perform(QStringLiteral("ada"), Action::CreateIngestKey, QStringLiteral("acme"));
        perform(QStringLiteral("vera"), Action::PauseTenant, QStringLiteral("acme"));
        window = console->openWindow(console->signIn(QStringLiteral("aude")));
        ASSERT_TRUE(window);
        tester = std::make_unique<QAbstractItemModelTester>(
            audit()->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy applied(audit(), &AuditView::entriesApplied);
        QTest::keyClick(window.get(), Qt::Key_8, Qt::ControlModifier);
        ASSERT_EQ(window->currentPage(), MainWindow::Page::Audit);
        ASSERT_TRUE(applied.wait(kTimeoutMs));
    }
    void TearDown() override
    {
        tester.reset();
        window.reset();
        console.reset();
        QSettings().clear();
    }
    void perform(const QString& user, Action action, const QString& target)
    {
        ActionRequest request;
        request.action = action;
        request.target = target;
        request.confirmation = target;
        request.reason = QStringLiteral("history for the audit page");
        console->control().actions().perform(console->signIn(user), request);
    }
    AuditView* audit() const { return window->auditPage(); }
    /// Changes a filter and waits for the list it asks for.
    template <typename Change> void refilter(Change change)
    {
        QSignalSpy applied(audit(), &AuditView::entriesApplied);
        change();
        ASSERT_TRUE(applied.wait(kTimeoutMs));
    }
    std::vector<AuditEntry> shown() const
    {
        std::vector<AuditEntry> entries;
        for (int r = 0; r < audit()->model()->rowCount(); ++r)
            entries.push_back(*audit()->model()->entryAt(r));
        return entries;
    }

    std::unique_ptr<ControlConsole> console;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

TEST_F(AuditPage, AuditorListsFiltersVerifiesAndExports)
{
    ASSERT_TRUE(audit()->showsLog());
    const std::vector<AuditEntry> all = console->control().store().auditEntries(AuditFilter {});
    ASSERT_GE(all.size(), 10u); // users added, sign-ins, the key's intent and outcome, the denial
    ASSERT_EQ(audit()->model()->rowCount(), int(all.size()));
    EXPECT_EQ(audit()->model()->entryAt(0)->seq, all.front().seq) << "newest first";
    QCoreApplication::processEvents();
    EXPECT_TRUE(saveScreenshot(window.get(), QStringLiteral("audit")));

    refilter([&] { audit()->outcomeFilter()->setCurrentText(QStringLiteral("denied")); });
    ASSERT_EQ(shown().size(), 1u);
    EXPECT_EQ(shown().front().actor, QStringLiteral("vera"));
    EXPECT_EQ(shown().front().action, QStringLiteral("tenant.pause"));

    refilter([&] { audit()->outcomeFilter()->setCurrentIndex(0); });
    refilter([&] { QTest::keyClicks(audit()->actorFilter(), QStringLiteral("ada")); });
    ASSERT_FALSE(shown().empty());
    for (const AuditEntry& e : shown())
        EXPECT_EQ(e.actor, QStringLiteral("ada"));

    refilter([&] { audit()->actionFilter()->setCurrentText(QStringLiteral("key.")); });
    ASSERT_EQ(shown().size(), 2u) << "the key's intent and outcome";
    EXPECT_EQ(outcomeText(shown()[1]), QStringLiteral("intent"));
    EXPECT_EQ(shown()[0].outcome, QStringLiteral("success"));
    EXPECT_EQ(shown()[0].intentSeq, shown()[1].seq);

    // Two hours on, nothing happened in the last hour.
    console->advanceClock(2 * 3600 * 1000);
    refilter([&] {
        audit()->periodFilter()->setCurrentIndex(audit()->periodFilter()->findText(QStringLiteral("last hour")));
    });
    EXPECT_TRUE(shown().empty());
    refilter([&] {
        audit()->periodFilter()->setCurrentIndex(audit()->periodFilter()->findText(QStringLiteral("last 24 hours")));
    });
    EXPECT_EQ(shown().size(), 2u);

    QSignalSpy verified(audit(), &AuditView::verified);
    audit()->verify();
    ASSERT_TRUE(verified.wait(kTimeoutMs));
    EXPECT_TRUE(verified.takeFirst().at(0).value<AuditVerification>().ok);
    EXPECT_TRUE(audit()->verdict().startsWith(QStringLiteral("OK"))) << audit()->verdict().toStdString();

    const QString path = console->directory() + QStringLiteral("/audit.csv");
    QString error;
    ASSERT_TRUE(audit()->exportCsv(path, &error)) << error.toStdString();
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QList<QStringList> records = parseCsv(file.readAll());
    ASSERT_EQ(records.size(), 3); // header + the two key entries shown
    EXPECT_EQ(records[0].front(), QStringLiteral("Seq"));
    EXPECT_EQ(records[1].front(), QString::number(shown()[0].seq));
    EXPECT_TRUE(records[1].contains(QStringLiteral("key.create")));
}

TEST_F(AuditPage, EditedEntryIsReportedAtItsSeq)
{
    // Someone with the file and sqlite3 rewrites history: drops the guard trigger, edits entry 3.
    std::string error;
    ASSERT_TRUE(console->control().store().runOnWriter(
        [](sqlite3* db, std::string* why) {
            char* message = nullptr;
            const int rc = sqlite3_exec(db,
                "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3",
                nullptr, nullptr, &message);
            if (message) {
                *why = message;
                sqlite3_free(message);
            }
            return rc == SQLITE_OK;
        },
        &error))
        << error;
    QSignalSpy verified(audit(), &AuditView::verified);
    audit()->verify();
    ASSERT_TRUE(verified.wait(kTimeoutMs));
    const auto verdict = verified.takeFirst().at(0).value<AuditVerification>();
    EXPECT_FALSE(verdict.ok);
    EXPECT_EQ(verdict.firstBadSeq, 3);
    EXPECT_TRUE(audit()->verdict().startsWith(QStringLiteral("Broken at seq 3"))) << audit()->verdict().toStdString();
}

} // namespace
