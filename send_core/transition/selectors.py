"""Reads for the primary school's transition board (in its own schema, plus its public grant rows)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tenants.models import Organisation
from tenants.roles import OrganisationKind

from ..models import Consent, ConsentScope, NCYear, Pupil
from ..selectors.pupils import on_roll
from .models import TransitionFile, TransitionGrant


@dataclass
class BoardRow:
    """One pupil on the transition board: where they are going and how far the hand-over has got."""

    pupil: Pupil
    destination_name: str
    destination_urn: str
    destination_on_cairn: bool
    has_consent: bool
    grant: TransitionGrant | None
    file: TransitionFile | None

    @property
    def acknowledged(self) -> bool:
        return self.file is not None and self.file.acknowledged_at is not None


def _consent_in_force(day: datetime.date) -> Exists:
    return Exists(
        Consent.objects.filter(
            pupil=OuterRef("pk"), scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL, given_on__lte=day
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    )


def transition_board(school: Organisation, *, nc_year: str = NCYear.Y6) -> list[BoardRow]:
    """The year group's pupils on roll with destination, consent, grant and file (five queries, however many pupils)."""
    day = timezone.localdate()
    pupils = list(
        Pupil.objects.filter(on_roll(day), nc_year=nc_year)
        .annotate(next_school_consent=_consent_in_force(day))
        .order_by("last_name", "legal_first_name", "id")
    )
    ids = [p.pk for p in pupils]
    grants: dict[int, TransitionGrant] = {}
    for grant in (
        TransitionGrant.objects.filter(primary=school, primary_pupil_id__in=ids)
        .select_related("destination")
        .order_by("granted_at", "id")
    ):
        current = grants.get(grant.primary_pupil_id)
        # An unrevoked grant is the one to show; otherwise the latest.
        if current is None or grant.revoked_at is None or current.revoked_at is not None:
            grants[grant.primary_pupil_id] = grant
    files = {
        f.sender_pupil_id: f
        for f in TransitionFile.objects.filter(sender=school, sender_pupil_id__in=ids).order_by("sent_at", "id")
    }
    urns = {p.destination_urn for p in pupils if p.destination_urn}
    on_cairn = set(
        Organisation.objects.filter(urn__in=urns, kind=OrganisationKind.SCHOOL, is_active=True).values_list(
            "urn", flat=True
        )
    )
    return [
        BoardRow(
            pupil=pupil,
            destination_name=pupil.destination,
            destination_urn=pupil.destination_urn,
            destination_on_cairn=pupil.destination_urn in on_cairn,
            has_consent=pupil.next_school_consent,
            grant=grants.get(pupil.pk),
            file=files.get(pupil.pk),
        )
        for pupil in pupils
    ]


def grants_for_pupil(school: Organisation, pupil: Pupil) -> list[TransitionGrant]:
    """Every grant the school has made for the pupil, newest first."""
    return list(
        TransitionGrant.objects.filter(primary=school, primary_pupil_id=pupil.pk)
        .select_related("destination", "granted_by", "revoked_by")
        .order_by("-granted_at", "-id")
    )


def files_for_pupil(school: Organisation, pupil: Pupil) -> list[TransitionFile]:
    """Every transition file the school has sent for the pupil, newest first."""
    return list(
        TransitionFile.objects.filter(sender=school, sender_pupil_id=pupil.pk)
        .select_related("recipient", "sent_by")
        .order_by("-sent_at", "-id")
    )


def grant_of(school: Organisation, grant_id: int) -> TransitionGrant:
    """One of the school's own grants (TransitionGrant.DoesNotExist otherwise)."""
    return TransitionGrant.objects.select_related("destination", "primary").get(pk=grant_id, primary=school)


def files_received(school: Organisation) -> list[TransitionFile]:
    """Transition files other schools have sent this school through the exchange, newest first."""
    return list(
        TransitionFile.objects.filter(recipient=school, envelope_id__isnull=False)
        .select_related("sender")
        .order_by("-sent_at", "-id")[:200]
    )
