#pragma once

// A ControlStore on a fresh control.db in a temporary directory, with raw SQL
// access on the store's own writer connection and record factories.

#include "auditchainfixture.h"
#include "controlstore.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <sqlite3.h>

namespace spanlight::test {

inline constexpr int64_t kNow = 1'790'000'000'000;
inline constexpr int64_t kThirtyMinutes = 30 * 60 * 1000;

struct ControlStoreFixture : ::testing::Test
{
    QTemporaryDir dir;
    QByteArray key = fixedAuditKey('k');
    ControlStore store;

    QString path() const { return dir.filePath(QStringLiteral("control.db")); }

    void SetUp() override
    {
        std::string error;
        ASSERT_TRUE(store.open({ path(), key, {} }, &error)) << error;
    }

    /// One value of a single-value query, run on the store's own connection.
    std::string scalar(const std::string& sql)
    {
        std::string value;
        std::string error;
        EXPECT_TRUE(store.runOnWriter(
            [&](sqlite3* db, std::string* problem) {
                Statement statement(db, sql);
                if (!statement.valid() || sqlite3_step(statement.get()) != SQLITE_ROW) {
                    *problem = sqlite3_errmsg(db);
                    return false;
                }
                value = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
                return true;
            },
            &error))
            << error;
        return value;
    }

    bool exec(const std::string& sql)
    {
        std::string error;
        return store.runOnWriter(
            [&](sqlite3* db, std::string* problem) {
                char* message = nullptr;
                const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK;
                if (message)
                    *problem = message;
                sqlite3_free(message);
                return ok;
            },
            &error);
    }

    UserRecord user(const char* name, Role role)
    {
        UserRecord u;
        u.name = QString::fromUtf8(name);
        u.role = role;
        u.passwordHash = QStringLiteral("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
        u.createdMs = kNow;
        return u;
    }

    IngestKeyRecord ingestKey(const char* tenant, const char* secret)
    {
        IngestKeyRecord k;
        k.tenant = QString::fromUtf8(tenant);
        k.prefix = QStringLiteral("spl_") + QString::fromUtf8(secret).left(4);
        k.last4 = QString::fromUtf8(secret).right(4);
        k.secretHash = QCryptographicHash::hash(QByteArray(secret), QCryptographicHash::Sha256);
        k.createdMs = kNow;
        k.createdBy = QStringLiteral("alice");
        return k;
    }

    ApprovalRecord purgeRequest(const char* by)
    {
        ApprovalRecord a;
        a.action = QStringLiteral("tenant.purge_data");
        a.target = QStringLiteral("acme");
        a.params = QStringLiteral(R"({"tables":"all"})");
        a.requestedBy = QString::fromUtf8(by);
        a.reason = QStringLiteral("customer asked for deletion");
        a.ticket = QStringLiteral("GDPR-12");
        a.requestedMs = kNow;
        a.expiresMs = kNow + kThirtyMinutes;
        return a;
    }

    size_t auditCount()
    {
        AuditFilter all;
        all.limit = 0;
        return store.auditEntries(all).size();
    }
};

} // namespace spanlight::test
