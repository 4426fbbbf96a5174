#include "controlrecords.h"

namespace spanlight {

QString roleName(Role role)
{
    switch (role) {
    case Role::Viewer:
        return QStringLiteral("viewer");
    case Role::Operator:
        return QStringLiteral("operator");
    case Role::Admin:
        return QStringLiteral("admin");
    case Role::Auditor:
        return QStringLiteral("auditor");
    }
    return QStringLiteral("viewer");
}

std::optional<Role> roleFromName(const QString& name)
{
    for (Role role : { Role::Viewer, Role::Operator, Role::Admin, Role::Auditor }) {
        if (name == roleName(role))
            return role;
    }
    return std::nullopt;
}

} // namespace spanlight
