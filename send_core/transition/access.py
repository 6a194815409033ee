"""The one way a school reads another school's schema: an incoming pupil's record, under a grant.

Everything here is asked from the next school's request (its schema active). Each read checks
the person (a SENCO here), the grant (for this school, not revoked, inside its window) and the
parents' consent (still in force in the primary school's schema); then it switches to the
primary school's schema deliberately, copies what it needs into plain data, switches back, and
records the read in both schools' trails. A refused attempt is recorded in both trails too.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import CharField, OuterRef, Q, Subquery
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_children_shown, record_cross_organisation_event, record_event

from tenants.models import Organisation
from tenants.selectors import roles_in

from ..models import Consent, ConsentScope, NeedRank, Pupil, PupilNeed, RegisterEntry
from ..selectors.pupils import covering
from .models import TransitionFile, TransitionGrant
from .permissions import can_read_incoming
from .records import transition_record

OBJECT_TYPE = "transition_grant"


@dataclass(frozen=True)
class IncomingPupil:
    """One pupil coming from a feeder school, as the next school's list shows them."""

    grant_id: int
    feeder_name: str
    pupil_name: str
    year_label: str
    stage_label: str
    primary_need: str
    starts_on: datetime.date
    ends_on: datetime.date
    file_sent_at: datetime.datetime | None
    file_imported_at: datetime.datetime | None


@dataclass(frozen=True)
class FeederSchool:
    name: str
    pupils: tuple[IncomingPupil, ...]


@dataclass(frozen=True)
class IncomingFile:
    """An incoming pupil's record, read under a grant: plain data only, nothing that can be saved."""

    grant_id: int
    feeder_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    record: dict[str, Any] = field(repr=False)


@contextmanager
def in_feeder_schema(organisation: Organisation) -> Iterator[None]:
    """Switch the connection to the feeder school's schema, and back to where it was, whatever happens."""
    previous = connection.tenant
    connection.set_tenant(organisation)
    try:
        yield
    finally:
        if previous is None or getattr(previous, "schema_name", None) == get_public_schema_name():
            connection.set_schema_to_public()
        else:
            connection.set_tenant(previous)


def _denied(*, user: Any, organisation: Organisation, grant: TransitionGrant | None, reason: str) -> PermissionDenied:
    """Record a refused read in both schools' trails, and the refusal to raise."""
    with transaction.atomic(durable=True):
        if grant is None:
            record_event(
                actor=user,
                action=AuditAction.DENIED,
                object_type=OBJECT_TYPE,
                acting_organisation=organisation,
                summary="Refused a read of an incoming pupil's record: no such grant",
            )
        else:
            record_cross_organisation_event(
                actor=user,
                action=AuditAction.DENIED,
                object_type=OBJECT_TYPE,
                object_id=grant.pk,
                acting_organisation=organisation,
                owning_organisation=grant.primary,
                pupil_id=grant.primary_pupil_id,
                summary=f"Refused a read of an incoming pupil's record: {reason}"[:255],
                detail={"grant_id": grant.pk},
            )
    return PermissionDenied(reason)


def _consent_in_force(consents: Any, day: datetime.date) -> Any:
    return consents.filter(scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL, given_on__lte=day).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
    )


def grant_no_longer_stands(grant: TransitionGrant, pupil: Pupil | None, day: datetime.date) -> str | None:
    """Why a grant no longer lets the next school read (in the feeder's schema), or None while it stands.

    A grant rests on one consent and one destination: once that consent is withdrawn or the pupil
    is recorded as going elsewhere, the grant no longer speaks for the parents. Leaving for the
    granted school does not end it: reading on into the autumn of Year 7 is what the window is for.
    """
    if pupil is None:
        return "This pupil's record is no longer held by the school that shared it."
    if not _consent_in_force(Consent.objects.filter(pk=grant.consent_id, pupil_id=pupil.pk), day).exists():
        return "The parents' consent to share this record is no longer in force."
    if pupil.destination_urn != grant.destination.urn:
        return "This pupil is no longer recorded as moving to your school."
    return None


def _check_reader(user: Any, organisation: Organisation, *, grant_id: int | None = None) -> None:
    """Only the next school's SENCO reads; anyone else's attempt is recorded in this school's trail."""
    if can_read_incoming(roles_in(user, organisation)):
        return
    reason = "Only the SENCO can read the records of pupils coming from their feeder schools."
    # Nothing of the feeder school is touched yet, so the refusal belongs in this school's own trail.
    with transaction.atomic(durable=True), schema_context(organisation.schema_name):
        record_event(
            actor=user,
            action=AuditAction.DENIED,
            object_type=OBJECT_TYPE,
            object_id=grant_id or "",
            acting_organisation=organisation,
            summary=(
                "Refused a read of an incoming pupil's record: not the SENCO"
                if grant_id
                else "Refused the list of incoming pupils: not the SENCO"
            ),
            detail={"grant_id": grant_id} if grant_id else {},
        )
    raise PermissionDenied(reason)


def read_incoming_pupil(grant_id: int, *, user: Any, organisation: Organisation) -> IncomingFile:
    """An incoming pupil's record for the next school's SENCO, read from the feeder school's schema and audited.

    PermissionDenied (recorded in both schools' trails) when the grant is not this school's, was
    revoked, is outside its window, or no longer stands (see grant_no_longer_stands).
    """
    _check_reader(user, organisation, grant_id=grant_id)
    grant = TransitionGrant.objects.select_related("primary", "destination").filter(pk=grant_id).first()
    if grant is None:
        raise _denied(user=user, organisation=organisation, grant=None, reason="There is no such grant.")
    if grant.destination_id != organisation.pk:
        raise _denied(
            user=user, organisation=organisation, grant=grant, reason="This pupil's record was not shared with you."
        )
    day = timezone.localdate()
    if grant.revoked_at is not None:
        raise _denied(
            user=user,
            organisation=organisation,
            grant=grant,
            reason=f"{grant.primary.name} has revoked your access to this pupil's record.",
        )
    if not grant.is_live_on(day):
        when = "has not started yet" if day < grant.starts_on else "has ended"
        raise _denied(
            user=user,
            organisation=organisation,
            grant=grant,
            reason=f"Your access to this pupil's record {when} (it runs from {grant.starts_on:%-d %B %Y} "
            f"to {grant.ends_on:%-d %B %Y}).",
        )
    with in_feeder_schema(grant.primary):
        pupil = Pupil.objects.filter(pk=grant.primary_pupil_id).first()
        refusal = grant_no_longer_stands(grant, pupil, day)
        record = transition_record(pupil, school=grant.primary) if refusal is None else None
    if record is None:
        raise _denied(user=user, organisation=organisation, grant=grant, reason=refusal or "")
    record_cross_organisation_event(
        actor=user,
        action=AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_id=grant.pk,
        acting_organisation=organisation,
        owning_organisation=grant.primary,
        pupil_id=grant.primary_pupil_id,
        summary=f"{organisation.name} read the record of an incoming pupil",
        detail={"grant_id": grant.pk, "what": "transition record"},
    )
    return IncomingFile(
        grant_id=grant.pk,
        feeder_name=grant.primary.name,
        starts_on=grant.starts_on,
        ends_on=grant.ends_on,
        record=record,
    )


def _summaries(grants: list[TransitionGrant], day: datetime.date) -> dict[int, dict[str, str]]:
    """Name, year, stage and primary need for each pupil whose grant still stands (in the active schema).

    Two queries: the grants' own consents still in force, then the pupils. A pupil whose consent
    was withdrawn, whose destination changed or who has left is not listed.
    """
    live_consents = set(
        _consent_in_force(Consent.objects.filter(pk__in=[g.consent_id for g in grants]), day).values_list(
            "pk", "pupil_id"
        )
    )
    standing = {
        g.primary_pupil_id: g.destination.urn for g in grants if (g.consent_id, g.primary_pupil_id) in live_consents
    }
    stage = RegisterEntry.objects.filter(covering(day), pupil=OuterRef("pk")).order_by("-started_on", "-id")
    need = PupilNeed.objects.filter(covering(day), pupil=OuterRef("pk"), rank=NeedRank.PRIMARY)
    rows = Pupil.objects.filter(pk__in=list(standing)).annotate(
        stage_label=Subquery(stage.values("stage_label")[:1], output_field=CharField()),
        need_label=Subquery(need.values("need_type")[:1], output_field=CharField()),
    )
    summaries = {}
    for pupil in rows:
        if pupil.destination_urn != standing[pupil.pk]:
            continue  # now recorded as going elsewhere: the grant no longer speaks for this child
        summaries[pupil.pk] = {
            "name": pupil.display_name,
            "year": pupil.get_nc_year_display(),
            "stage": pupil.stage_label or "",
            "need": pupil.need_label or "",
        }
    return summaries


def incoming_pupils(*, user: Any, organisation: Organisation) -> list[FeederSchool]:
    """Pupils coming to this school under a live grant, by feeder school; each listing is audited on both sides."""
    _check_reader(user, organisation)
    day = timezone.localdate()
    grants = list(
        TransitionGrant.objects.filter(
            destination=organisation, revoked_at__isnull=True, starts_on__lte=day, ends_on__gte=day
        )
        .select_related("primary", "destination")
        .order_by("primary__name", "id")
    )
    files = {
        (f.sender_id, f.sender_pupil_id): f
        for f in TransitionFile.objects.filter(recipient=organisation).order_by("sent_at", "id")
    }
    by_feeder: dict[int, list[TransitionGrant]] = defaultdict(list)
    for grant in grants:
        by_feeder[grant.primary_id].append(grant)
    feeders = []
    for feeder_grants in by_feeder.values():
        feeder = feeder_grants[0].primary
        with in_feeder_schema(feeder):
            summaries = _summaries(feeder_grants, day)
            shown = [g for g in feeder_grants if g.primary_pupil_id in summaries]
            # The feeder school's trail says which of its pupils the next school saw listed: one row
            # for the response, naming them.
            record_children_shown(
                actor=user,
                acting_organisation=organisation,
                pupil_ids=[grant.primary_pupil_id for grant in shown],
                what=f"pupils listed as incoming by {organisation.name}",
                object_type=OBJECT_TYPE,
                detail={"grant_ids": [grant.pk for grant in shown], "owner_organisation_id": feeder.pk},
            )
        pupils = []
        for grant in shown:
            summary = summaries[grant.primary_pupil_id]
            handed_on = files.get((feeder.pk, grant.primary_pupil_id))
            pupils.append(
                IncomingPupil(
                    grant_id=grant.pk,
                    feeder_name=feeder.name,
                    pupil_name=summary["name"],
                    year_label=summary["year"],
                    stage_label=summary["stage"],
                    primary_need=summary["need"],
                    starts_on=grant.starts_on,
                    ends_on=grant.ends_on,
                    file_sent_at=handed_on.sent_at if handed_on else None,
                    file_imported_at=handed_on.imported_at if handed_on else None,
                )
            )
        if pupils:
            feeders.append(FeederSchool(name=feeder.name, pupils=tuple(pupils)))
    if feeders:
        with schema_context(organisation.schema_name):
            record_event(
                actor=user,
                action=AuditAction.VIEW,
                object_type=OBJECT_TYPE,
                acting_organisation=organisation,
                summary="Saw the list of incoming pupils",
                detail={"grant_ids": [p.grant_id for f in feeders for p in f.pupils][:1000]},
            )
    return feeders


__all__ = [
    "FeederSchool",
    "IncomingFile",
    "IncomingPupil",
    "in_feeder_schema",
    "incoming_pupils",
    "read_incoming_pupil",
]
