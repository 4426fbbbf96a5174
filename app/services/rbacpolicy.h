#pragma once

#include "controlrecords.h"

#include <QString>
#include <optional>
#include <vector>

namespace spanlight {

/// Everything a signed-in person can do that the policy decides on.
enum class Action {
    ReadTelemetry,
    ReadAudit,
    VerifyAudit,
    PauseTenant,
    ResumeTenant,
    PurgeTenantCaches,
    RotateTenantApiKey,
    RequestTenantPurge, ///< asks a second admin to approve purging a tenant's telemetry
    ApproveTenantPurge,
    PurgeTenantData, ///< runs an approved purge
    CreateIngestKey,
    RotateIngestKey,
    RevokeIngestKey,
    ManageUsers,
};

/// How an action is carried out and guarded; one row per action.
struct ActionTraits
{
    Action action;
    const char* name; ///< audit and CLI name, e.g. "tenant.pause"
    const char* label; ///< for people, e.g. "Pause tenant"
    bool destructive; ///< step-up re-authentication when the last one is older than 5 minutes
    bool typeToConfirm; ///< the user types the target's name (tenant) to confirm
    bool controlPlane; ///< carried out by the platform through the signed webhook
};

const ActionTraits& traitsOf(Action action);
const std::vector<ActionTraits>& allActions();
std::optional<Action> actionFromName(const QString& name);

/// THE policy (DESIGN.md rule 8): which role may do what. The action service
/// asks this for every request; the UI only mirrors it to disable buttons.
bool isAllowed(Role role, Action action);

} // namespace spanlight
