#include "rbacpolicy.h"

#include <array>

namespace spanlight {

namespace {

// clang-format off
const std::vector<ActionTraits> kActions = {
    //  action                        name                   label                       destructive typeToConfirm controlPlane
    { Action::ReadTelemetry,       "telemetry.read",     "Read telemetry",            false, false, false },
    { Action::ReadAudit,           "audit.read",         "Read the audit log",        false, false, false },
    { Action::VerifyAudit,         "audit.verify",       "Verify the audit log",      false, false, false },
    { Action::PauseTenant,         "tenant.pause",       "Pause tenant",              true,  true,  true  },
    { Action::ResumeTenant,        "tenant.resume",      "Resume tenant",             false, false, true  },
    { Action::PurgeTenantCaches,   "tenant.purge_caches","Purge tenant caches",       true,  true,  true  },
    { Action::RotateTenantApiKey,  "tenant.rotate_api_key","Rotate tenant API key",   true,  true,  true  },
    { Action::RequestTenantPurge,  "tenant.purge_data.request", "Request telemetry purge", true, true, false },
    { Action::ApproveTenantPurge,  "tenant.purge_data.approve", "Approve telemetry purge", true, false, false },
    { Action::PurgeTenantData,     "tenant.purge_data",  "Purge tenant telemetry",    true,  true,  false },
    { Action::CreateIngestKey,     "key.create",         "Create ingest key",         false, false, false },
    { Action::RotateIngestKey,     "key.rotate",         "Rotate ingest key",         true,  false, false },
    { Action::RevokeIngestKey,     "key.revoke",         "Revoke ingest key",         true,  false, false },
    { Action::ManageUsers,         "users.manage",       "Manage users",              true,  false, false },
};

constexpr unsigned bit(Role role) { return 1u << static_cast<unsigned>(role); }
constexpr unsigned kViewer = bit(Role::Viewer);
constexpr unsigned kOperator = bit(Role::Operator);
constexpr unsigned kAdmin = bit(Role::Admin);
constexpr unsigned kAuditor = bit(Role::Auditor);

/// Role × action. Admins may do everything; the rest is spelled out.
struct PolicyRow { Action action; unsigned roles; };
constexpr std::array kPolicy = {
    PolicyRow { Action::ReadTelemetry,      kViewer | kOperator | kAdmin | kAuditor },
    PolicyRow { Action::ReadAudit,          kAdmin | kAuditor },
    PolicyRow { Action::VerifyAudit,        kAdmin | kAuditor },
    PolicyRow { Action::PauseTenant,        kOperator | kAdmin },
    PolicyRow { Action::ResumeTenant,       kOperator | kAdmin },
    PolicyRow { Action::PurgeTenantCaches,  kOperator | kAdmin },
    PolicyRow { Action::RotateTenantApiKey, kAdmin },
    PolicyRow { Action::RequestTenantPurge, kAdmin },
    PolicyRow { Action::ApproveTenantPurge, kAdmin },
    PolicyRow { Action::PurgeTenantData,    kAdmin },
    PolicyRow { Action::CreateIngestKey,    kAdmin },
    PolicyRow { Action::RotateIngestKey,    kAdmin },
    PolicyRow { Action::RevokeIngestKey,    kAdmin },
    PolicyRow { Action::ManageUsers,        kAdmin },
};
// clang-format on

} // namespace

const ActionTraits& traitsOf(Action action)
{
    for (const ActionTraits& traits : kActions)
        if (traits.action == action)
            return traits;
    return kActions.front(); // unreachable: every enumerator has a row (tested)
}

const std::vector<ActionTraits>& allActions()
{
    return kActions;
}

std::optional<Action> actionFromName(const QString& name)
{
    for (const ActionTraits& traits : kActions)
        if (QLatin1String(traits.name) == name)
            return traits.action;
    return std::nullopt;
}

bool isAllowed(Role role, Action action)
{
    for (const PolicyRow& row : kPolicy)
        if (row.action == action)
            return (row.roles & bit(role)) != 0;
    return false; // an action without a policy row is denied to everyone
}

} // namespace spanlight
