"""Who works on EHC needs assessments.

In a school, the SENCO and the headteacher build and send requests and annual reviews (the
people who use the exchange). In a local authority, caseworkers and SEN managers work cases;
only an SEN manager allocates them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from send_core.permissions import acting_roles
from tenants.roles import Role

SCHOOL_EHC_ROLES = frozenset({Role.SENCO, Role.HEADTEACHER})
CASEWORK_ROLES = frozenset({Role.CASEWORKER, Role.SEN_MANAGER})
ALLOCATORS = frozenset({Role.SEN_MANAGER})


def can_work_on_requests(roles: frozenset[str]) -> bool:
    return bool(roles & SCHOOL_EHC_ROLES)


def require_school_ehc(roles: frozenset[str]) -> None:
    if not can_work_on_requests(roles):
        raise PermissionDenied("Only the SENCO or the headteacher can work on EHC needs assessment requests.")


def can_work_cases(roles: frozenset[str]) -> bool:
    return bool(roles & CASEWORK_ROLES)


def require_casework(roles: frozenset[str]) -> None:
    if not can_work_cases(roles):
        raise PermissionDenied("Only the LA's caseworkers and SEN managers can see EHC casework.")


def require_allocator(roles: frozenset[str]) -> None:
    if not roles & ALLOCATORS:
        raise PermissionDenied("Only an SEN manager allocates cases to caseworkers.")


def school_roles(user: Any) -> frozenset[str]:
    """The person's roles here, refused unless they work on the school's requests."""
    roles = acting_roles(user)
    require_school_ehc(roles)
    return roles


def casework_roles(user: Any) -> frozenset[str]:
    """The person's roles here, refused unless they work the LA's cases."""
    roles = acting_roles(user)
    require_casework(roles)
    return roles
