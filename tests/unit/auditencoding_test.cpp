// The audit hash's canonical encoding: every field, and every boundary between
// fields, is part of what an entry's hash covers.

#include "auditchainfixture.h"

#include <functional>
#include <gtest/gtest.h>
#include <vector>

using namespace spanlight;

TEST(AuditEncoding, EveryFieldAndBoundaryChangesTheHash)
{
    AuditHasher hasher;
    AuditEntry base = test::sampleAuditEntry(8);
    base.seq = 8;
    const QByteArray prev(32, 'p');
    const QByteArray reference = hasher.hash(base, prev);
    EXPECT_EQ(reference.size(), 32);
    EXPECT_EQ(hasher.hash(base, prev), reference) << "deterministic";
    EXPECT_NE(hasher.hash(base, QByteArray(32, 'q')), reference);

    std::vector<std::function<void(AuditEntry&)>> edits = {
        [](AuditEntry& e) { e.seq++; },
        [](AuditEntry& e) { e.timeMs++; },
        [](AuditEntry& e) { e.phase = AuditEntry::Phase::Intent; },
        [](AuditEntry& e) { e.intentSeq++; },
        [](AuditEntry& e) { e.actor += QLatin1Char('x'); },
        [](AuditEntry& e) { e.role += QLatin1Char('x'); },
        [](AuditEntry& e) { e.authMethod += QLatin1Char('x'); },
        [](AuditEntry& e) { e.stepUpMs++; },
        [](AuditEntry& e) { e.approver += QLatin1Char('x'); },
        [](AuditEntry& e) { e.action += QLatin1Char('x'); },
        [](AuditEntry& e) { e.target += QLatin1Char('x'); },
        [](AuditEntry& e) { e.reason += QLatin1Char('x'); },
        [](AuditEntry& e) { e.ticket += QLatin1Char('x'); },
        [](AuditEntry& e) { e.before += QLatin1Char('x'); },
        [](AuditEntry& e) { e.after += QLatin1Char('x'); },
        [](AuditEntry& e) { e.outcome += QLatin1Char('x'); },
        [](AuditEntry& e) { e.error += QLatin1Char('x'); },
        [](AuditEntry& e) { e.host += QLatin1Char('x'); },
        [](AuditEntry& e) { e.appVersion += QLatin1Char('x'); },
        // Length prefixes: moving a character across a field boundary is a change too.
        [](AuditEntry& e) {
            e.actor = QStringLiteral("ab");
            e.role = QStringLiteral("c");
        },
    };
    base.actor = QStringLiteral("a");
    base.role = QStringLiteral("bc");
    const QByteArray split = hasher.hash(base, prev);
    for (size_t i = 0; i < edits.size(); ++i) {
        AuditEntry edited = base;
        edits[i](edited);
        EXPECT_NE(hasher.hash(edited, prev), split) << "edit " << i;
    }
}
