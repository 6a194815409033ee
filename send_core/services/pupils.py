"""Acts on pupils' core details, their classes and the staff who work with them, and their parents."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from ..models import ClassTeacher, ClassTeacherRole, ParentCarer, Pupil, SchoolClass
from ..permissions import require_edit_pupil_details
from ..upn import is_temporary_upn, normalise_upn
from .base import AuditAction, acting_roles, audit, check_choice, save_clean, today
from .concurrency import check_not_stale

# Core details a pupil record may have changed through `update_pupil`.
PUPIL_FIELDS = frozenset(
    {
        "upn",
        "legal_first_name",
        "preferred_name",
        "last_name",
        "date_of_birth",
        "sex",
        "nc_year",
        "nc_not_followed",
        "school_class",
        "admission_date",
        "eal",
        "pupil_premium",
        "looked_after",
        "previously_looked_after",
        "service_child",
        "young_carer",
        "medical_needs",
        "attendance_percentage",
    }
)
PARENT_FIELDS = frozenset(
    {
        "name",
        "relationship",
        "parental_responsibility",
        "phone",
        "email",
        "address",
        "preferred_contact",
        "is_primary_contact",
    }
)


def _check_fields(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValueError(f"These cannot be changed here: {', '.join(unknown)}")
    attendance = changes.get("attendance_percentage")
    if isinstance(attendance, float | int):
        changes["attendance_percentage"] = Decimal(str(round(attendance, 2)))


# --- Classes and their staff -----------------------------------------------------------------


@transaction.atomic
def create_school_class(*, name: str, created_by: Any, year_group: str = "") -> SchoolClass:
    """Add a class (e.g. "4 Kestrels"); names are unique in a school."""
    require_edit_pupil_details(acting_roles(created_by))
    name = " ".join(name.split())
    if SchoolClass.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a class called {name}."})
    try:
        with transaction.atomic():
            school_class = save_clean(SchoolClass(name=name, year_group=year_group))
    except IntegrityError:
        # Added by someone else between the check above and this insert.
        raise ValidationError({"name": f"There is already a class called {name}."}) from None
    audit(actor=created_by, action=AuditAction.CREATE, obj=school_class, pupil_id=None, fields=["name", "year_group"])
    return school_class


@transaction.atomic
def assign_class_staff(
    school_class: SchoolClass, *, user: Any, assigned_by: Any, role: str = ClassTeacherRole.TEACHER
) -> ClassTeacher:
    """Make a teacher or TA one of the class's staff, so they see its pupils."""
    require_edit_pupil_details(acting_roles(assigned_by))
    check_choice(role, ClassTeacherRole, "role", "their role in the class")
    link, created = ClassTeacher.objects.get_or_create(school_class=school_class, user=user, defaults={"role": role})
    if not created and link.role != role:
        link.role = role
        link.save(update_fields=["role"])
    audit(
        actor=assigned_by,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=link,
        pupil_id=None,
        detail={"school_class_id": school_class.pk, "user_id": user.pk, "role": role},
    )
    return link


@transaction.atomic(durable=True)
def remove_class_staff(school_class: SchoolClass, *, user: Any, removed_by: Any) -> None:
    """Stop a member of staff working with a class (they no longer see its pupils)."""
    require_edit_pupil_details(acting_roles(removed_by))
    link = ClassTeacher.objects.filter(school_class=school_class, user_id=user.pk).first()
    if link is None:
        return
    audit(
        actor=removed_by,
        action=AuditAction.DELETE,
        obj=link,
        pupil_id=None,
        detail={"school_class_id": school_class.pk, "user_id": user.pk},
    )
    link.delete()


# --- Pupils ----------------------------------------------------------------------------------


@transaction.atomic
def create_pupil(
    *,
    created_by: Any,
    upn: str,
    legal_first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    sex: str,
    nc_year: str,
    **details: Any,
) -> Pupil:
    """Add a pupil to the roll (UPN checked; a temporary UPN is accepted and marked)."""
    require_edit_pupil_details(acting_roles(created_by))
    _check_fields(details, PUPIL_FIELDS)
    upn = normalise_upn(upn)
    pupil = Pupil(
        upn=upn,
        upn_is_temporary=is_temporary_upn(upn),
        legal_first_name=legal_first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        nc_year=nc_year,
        **details,
    )
    _check_dates(pupil)
    try:
        with transaction.atomic():
            save_clean(pupil)
    except IntegrityError:
        # Two people adding the same pupil at once both pass the UPN check; the unique UPN lets one in.
        raise ValidationError({"upn": f"A pupil with UPN {upn} has just been added by someone else."}) from None
    audit(actor=created_by, action=AuditAction.CREATE, obj=pupil, pupil_id=pupil.pk)
    return pupil


def _check_dates(pupil: Pupil) -> None:
    if pupil.date_of_birth and pupil.date_of_birth > today():
        raise ValidationError({"date_of_birth": "The date of birth cannot be in the future."})
    if pupil.admission_date and pupil.date_of_birth and pupil.admission_date < pupil.date_of_birth:
        raise ValidationError({"admission_date": "The admission date is before the date of birth."})


@transaction.atomic(durable=True)
def update_pupil(pupil: Pupil, *, changed_by: Any, seen_version: str | None = None, **changes: Any) -> Pupil:
    """Change a pupil's core details (names, year, class, context flags, attendance).

    `seen_version` is the pupil's version when the details form was drawn: a save from a page drawn
    before someone else's save is refused rather than putting their details back.
    """
    require_edit_pupil_details(acting_roles(changed_by))
    _check_fields(changes, PUPIL_FIELDS)
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    check_not_stale(pupil, seen_version, what="pupil's details", fields=sorted(PUPIL_FIELDS))
    if "upn" in changes:
        changes["upn"] = normalise_upn(changes["upn"])
        changes["upn_is_temporary"] = is_temporary_upn(changes["upn"])
    changed = [name for name, value in changes.items() if getattr(pupil, name) != value]
    if not changed:
        return pupil
    for name in changed:
        setattr(pupil, name, changes[name])
    _check_dates(pupil)
    save_clean(pupil)
    audit(actor=changed_by, action=AuditAction.UPDATE, obj=pupil, pupil_id=pupil.pk, fields=changed)
    return pupil


@transaction.atomic(durable=True)
def record_leaving(
    pupil: Pupil,
    *,
    leaving_date: datetime.date,
    recorded_by: Any,
    destination: str = "",
    destination_urn: str = "",
) -> Pupil:
    """Record that a pupil has left: their register entry ends and their plans close that day."""
    from ..models import PlanStatus, RegisterEntry, SupportPlan

    require_edit_pupil_details(acting_roles(recorded_by))
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if pupil.admission_date and leaving_date < pupil.admission_date:
        raise ValidationError({"leaving_date": "The leaving date is before the pupil was admitted."})
    pupil.leaving_date = leaving_date
    pupil.destination = destination.strip()
    pupil.destination_urn = destination_urn.strip()
    save_clean(pupil)
    entry = RegisterEntry.objects.filter(pupil=pupil, ended_on__isnull=True).first()
    if entry is not None:
        if leaving_date < entry.started_on:
            raise ValidationError(
                {"leaving_date": "The leaving date is before the pupil's current register stage began."}
            )
        entry.ended_on = leaving_date
        entry.end_reason = "Left the school"
        entry.save(update_fields=["ended_on", "end_reason", "updated_at"])
    plans = list(SupportPlan.objects.filter(pupil=pupil, status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE]))
    if plans:
        from .plans import close_plan_on_leaving

        for plan in plans:
            close_plan_on_leaving(plan, on=leaving_date, closed_by=recorded_by)
    audit(
        actor=recorded_by,
        action=AuditAction.UPDATE,
        obj=pupil,
        pupil_id=pupil.pk,
        fields=["leaving_date", "destination", "destination_urn"],
        summary="Recorded as left the school",
    )
    return pupil


# --- Parents and carers ----------------------------------------------------------------------


def _one_primary_contact(pupil: Pupil, keep: ParentCarer | None) -> None:
    others = ParentCarer.objects.filter(pupil=pupil, is_primary_contact=True)
    if keep is not None and keep.pk:
        others = others.exclude(pk=keep.pk)
    others.update(is_primary_contact=False)


@transaction.atomic
def add_parent_carer(
    pupil: Pupil,
    *,
    added_by: Any,
    name: str,
    relationship: str,
    parental_responsibility: bool = True,
    **details: Any,
) -> ParentCarer:
    """Add a parent or carer; the first one added becomes the primary contact."""
    require_edit_pupil_details(acting_roles(added_by))
    _check_fields(details, PARENT_FIELDS)
    parent = ParentCarer(
        pupil=pupil,
        name=name.strip(),
        relationship=relationship,
        parental_responsibility=parental_responsibility,
        **details,
    )
    if not ParentCarer.objects.filter(pupil=pupil).exists():
        parent.is_primary_contact = True
    parent.full_clean(validate_constraints=False)
    if parent.is_primary_contact:
        _one_primary_contact(pupil, None)
    parent.save()
    audit(actor=added_by, action=AuditAction.CREATE, obj=parent, pupil_id=pupil.pk)
    return parent


@transaction.atomic(durable=True)
def update_parent_carer(
    parent: ParentCarer, *, changed_by: Any, seen_version: str | None = None, **changes: Any
) -> ParentCarer:
    """Change a parent's or carer's details (making one primary contact unmarks the others).

    A save from a form drawn before someone else's save is refused (`seen_version`), not merged over theirs.
    """
    require_edit_pupil_details(acting_roles(changed_by))
    _check_fields(changes, PARENT_FIELDS)
    parent = ParentCarer.objects.select_for_update().get(pk=parent.pk)
    check_not_stale(parent, seen_version, what="parent's or carer's details", fields=sorted(PARENT_FIELDS))
    changed = [name for name, value in changes.items() if getattr(parent, name) != value]
    if not changed:
        return parent
    for name in changed:
        setattr(parent, name, changes[name])
    parent.full_clean(validate_constraints=False)
    if parent.is_primary_contact:
        _one_primary_contact(parent.pupil, parent)
    parent.save()
    audit(actor=changed_by, action=AuditAction.UPDATE, obj=parent, pupil_id=parent.pupil_id, fields=changed)
    return parent


@transaction.atomic(durable=True)
def remove_parent_carer(parent: ParentCarer, *, removed_by: Any) -> None:
    """Remove a parent or carer who has given no consent (consent records must keep who gave them)."""
    require_edit_pupil_details(acting_roles(removed_by))
    audit(actor=removed_by, action=AuditAction.DELETE, obj=parent, pupil_id=parent.pupil_id)
    try:
        with transaction.atomic():
            parent.delete()
    except ProtectedError:
        raise ValidationError(
            "This parent or carer has given consent that is on record, so they cannot be removed. "
            "Withdraw the consent or mark them as no longer holding parental responsibility instead."
        ) from None
