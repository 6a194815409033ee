"""Choosing which pupils a CTF export holds and where it is addressed (shared by the page and the API)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from send_core.models import NCYear, Pupil, TransferFileSequence
from send_core.selectors.pupils import on_roll
from send_core.transition.permissions import can_manage_transition
from send_core.transition.services import find_cairn_school
from tenants.models import Organisation

from .ctf import UNKNOWN_ESTAB, UNKNOWN_LA, export_ctf, record_export

SEQUENCE_LIMIT = 999  # NNN: three digits, so after 999 the count starts again at 001


@transaction.atomic
def next_sequence_number(destination: str) -> int:
    """The next number (001–999, then round again) for a CTF from this school to `destination`."""
    counter, _ = TransferFileSequence.objects.select_for_update().get_or_create(destination=destination)
    counter.last_number = counter.last_number % SEQUENCE_LIMIT + 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def ctf_filename(source: Organisation, destination: Organisation | None) -> str:
    """A CTF's name as the CTF specification sets it: `LLLEEEE_CTF_LLLEEEE_NNN.xml`.

    The source school's LA and establishment numbers, `CTF`, the destination's (or `MMMMMMM` when
    it is not known), and a three-digit sequence number for files to that destination.
    """
    to = f"{destination.la_code}{destination.establishment_number}" if destination else UNKNOWN_LA + UNKNOWN_ESTAB
    return f"{source.la_code}{source.establishment_number}_CTF_{to}_{next_sequence_number(to):03d}.xml"


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
    return Export(filename=ctf_filename(school, destination), content=content, count=len(pupils))
