#pragma once

// Shared by the action service's two source files: one action on its way
// through policy, audit and effect.

#include "actionservice.h"

namespace spanlight {

struct ActionService::Attempt
{
    Attempt(const Session& s, const ActionRequest& r, const ActionTraits& t)
        : session(s)
        , request(r)
        , traits(t)
    {
    }

    const Session& session;
    const ActionRequest& request;
    const ActionTraits& traits;
    int64_t intentSeq = 0;
    QString approver; ///< the second admin of an approved purge
    QJsonObject after; ///< redacted state after, for the outcome entry
    ActionResult result;
};

inline ActionResult invalid(const QString& why)
{
    ActionResult result;
    result.status = ActionResult::Status::Invalid;
    result.message = why;
    return result;
}

} // namespace spanlight
