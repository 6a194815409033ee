"""Choosing which pupils a CTF export holds and where it is addressed (shared by the page and the API)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from send_core.models import NCYear, Pupil
from send_core.selectors.pupils import on_roll
from send_core.transition.permissions import can_manage_transition
from send_core.transition.services import find_cairn_school
from tenants.models import Organisation

from .ctf import export_ctf, record_export


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    count: int


def _pupils(pupil_ids: Iterable[Any], nc_year: str) -> list[Pupil]:
    if nc_year:
        if nc_year not in NCYear.values:
            raise ValidationError({"nc_year": "Choose a year group the census knows, such as 6."})
        pupils = list(Pupil.objects.filter(on_roll(timezone.localdate()), nc_year=nc_year).order_by("last_name", "id"))
    else:
        try:
            ids = {int(value) for value in pupil_ids}
        except (TypeError, ValueError):
            raise ValidationError({"pupil": "Pupils are chosen by their number."}) from None
        if not ids:
            raise ValidationError({"pupil": "Choose a pupil or a year group to export."})
        pupils = list(Pupil.objects.filter(pk__in=ids).order_by("last_name", "id"))
        if len(pupils) != len(ids):
            raise ValidationError({"pupil": "One or more of those pupils is not on this school's roll."})
    if not pupils:
        raise ValidationError({"nc_year": "There are no pupils on roll in that year group."})
    return pupils


def ctf_export(
    *,
    school: Organisation,
    user: Any,
    roles: frozenset[str],
    pupil_ids: Iterable[Any] = (),
    nc_year: str = "",
    destination_urn: str = "",
) -> Export:
    """A CTF of chosen pupils (or a year group), addressed to a Cairn school by URN, or to the pupils' shared destination."""
    if not can_manage_transition(roles):
        raise PermissionDenied("Only the SENCO or headteacher can export a Common Transfer File.")
    pupils = _pupils(pupil_ids, nc_year)
    if not destination_urn:
        urns = {p.destination_urn for p in pupils}
        destination_urn = urns.pop() if len(urns) == 1 else ""
    destination = find_cairn_school(destination_urn)
    content = export_ctf(pupils, source=school, destination=destination)
    record_export(pupils, exported_by=user, destination=destination.dfe_number if destination else "not known")
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return Export(
        filename=f"CTF-{school.la_code}{school.establishment_number}-{stamp}.xml", content=content, count=len(pupils)
    )
