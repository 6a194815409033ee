"""Roles a membership can carry, and which kind of organisation each belongs to."""

from __future__ import annotations

from django.db import models


class OrganisationKind(models.TextChoices):
    PLATFORM = "platform", "Platform"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    TRUST = "trust", "Multi-academy trust"
    SCHOOL = "school", "School"


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    HEADTEACHER = "headteacher", "Headteacher"
    TEACHER = "teacher", "Class teacher"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    BUSINESS_MANAGER = "business_manager", "School business manager"
    GOVERNOR = "governor", "Governor"
    SCHOOL_ADMIN = "school_admin", "School administrator"
    SEND_LEAD = "send_lead", "Trust SEND lead"
    CASEWORKER = "caseworker", "LA caseworker"
    SEN_MANAGER = "sen_manager", "LA SEN manager"
    OPERATOR = "operator", "Platform operator"


ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.SCHOOL: frozenset(
        {
            Role.SENCO,
            Role.HEADTEACHER,
            Role.TEACHER,
            Role.TEACHING_ASSISTANT,
            Role.BUSINESS_MANAGER,
            Role.GOVERNOR,
            Role.SCHOOL_ADMIN,
        }
    ),
    OrganisationKind.TRUST: frozenset({Role.SEND_LEAD}),
    OrganisationKind.LOCAL_AUTHORITY: frozenset({Role.CASEWORKER, Role.SEN_MANAGER}),
    OrganisationKind.PLATFORM: frozenset({Role.OPERATOR}),
}

# Who may read children's records in a school (the rest see figures only).
PUPIL_READERS_ALL = frozenset({Role.SENCO, Role.HEADTEACHER})
PUPIL_READERS_OWN = frozenset({Role.TEACHER, Role.TEACHING_ASSISTANT})
# Every role is a staff role for two-factor purposes.
STAFF_ROLES = frozenset(Role.values)

# Which roles each role may give to someone else. Nobody can grant a role that would show them
# more than they see now (an office administrator cannot make anyone a SENCO or a teacher).
_SCHOOL_ROLES = ROLES_BY_KIND[OrganisationKind.SCHOOL]
GRANTABLE: dict[str, frozenset[str]] = {
    Role.SENCO: _SCHOOL_ROLES,
    Role.HEADTEACHER: _SCHOOL_ROLES,
    Role.SCHOOL_ADMIN: frozenset({Role.SCHOOL_ADMIN, Role.BUSINESS_MANAGER, Role.GOVERNOR}),
    Role.SEND_LEAD: frozenset({Role.SEND_LEAD}),
    Role.SEN_MANAGER: frozenset({Role.CASEWORKER, Role.SEN_MANAGER}),
    Role.OPERATOR: frozenset({Role.OPERATOR}),
}
INVITERS = frozenset(GRANTABLE)


def grantable_roles(roles: frozenset[str]) -> frozenset[str]:
    """Every role a person holding `roles` may invite someone into."""
    return frozenset().union(*(GRANTABLE.get(role, frozenset()) for role in roles))
