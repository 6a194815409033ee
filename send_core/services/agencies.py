"""Acts on the agency catalogue, referrals to agencies, and parental consent."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    Agency,
    AgencyInvolvement,
    AgencyKind,
    Consent,
    ConsentScope,
    InvolvementStatus,
    ParentCarer,
    Pupil,
)
from ..permissions import require_edit_send_record
from .base import (
    AuditAction,
    acting_roles,
    audit,
    check_choice,
    check_not_future,
    long_date,
    require_text,
    save_clean,
    today,
)

# The catalogue every school starts from (names a school can change to its local services').
DEFAULT_AGENCIES: tuple[tuple[str, str], ...] = (
    (AgencyKind.EDUCATIONAL_PSYCHOLOGY, "Educational psychology service"),
    (AgencyKind.SPEECH_LANGUAGE, "Speech and language therapy"),
    (AgencyKind.OCCUPATIONAL_THERAPY, "Occupational therapy"),
    (AgencyKind.CAMHS, "CAMHS"),
    (AgencyKind.SPECIALIST_TEACHER, "Specialist teacher service"),
    (AgencyKind.SCHOOL_NURSE, "School nursing"),
    (AgencyKind.PAEDIATRICS, "Community paediatrics"),
    (AgencyKind.SOCIAL_CARE, "Children's social care"),
    (AgencyKind.EARLY_HELP, "Early help"),
)


@transaction.atomic
def ensure_agency_catalogue(*, by: Any) -> list[Agency]:
    """Add any standard agency kind the school's catalogue lacks; returns the whole catalogue."""
    require_edit_send_record(acting_roles(by))
    have = set(Agency.objects.values_list("kind", flat=True))
    missing = [Agency(kind=kind, name=name) for kind, name in DEFAULT_AGENCIES if kind not in have]
    Agency.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Agency.objects.order_by("name"))


@transaction.atomic
def add_agency(*, added_by: Any, kind: str, name: str, contact: str = "") -> Agency:
    """Add a service to the school's agency catalogue."""
    require_edit_send_record(acting_roles(added_by))
    check_choice(kind, AgencyKind, "kind", "the kind of agency")
    name = require_text(name, "name", "Enter the agency's name.")
    if Agency.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"{name} is already in the catalogue."})
    agency = save_clean(Agency(kind=kind, name=name, contact=contact.strip()))
    audit(actor=added_by, action=AuditAction.CREATE, obj=agency, pupil_id=None)
    return agency


# --- Consent ---------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    pupil: Pupil,
    *,
    scope: str,
    given_by: ParentCarer,
    recorded_by: Any,
    given_on: datetime.date | None = None,
    notes: str = "",
) -> Consent:
    """Record consent for one scope, given by a parent or carer with parental responsibility."""
    require_edit_send_record(acting_roles(recorded_by))
    check_choice(scope, ConsentScope, "scope", "what the consent is for")
    if given_by.pupil_id != pupil.pk:
        raise ValidationError({"given_by": "Consent must come from one of this pupil's own parents or carers."})
    if not given_by.parental_responsibility:
        raise ValidationError(
            {"given_by": f"{given_by.name} does not hold parental responsibility, so cannot give consent."}
        )
    given_on = given_on or today()
    check_not_future(given_on, "given_on", "The date consent was given")
    consent = save_clean(
        Consent(
            pupil=pupil, scope=scope, given_by=given_by, given_on=given_on, notes=notes.strip(), recorded_by=recorded_by
        )
    )
    audit(actor=recorded_by, action=AuditAction.CREATE, obj=consent, pupil_id=pupil.pk, detail={"scope": scope})
    return consent


@transaction.atomic(durable=True)
def withdraw_consent(consent: Consent, *, recorded_by: Any, withdrawn_on: datetime.date | None = None) -> Consent:
    """Record that consent was withdrawn (it no longer counts from that day)."""
    require_edit_send_record(acting_roles(recorded_by))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(f"This consent was already withdrawn on {long_date(consent.withdrawn_on)}.")
    withdrawn_on = withdrawn_on or today()
    check_not_future(withdrawn_on, "withdrawn_on", "The date consent was withdrawn")
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "Consent cannot be withdrawn before it was given."})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on", "updated_at"])
    audit(
        actor=recorded_by,
        action=AuditAction.UPDATE,
        obj=consent,
        pupil_id=consent.pupil_id,
        fields=["withdrawn_on"],
        detail={"scope": consent.scope},
    )
    return consent


# --- Involvement -----------------------------------------------------------------------------


@transaction.atomic
def refer_to_agency(
    pupil: Pupil,
    *,
    agency: Agency,
    referred_by: Any,
    referred_on: datetime.date | None = None,
    reason: str = "",
) -> AgencyInvolvement:
    """Refer a pupil to an agency; refused unless parents' consent to referral is on record for that day."""
    from ..selectors.agencies import consent_on

    require_edit_send_record(acting_roles(referred_by))
    referred_on = referred_on or today()
    check_not_future(referred_on, "referred_on", "The date of the referral")
    if not agency.is_active:
        raise ValidationError({"agency": f"{agency.name} is no longer in use."})
    consent = consent_on(pupil, ConsentScope.REFERRAL, referred_on)
    if consent is None:
        raise ValidationError(
            "Parents' consent to a referral is not on record for this date. Record their consent before referring."
        )
    involvement = save_clean(
        AgencyInvolvement(
            pupil=pupil,
            agency=agency,
            referred_on=referred_on,
            referred_by=referred_by,
            reason=reason.strip(),
            consent=consent,
        )
    )
    audit(
        actor=referred_by,
        action=AuditAction.CREATE,
        obj=involvement,
        pupil_id=pupil.pk,
        detail={"agency_id": agency.pk, "consent_id": consent.pk},
    )
    return involvement


@transaction.atomic
def update_involvement(
    involvement: AgencyInvolvement,
    *,
    changed_by: Any,
    status: str | None = None,
    report_received_on: datetime.date | None = None,
    notes: str | None = None,
    closed_on: datetime.date | None = None,
) -> AgencyInvolvement:
    """Record an agency's progress: accepted or declined, report received, notes, finished."""
    require_edit_send_record(acting_roles(changed_by))
    involvement = AgencyInvolvement.objects.select_for_update().get(pk=involvement.pk)
    changed: list[str] = []
    if status is not None and status != involvement.status:
        check_choice(status, InvolvementStatus, "status", "where the involvement is")
        involvement.status = status
        changed.append("status")
        if status == InvolvementStatus.CLOSED and closed_on is None and involvement.closed_on is None:
            closed_on = today()
    if report_received_on is not None:
        check_not_future(report_received_on, "report_received_on", "The date the report arrived")
        if report_received_on < involvement.referred_on:
            raise ValidationError({"report_received_on": "The report cannot arrive before the referral."})
        involvement.report_received_on = report_received_on
        changed.append("report_received_on")
    if notes is not None:
        involvement.notes = notes.strip()
        changed.append("notes")
    if closed_on is not None:
        check_not_future(closed_on, "closed_on", "The date the involvement finished")
        if closed_on < involvement.referred_on:
            raise ValidationError({"closed_on": "The involvement cannot finish before the referral."})
        involvement.closed_on = closed_on
        involvement.status = InvolvementStatus.CLOSED
        changed += ["closed_on", "status"]
    if changed:
        involvement.save()
        audit(
            actor=changed_by, action=AuditAction.UPDATE, obj=involvement, pupil_id=involvement.pupil_id, fields=changed
        )
    return involvement
