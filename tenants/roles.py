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

# Who may invite people into an organisation, per kind.
INVITERS = frozenset({Role.SENCO, Role.HEADTEACHER, Role.SCHOOL_ADMIN, Role.SEND_LEAD, Role.SEN_MANAGER, Role.OPERATOR})
