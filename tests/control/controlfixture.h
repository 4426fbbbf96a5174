#pragma once

// A real control.db in a temporary directory behind a real ControlRuntime, a
// clock the test moves, and the demo's control-plane receiver on 127.0.0.1 as
// the platform (it verifies the HMAC signature like a real platform would).

#include "appconfig.h"
#include "controlruntime.h"
#include "controlstore.h"
#include "democontrolplane.h"
#include "demotenantgate.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <memory>

namespace spanlight::test {

class ControlFixture : public ::testing::Test
{
protected:
    void SetUp() override;
    void TearDown() override;

    /// Opens the runtime (again) with the fixture's config; \a withPlatform: the
    /// control plane points at the demo receiver.
    void openRuntime(bool withPlatform = true, TelemetryWriter* telemetry = nullptr);
    /// A user with \a role written straight into control.db (cheapest Argon2id cost).
    void addUser(const QString& name, Role role, const QByteArray& password = "correct horse battery");
    /// Signs \a name in through AuthService (as the console does).
    Session signIn(const QString& name, const QByteArray& password = "correct horse battery");
    /// Every audit entry, oldest first.
    std::vector<AuditEntry> audit();
    QByteArray fileBytes(const QString& path) const;

    QTemporaryDir dir;
    AppConfig config;
    int64_t nowMs = 1'780'000'000'000; ///< 2026-05-28, moved by tests
    std::shared_ptr<DemoTenantGate> gate = std::make_shared<DemoTenantGate>();
    std::unique_ptr<DemoControlPlane> platform;
    std::unique_ptr<ControlRuntime> runtime;
};

} // namespace spanlight::test
