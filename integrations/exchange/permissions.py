"""Who may use the exchange, and which organisations may send which kinds of envelope to which.

In a school, the SENCO and the headteacher; in a local authority, caseworkers and SEN managers.
Nobody else (trusts see no child, and neither do governors, office staff or operators).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from tenants.roles import OrganisationKind, Role
from tenants.selectors import roles_in

from .models import EnvelopeKind

EXCHANGE_ROLES: dict[str, frozenset[str]] = {
    OrganisationKind.SCHOOL: frozenset({Role.SENCO, Role.HEADTEACHER}),
    OrganisationKind.LOCAL_AUTHORITY: frozenset({Role.CASEWORKER, Role.SEN_MANAGER}),
}
ALL_EXCHANGE_ROLES: frozenset[str] = frozenset().union(*EXCHANGE_ROLES.values())

SCHOOL = OrganisationKind.SCHOOL
LA = OrganisationKind.LOCAL_AUTHORITY

# kind -> the (sender kind, recipient kind) pairs it may travel between.
ROUTES: dict[str, frozenset[tuple[str, str]]] = {
    EnvelopeKind.EHC_REQUEST: frozenset({(SCHOOL, LA)}),
    EnvelopeKind.ANNUAL_REVIEW: frozenset({(SCHOOL, LA)}),
    EnvelopeKind.DECISION: frozenset({(LA, SCHOOL)}),
    EnvelopeKind.DRAFT_PLAN: frozenset({(LA, SCHOOL)}),
    EnvelopeKind.FINAL_PLAN: frozenset({(LA, SCHOOL)}),
    EnvelopeKind.TRANSITION_FILE: frozenset({(SCHOOL, SCHOOL)}),
    # Either way, between any two organisations that use the exchange, but only within a thread.
    EnvelopeKind.INFORMATION_REQUEST: frozenset({(SCHOOL, LA), (LA, SCHOOL), (SCHOOL, SCHOOL)}),
}
# Kinds that only ever answer an earlier envelope.
REPLY_ONLY_KINDS = frozenset({EnvelopeKind.INFORMATION_REQUEST})


def exchange_roles(organisation: Any) -> frozenset[str]:
    """The roles that may use the exchange in an organisation of this kind (none for a trust)."""
    return EXCHANGE_ROLES.get(organisation.kind, frozenset())


def can_use_exchange(roles: frozenset[str], organisation: Any) -> bool:
    return bool(roles & exchange_roles(organisation))


def require_exchange_access(roles: frozenset[str], organisation: Any) -> None:
    if not can_use_exchange(roles, organisation):
        if not exchange_roles(organisation):
            raise PermissionDenied(f"A {organisation.get_kind_display().lower()} does not use the exchange.")
        raise PermissionDenied("Your role here does not allow using the exchange.")


def require_exchange_member(user: Any, organisation: Any) -> frozenset[str]:
    """The person's roles in `organisation`, if they include an exchange role; otherwise refused."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        raise PermissionDenied("Sign in to use the exchange.")
    roles = roles_in(user, organisation)
    require_exchange_access(roles, organisation)
    return roles


def require_party(envelope: Any, organisation: Any) -> None:
    """Only the sender and the recipient have anything to do with an envelope."""
    if not envelope.is_party(organisation):
        raise PermissionDenied("This envelope is not for your organisation.")
