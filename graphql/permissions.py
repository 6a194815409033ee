"""Who may read which reporting figures, and who may manage reporting keys."""

from __future__ import annotations

from tenants.models import Organisation
from tenants.roles import OrganisationKind, Role

# Roles that see reporting figures, by kind of organisation.
READERS: dict[str, frozenset[str]] = {
    OrganisationKind.SCHOOL: frozenset({Role.SENCO, Role.HEADTEACHER, Role.BUSINESS_MANAGER, Role.GOVERNOR}),
    OrganisationKind.TRUST: frozenset({Role.SEND_LEAD}),
    OrganisationKind.LOCAL_AUTHORITY: frozenset({Role.CASEWORKER, Role.SEN_MANAGER}),
}
# The organisation's leaders, who may make and revoke keys for BI tools.
TOKEN_MANAGERS: dict[str, frozenset[str]] = {
    OrganisationKind.SCHOOL: frozenset({Role.SENCO, Role.HEADTEACHER}),
    OrganisationKind.TRUST: frozenset({Role.SEND_LEAD}),
    OrganisationKind.LOCAL_AUTHORITY: frozenset({Role.SEN_MANAGER}),
}


def can_read_reporting(organisation: Organisation, roles: frozenset[str]) -> bool:
    return bool(roles & READERS.get(organisation.kind, frozenset()))


def can_manage_tokens(organisation: Organisation, roles: frozenset[str]) -> bool:
    return bool(roles & TOKEN_MANAGERS.get(organisation.kind, frozenset()))
