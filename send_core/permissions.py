"""Who may see and change which pupils' records in a school.

`roles` is the set of role names the person holds in this school (`request.roles`).

- SENCO and headteacher: every pupil, the whole SEND record; they change the register and plans.
- Class teacher and teaching assistant: the pupils they teach (their classes, and whatever
  further sources are registered with `register_pupil_visibility`), the whole SEND record.
- School administrator: every pupil's core details (names, class, year, parents), no SEND record.
- Governor and business manager: no pupil at all; register figures only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from tenants.roles import PUPIL_READERS_ALL, PUPIL_READERS_OWN, Role

from .models import SENCO_DECISIONS, ClassTeacher, Pupil

# Who sees every pupil's SEND record, and changes the register, needs and plans.
SEND_RECORD_EDITORS = frozenset(PUPIL_READERS_ALL)
# Who sees (and contributes to) the SEND records of the pupils they work with.
CLASS_STAFF = frozenset(PUPIL_READERS_OWN)
# Who sees every pupil's core details (names, class, year group, parents).
CORE_DETAIL_READERS = SEND_RECORD_EDITORS | {Role.SCHOOL_ADMIN}
# Who keeps pupils' core details (admissions, classes, parents, MIS import).
CORE_DETAIL_EDITORS = SEND_RECORD_EDITORS | {Role.SCHOOL_ADMIN}
# Who sees the register as figures (counts only, never a child).
REGISTER_FIGURE_READERS = SEND_RECORD_EDITORS | {Role.GOVERNOR, Role.BUSINESS_MANAGER}

# Ways a member of staff comes to work with a pupil. Each returns a filter on Pupil for a user;
# the default is "pupils in the classes they teach". Provision adds intervention groups.
PupilVisibilitySource = Callable[[Any], Q]


def _pupils_in_their_classes(user: Any) -> Q:
    return Q(school_class_id__in=ClassTeacher.objects.filter(user_id=user.pk).values("school_class_id"))


PUPIL_VISIBILITY_SOURCES: list[PupilVisibilitySource] = [_pupils_in_their_classes]


def register_pupil_visibility(source: PupilVisibilitySource) -> None:
    """Add a way class staff come to see pupils (e.g. intervention groups they run)."""
    if source not in PUPIL_VISIBILITY_SOURCES:
        PUPIL_VISIBILITY_SOURCES.append(source)


def _is_person(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "pk", None) is not None


def pupil_scope(user: Any, roles: frozenset[str], *, send_record: bool) -> Q | None:
    """A filter on Pupil for what this person may see; None means nothing at all.

    `send_record=True` asks for pupils whose SEND record (needs, plans, reviews) they may read;
    otherwise for pupils whose core details they may read.
    """
    if not _is_person(user):
        return None
    if roles & SEND_RECORD_EDITORS:
        return Q()
    if not send_record and Role.SCHOOL_ADMIN in roles:
        return Q()
    if roles & CLASS_STAFF:
        scope = Q(pk__in=[])
        for source in PUPIL_VISIBILITY_SOURCES:
            scope |= source(user)
        return scope
    return None


def acting_roles(user: Any) -> frozenset[str]:
    """The roles `user` holds in the organisation whose schema is active."""
    from tenants.selectors import roles_in

    from .selectors.organisation import current_organisation

    organisation = current_organisation()
    if organisation is None or not _is_person(user):
        return frozenset()
    return roles_in(user, organisation)


def _in_scope(user: Any, roles: frozenset[str], pupil: Pupil, *, send_record: bool) -> bool:
    scope = pupil_scope(user, roles, send_record=send_record)
    if scope is None:
        return False
    if not scope:  # everyone: no need to ask the database
        return True
    return Pupil.objects.filter(scope, pk=pupil.pk).exists()


# --- Questions -------------------------------------------------------------------------------


def can_view_pupil(user: Any, roles: frozenset[str], pupil: Pupil) -> bool:
    """May see the pupil's core details (names, class, year group, parents)."""
    return _in_scope(user, roles, pupil, send_record=False)


def can_view_send_record(user: Any, roles: frozenset[str], pupil: Pupil) -> bool:
    """May read the pupil's SEND record: needs, register, concerns, plans, reviews, agencies."""
    return _in_scope(user, roles, pupil, send_record=True)


def can_edit_send_record(roles: frozenset[str]) -> bool:
    """May change the register, needs, plans and consent (SENCO, headteacher)."""
    return bool(roles & SEND_RECORD_EDITORS)


def can_edit_pupil_details(roles: frozenset[str]) -> bool:
    """May keep pupils' core details, classes and parents, and import from the MIS."""
    return bool(roles & CORE_DETAIL_EDITORS)


def can_contribute_to_record(user: Any, roles: frozenset[str], pupil: Pupil) -> bool:
    """May add to the pupil's record (assessments, meetings, discussions): SENCO/head or their staff."""
    if can_edit_send_record(roles):
        return _is_person(user)
    return bool(roles & CLASS_STAFF) and can_view_send_record(user, roles, pupil)


def can_record_review(user: Any, roles: frozenset[str], pupil: Pupil) -> bool:
    """May record a review of the pupil's plan: SENCO/head, or a teacher/TA of the pupil."""
    return can_contribute_to_record(user, roles, pupil)


def can_decide_review(user: Any, roles: frozenset[str], pupil: Pupil, decision: str) -> bool:
    """May close a review with this decision; leaving the register or asking for an EHC assessment is the SENCO's."""
    if decision in SENCO_DECISIONS:
        return can_edit_send_record(roles) and _is_person(user)
    return can_record_review(user, roles, pupil)


def can_raise_concern(user: Any, roles: frozenset[str], pupil: Pupil) -> bool:
    """May raise a concern: any teacher, TA, SENCO or head who can see the pupil."""
    return can_contribute_to_record(user, roles, pupil)


def can_view_register_summary(roles: frozenset[str]) -> bool:
    """May see the register as figures (counts by stage and need, no child)."""
    return bool(roles & REGISTER_FIGURE_READERS)


def sees_exact_figures(roles: frozenset[str]) -> bool:
    """Sees the register's figures exactly, on any date (SENCO, headteacher). Governors and business
    managers see small counts withheld, at month ends only."""
    return bool(roles & SEND_RECORD_EDITORS)


def can_view_audit_trail(roles: frozenset[str]) -> bool:
    """May see who has looked at and changed a pupil's record."""
    return bool(roles & SEND_RECORD_EDITORS)


def can_manage_staff_training(roles: frozenset[str]) -> bool:
    """May keep the staff SEND training records."""
    return bool(roles & (SEND_RECORD_EDITORS | {Role.BUSINESS_MANAGER}))


# --- Requirements: the same questions, refusing with a reason ----------------------------------


def require_view_pupil(user: Any, roles: frozenset[str], pupil: Pupil) -> None:
    """PermissionDenied unless `can_view_pupil`."""
    if not can_view_pupil(user, roles, pupil):
        raise PermissionDenied("You can only see pupils in the classes you work with.")


def require_view_send_record(user: Any, roles: frozenset[str], pupil: Pupil) -> None:
    """PermissionDenied unless `can_view_send_record`."""
    if not can_view_send_record(user, roles, pupil):
        if Role.SCHOOL_ADMIN in roles and not roles & (SEND_RECORD_EDITORS | CLASS_STAFF):
            raise PermissionDenied("Your role shows pupils' contact details only, not their SEND records.")
        raise PermissionDenied("You can only see the SEND records of pupils you work with.")


def require_edit_send_record(roles: frozenset[str]) -> None:
    """PermissionDenied unless `can_edit_send_record`."""
    if not can_edit_send_record(roles):
        raise PermissionDenied("Only the SENCO or headteacher can change the SEND register, needs and plans.")


def require_edit_pupil_details(roles: frozenset[str]) -> None:
    """PermissionDenied unless `can_edit_pupil_details`."""
    if not can_edit_pupil_details(roles):
        raise PermissionDenied("Only the SENCO, headteacher or school office can change pupils' details.")


def require_contribute_to_record(user: Any, roles: frozenset[str], pupil: Pupil) -> None:
    """PermissionDenied unless `can_contribute_to_record`."""
    if not can_contribute_to_record(user, roles, pupil):
        raise PermissionDenied("Only the SENCO, headteacher or the pupil's own teachers can add to this record.")


def require_record_review(user: Any, roles: frozenset[str], pupil: Pupil) -> None:
    """PermissionDenied unless `can_record_review`."""
    if not can_record_review(user, roles, pupil):
        raise PermissionDenied("Only the SENCO, headteacher or the pupil's own teachers can record a review.")


def require_decide_review(user: Any, roles: frozenset[str], pupil: Pupil, decision: str) -> None:
    """PermissionDenied unless `can_decide_review`."""
    if not can_decide_review(user, roles, pupil, decision):
        if decision in SENCO_DECISIONS:
            raise PermissionDenied(
                "Only the SENCO or headteacher can close a review that takes a pupil off the register "
                "or requests an EHC needs assessment."
            )
        raise PermissionDenied("Only the SENCO, headteacher or the pupil's own teachers can close this review.")


def require_raise_concern(user: Any, roles: frozenset[str], pupil: Pupil) -> None:
    """PermissionDenied unless `can_raise_concern`."""
    if not can_raise_concern(user, roles, pupil):
        raise PermissionDenied("Only the pupil's teachers, the SENCO or the headteacher can raise a concern here.")


def require_view_register_summary(roles: frozenset[str]) -> None:
    """PermissionDenied unless `can_view_register_summary`."""
    if not can_view_register_summary(roles):
        raise PermissionDenied("Your role does not include the SEND register figures.")


def require_view_audit_trail(roles: frozenset[str]) -> None:
    """PermissionDenied unless `can_view_audit_trail`."""
    if not can_view_audit_trail(roles):
        raise PermissionDenied("Only the SENCO or headteacher can see who has viewed a pupil's record.")


def require_manage_staff_training(roles: frozenset[str]) -> None:
    """PermissionDenied unless `can_manage_staff_training`."""
    if not can_manage_staff_training(roles):
        raise PermissionDenied("Only the SENCO, headteacher or business manager can keep training records.")
