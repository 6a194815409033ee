"""Acts of transition in the primary school: destinations, access grants, handing the file on.

Each act runs in the primary school's schema, checks the person's role first, is all-or-nothing,
and is recorded in the audit trail of the school that owns the pupil (and, where the next school
is on Cairn, in that school's trail and publicly too).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event

from tenants.models import Organisation
from tenants.roles import OrganisationKind

from ..models import Consent, ConsentScope, Document, NCYear, Pupil
from ..models.pupils import urn_validator
from ..selectors.agencies import consent_on
from ..selectors.organisation import current_organisation
from ..selectors.pupils import on_roll
from ..services.base import acting_roles, audit, audit_events_bulk, long_date
from .models import HandoverMethod, TransitionFile, TransitionGrant
from .permissions import require_manage_transition
from .records import DEFAULT_SECTIONS, SECTIONS, chosen_documents, transition_record

NO_CONSENT = (
    "Parents have not given consent to share information with the next school, so nothing can be shared yet. "
    "Record their consent (Agencies and consent) first."
)


def today() -> datetime.date:
    return timezone.localdate()


# --- The window -----------------------------------------------------------------------------


def _academic_year_start(day: datetime.date) -> int:
    """The calendar year in which the academic year containing `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def default_window(nc_year: str, *, on: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """1 June of the pupil's Year 5 to 31 December of their Year 7, from the year group they are in now."""
    on = on or today()
    if not nc_year.isdigit():
        raise ValidationError({"starts_on": "Enter the dates the next school may read the record from and to."})
    year_now = int(nc_year)
    started = _academic_year_start(on)
    year5_start = started - (year_now - 5)
    year7_start = started + (7 - year_now)
    return datetime.date(year5_start + 1, 6, 1), datetime.date(year7_start, 12, 31)


def _period_from_year5(year5_starts_in: int) -> tuple[datetime.date, datetime.date]:
    # Terms are Cairn's fixed calendar spans: summer from 1 April, autumn to 31 December.
    return datetime.date(year5_starts_in + 1, 4, 1), datetime.date(year5_starts_in + 2, 12, 31)


def handover_period(pupil: Pupil, *, on: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The longest window a grant may cover: the start of the summer term of the pupil's Year 5 to
    the end of the autumn term of their Year 7.

    Worked out from the date of birth: a child is in Year N in the school year (1 September to
    31 August, Education Act 1996 s.579) in which they turn N + 5, so their Year 5 begins ten school
    years after the one they were born in. A pupil taught out of their age group moves with the year
    group they are in, so the period then also covers the one worked out from that year group.
    """
    year5_by_age = _academic_year_start(pupil.date_of_birth) + 10
    earliest, latest = _period_from_year5(year5_by_age)
    if pupil.nc_year.isdigit():
        year5_by_group = _academic_year_start(on or today()) - (int(pupil.nc_year) - 5)
        by_group = _period_from_year5(year5_by_group)
        earliest, latest = min(earliest, by_group[0]), max(latest, by_group[1])
    return earliest, latest


def _check_window(starts_on: datetime.date, ends_on: datetime.date, pupil: Pupil) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be the same as or after the start date."})
    if ends_on < today():
        raise ValidationError({"ends_on": "The end date must be today or in the future."})
    earliest, latest = handover_period(pupil)
    errors = {}
    if starts_on < earliest:
        errors["starts_on"] = (
            f"Access can start no earlier than {long_date(earliest)}, the start of the summer term of "
            f"{pupil.first_name}'s Year 5."
        )
    if ends_on > latest:
        errors["ends_on"] = (
            f"Access can last no later than {long_date(latest)}, the end of the autumn term of "
            f"{pupil.first_name}'s Year 7."
        )
    if errors:
        raise ValidationError(errors)


# --- Who and where ---------------------------------------------------------------------------


def _here(user: Any) -> Organisation:
    """The school whose schema is active, once the person is known to keep its SEND record."""
    require_manage_transition(acting_roles(user))
    organisation = current_organisation()
    if organisation is None or organisation.kind != OrganisationKind.SCHOOL:
        raise PermissionDenied("Transition is managed from a school.")
    return organisation


def find_cairn_school(urn: str) -> Organisation | None:
    """The school on Cairn with this URN, if there is one."""
    if not urn:
        return None
    return Organisation.objects.filter(urn=urn, kind=OrganisationKind.SCHOOL, is_active=True).first()


def destination_of(pupil: Pupil) -> Organisation | None:
    """The pupil's destination school, where it is on Cairn."""
    return find_cairn_school(pupil.destination_urn)


def require_consent(pupil: Pupil, *, on: datetime.date | None = None) -> Consent:
    """The parents' consent to share with the next school in force on a day; refused with the reason if none."""
    consent = consent_on(pupil, ConsentScope.SHARE_WITH_NEXT_SCHOOL, on or today())
    if consent is None:
        raise ValidationError({"consent": NO_CONSENT})
    return consent


def _clean_destination(urn: str, name: str, here: Organisation) -> tuple[str, str]:
    urn = (urn or "").strip()
    name = " ".join((name or "").split())
    if not urn:
        raise ValidationError({"urn": "Enter the destination school's URN (6 digits)."})
    try:
        urn_validator(urn)
    except ValidationError:
        raise ValidationError({"urn": "A URN is 6 digits, like 123456."}) from None
    if urn == here.urn:
        raise ValidationError(
            {"urn": "That is this school's own URN. Enter the URN of the school the pupil is moving to."}
        )
    school = find_cairn_school(urn)
    if school is not None:
        return urn, school.name
    if not name:
        raise ValidationError({"name": "That school is not on Cairn, so enter its name as well."})
    if len(name) > 200:
        raise ValidationError({"name": "The school's name must be 200 characters or fewer."})
    return urn, name


# --- Destinations ----------------------------------------------------------------------------


@transaction.atomic
def record_destination(pupil: Pupil, *, recorded_by: Any, urn: str, name: str = "") -> Pupil:
    """Record the school a pupil is moving to: a Cairn school by URN, or any school by URN and name."""
    here = _here(recorded_by)
    urn, name = _clean_destination(urn, name, here)
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if (pupil.destination_urn, pupil.destination) == (urn, name):
        return pupil
    pupil.destination_urn, pupil.destination = urn, name
    pupil.save(update_fields=["destination_urn", "destination", "updated_at"])
    _revoke_grants_elsewhere(here, [pupil.pk], urn, user=recorded_by)
    audit(
        actor=recorded_by,
        action=AuditAction.UPDATE,
        obj=pupil,
        pupil_id=pupil.pk,
        fields=["destination", "destination_urn"],
        summary="Recorded the destination school",
    )
    return pupil


@transaction.atomic(durable=True)
def record_cohort_destination(
    *,
    recorded_by: Any,
    urn: str,
    name: str = "",
    nc_year: str = NCYear.Y6,
    pupil_ids: Iterable[int] | None = None,
) -> int:
    """Record one destination for a year group on roll (or the chosen pupils in it); returns how many."""
    here = _here(recorded_by)
    urn, name = _clean_destination(urn, name, here)
    pupils = Pupil.objects.filter(on_roll(today()), nc_year=nc_year)
    if pupil_ids is not None:
        ids = {int(i) for i in pupil_ids}
        if not ids:
            raise ValidationError({"pupils": "Choose at least one pupil."})
        pupils = pupils.filter(pk__in=ids)
    ids = list(pupils.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"pupils": f"There are no pupils in {NCYear(nc_year).label} on roll to update."})
    Pupil.objects.filter(pk__in=ids).update(destination_urn=urn, destination=name, updated_at=timezone.now())
    _revoke_grants_elsewhere(here, ids, urn, user=recorded_by)
    audit_events_bulk(
        actor=recorded_by,
        action=AuditAction.UPDATE,
        object_type="pupil",
        pupil_ids=ids,
        summary="Recorded the destination school for the year group",
        detail={"fields": ["destination", "destination_urn"]},
    )
    return len(ids)


# --- Access grants ---------------------------------------------------------------------------


def _audit_grant(grant: TransitionGrant, *, user: Any, action: str, summary: str, detail: dict | None = None) -> None:
    """A grant's change goes in the primary's trail (with the pupil), the next school's, and publicly."""
    event = dict(
        actor=user,
        action=action,
        object_type="transition_grant",
        object_id=grant.pk,
        acting_organisation=grant.primary,
        summary=summary,
        detail={**(detail or {}), "grant_id": grant.pk, "destination_id": grant.destination_id},
    )
    with schema_context(grant.primary.schema_name):
        record_event(**event, pupil_id=grant.primary_pupil_id)
    with schema_context(grant.destination.schema_name):
        record_event(**event)
    with schema_context(get_public_schema_name()):
        record_event(**event)


def _revoke_grants_elsewhere(here: Organisation, pupil_ids: list[int], urn: str, *, user: Any) -> None:
    """A new destination ends any open grant to another school: that school is no longer where the pupil goes."""
    grants = (
        TransitionGrant.objects.select_for_update(of=("self",))
        .filter(primary=here, primary_pupil_id__in=pupil_ids, revoked_at__isnull=True)
        .exclude(destination__urn=urn)
        .select_related("primary", "destination")
    )
    now = timezone.now()
    for grant in grants:
        grant.revoked_at, grant.revoked_by = now, user
        grant.save(update_fields=["revoked_at", "revoked_by"])
        _audit_grant(
            grant,
            user=user,
            action=AuditAction.UPDATE,
            summary=f"Revoked {grant.destination.name}'s access: the pupil's destination school changed",
        )


@transaction.atomic
def grant_access(
    pupil: Pupil,
    *,
    granted_by: Any,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> TransitionGrant:
    """Let the destination school's SENCOs read the pupil's record for a window, on the parents' consent."""
    here = _here(granted_by)
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    consent = require_consent(pupil)
    if not pupil.destination_urn:
        raise ValidationError({"destination": "Record the school the pupil is moving to first."})
    destination = destination_of(pupil)
    if destination is None:
        raise ValidationError(
            {
                "destination": f"{pupil.destination or 'The destination school'} is not on Cairn, so it cannot be "
                "given access. Send the transition file as a PDF and Common Transfer File instead."
            }
        )
    if destination.pk == here.pk:
        raise ValidationError({"destination": "A school cannot grant access to itself."})
    if starts_on is None or ends_on is None:
        default_start, default_end = default_window(pupil.nc_year)
        starts_on, ends_on = starts_on or default_start, ends_on or default_end
    _check_window(starts_on, ends_on, pupil)
    existing = TransitionGrant.objects.filter(
        primary=here, primary_pupil_id=pupil.pk, destination=destination, revoked_at__isnull=True
    ).first()
    if existing is not None:
        raise ValidationError(
            {
                "destination": f"{destination.name} already has access until {long_date(existing.ends_on)}. "
                "Change that grant's dates instead."
            }
        )
    grant = TransitionGrant.objects.create(
        primary=here,
        destination=destination,
        primary_pupil_id=pupil.pk,
        consent_id=consent.pk,
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=granted_by,
    )
    _audit_grant(
        grant,
        user=granted_by,
        action=AuditAction.SHARE,
        summary=f"Granted {destination.name} read access from {long_date(starts_on)} to {long_date(ends_on)}",
        detail={"consent_id": consent.pk},
    )
    return grant


def _own_grant(grant: TransitionGrant, user: Any) -> TransitionGrant:
    here = _here(user)
    grant = TransitionGrant.objects.select_for_update().select_related("primary", "destination").get(pk=grant.pk)
    if grant.primary_id != here.pk:
        raise PermissionDenied("Only the school that made a grant can change it.")
    if grant.revoked_at is not None:
        raise ValidationError(f"This grant was revoked on {long_date(timezone.localdate(grant.revoked_at))}.")
    return grant


@transaction.atomic(durable=True)
def change_grant_window(
    grant: TransitionGrant, *, changed_by: Any, starts_on: datetime.date, ends_on: datetime.date
) -> TransitionGrant:
    """Move a grant's start or end date."""
    grant = _own_grant(grant, changed_by)
    pupil = Pupil.objects.filter(pk=grant.primary_pupil_id).first()
    if pupil is None:
        raise ValidationError({"destination": "This pupil's record is no longer held here."})
    _check_window(starts_on, ends_on, pupil)
    day = today()
    grant_consent = Consent.objects.filter(pk=grant.consent_id, pupil_id=pupil.pk, given_on__lte=day)
    if not grant_consent.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)).exists():
        raise ValidationError(
            {"consent": "The parents' consent this grant rests on is no longer in force, so it cannot be extended."}
        )
    if pupil.destination_urn != grant.destination.urn:
        raise ValidationError(
            {
                "destination": f"{pupil.display_name} is no longer recorded as moving to {grant.destination.name}, "
                "so this grant cannot be changed. Revoke it instead."
            }
        )
    if (grant.starts_on, grant.ends_on) == (starts_on, ends_on):
        return grant
    grant.starts_on, grant.ends_on, grant.changed_at = starts_on, ends_on, timezone.now()
    grant.save(update_fields=["starts_on", "ends_on", "changed_at"])
    _audit_grant(
        grant,
        user=changed_by,
        action=AuditAction.UPDATE,
        summary=f"Changed {grant.destination.name}'s access to {long_date(starts_on)} to {long_date(ends_on)}",
        detail={"fields": ["starts_on", "ends_on"]},
    )
    return grant


@transaction.atomic(durable=True)
def revoke_grant(grant: TransitionGrant, *, revoked_by: Any) -> TransitionGrant:
    """End the next school's access at once."""
    grant = _own_grant(grant, revoked_by)
    grant.revoked_at, grant.revoked_by = timezone.now(), revoked_by
    grant.save(update_fields=["revoked_at", "revoked_by"])
    _audit_grant(
        grant, user=revoked_by, action=AuditAction.UPDATE, summary=f"Revoked {grant.destination.name}'s access"
    )
    return grant


# --- Handing the file on --------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedFile:
    """What a transition file will carry, and where it goes; the documents are the school's own rows."""

    pupil: Pupil
    destination: Organisation | None
    destination_urn: str
    destination_name: str
    record: dict[str, Any] = field(repr=False)
    documents: list[Document] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


def prepare_transition_file(
    pupil: Pupil,
    *,
    prepared_by: Any,
    sections: Iterable[str] = DEFAULT_SECTIONS,
    document_ids: Iterable[int] = (),
) -> PreparedFile:
    """Assemble the transition file for the pupil's destination; refused without consent or a destination."""
    here = _here(prepared_by)
    require_consent(pupil)
    if not pupil.destination_urn:
        raise ValidationError({"destination": "Record the school the pupil is moving to first."})
    chosen = [key for key in SECTIONS if key in set(sections)]
    if not chosen:
        raise ValidationError({"sections": "Choose at least one part of the record to send."})
    documents = chosen_documents(pupil, document_ids) if "documents" in chosen else []
    record = transition_record(pupil, school=here, sections=chosen, documents=documents)
    destination = destination_of(pupil)
    return PreparedFile(
        pupil=pupil,
        destination=destination,
        destination_urn=pupil.destination_urn,
        destination_name=destination.name if destination else pupil.destination,
        record=record,
        documents=documents,
        sections=record["sections"],
    )


@transaction.atomic
def note_file_sent(
    prepared: PreparedFile, *, sent_by: Any, method: str, envelope_id: int | None = None
) -> TransitionFile:
    """Keep a note (in the public schema, by ids) that the file went, and record it in the school's trail."""
    here = _here(sent_by)
    handed_on = TransitionFile.objects.create(
        sender=here,
        recipient=prepared.destination if method == HandoverMethod.EXCHANGE else None,
        destination_urn=prepared.destination_urn,
        destination_name=prepared.destination_name[:200],
        sender_pupil_id=prepared.pupil.pk,
        method=method,
        envelope_id=envelope_id,
        sections=list(prepared.sections),
        sent_by=sent_by,
    )
    audit(
        actor=sent_by,
        action=AuditAction.SHARE if method == HandoverMethod.EXCHANGE else AuditAction.EXPORT,
        obj=handed_on,
        pupil_id=prepared.pupil.pk,
        summary=f"Sent the transition file ({HandoverMethod(method).label.lower()})",
        detail={"sections": list(prepared.sections), "documents": len(prepared.documents), "envelope_id": envelope_id},
    )
    return handed_on


def file_acknowledged(sender: Any, *, message_id: int, kind: str, **kwargs: Any) -> None:
    """The exchange says a message was acknowledged: if it carried a transition file, the board shows it."""
    if kind == "transition_file":
        TransitionFile.objects.filter(envelope_id=message_id, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now()
        )


def note_file_received(*, envelope_id: int, recipient_pupil_id: int | None, imported_by: Any) -> None:
    """The next school has acknowledged (and imported) the file that went in this envelope."""
    now = timezone.now()
    changes: dict[str, Any] = {"acknowledged_at": now}
    if recipient_pupil_id is not None:
        changes.update(recipient_pupil_id=recipient_pupil_id, imported_at=now, imported_by=imported_by)
    TransitionFile.objects.filter(envelope_id=envelope_id).update(**changes)
