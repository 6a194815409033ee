"""Who may read and choose toolkits."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tenants.roles import OrganisationKind, Role

# In a school: who chooses the school's toolkit (and so changes how its register is staged).
SCHOOL_TOOLKIT_CHOOSERS = frozenset({Role.SENCO, Role.HEADTEACHER})
# In a local authority: who sets the default toolkit for its schools, and who may read the list.
LA_TOOLKIT_SETTERS = frozenset({Role.SEN_MANAGER})
LA_TOOLKIT_READERS = frozenset({Role.SEN_MANAGER, Role.CASEWORKER})


def can_choose_school_toolkit(roles: frozenset[str]) -> bool:
    return bool(roles & SCHOOL_TOOLKIT_CHOOSERS)


def can_set_la_toolkit(roles: frozenset[str]) -> bool:
    return bool(roles & LA_TOOLKIT_SETTERS)


def can_view_toolkits(kind: str, roles: frozenset[str]) -> bool:
    """May open the toolkits page on an organisation's own host."""
    if kind == OrganisationKind.SCHOOL:
        return can_choose_school_toolkit(roles)
    if kind == OrganisationKind.LOCAL_AUTHORITY:
        return bool(roles & LA_TOOLKIT_READERS)
    return False


def require_choose_school_toolkit(roles: frozenset[str]) -> None:
    if not can_choose_school_toolkit(roles):
        raise PermissionDenied("Only the SENCO or headteacher can choose the school's toolkit.")


def require_set_la_toolkit(roles: frozenset[str]) -> None:
    if not can_set_la_toolkit(roles):
        raise PermissionDenied("Only the local authority's SEN manager can set the default toolkit for its schools.")


def require_view_toolkits(kind: str, roles: frozenset[str]) -> None:
    if not can_view_toolkits(kind, roles):
        if kind == OrganisationKind.SCHOOL:
            raise PermissionDenied("Only the SENCO or headteacher can see and choose the school's toolkit.")
        if kind == OrganisationKind.LOCAL_AUTHORITY:
            raise PermissionDenied("Only the local authority's SEN team can see its toolkits.")
        raise PermissionDenied("Toolkits are chosen by schools and local authorities.")
