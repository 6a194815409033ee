"""The provision app's kinds of record on a pupil (registered from ProvisionConfig.ready())."""

from __future__ import annotations

import datetime
from decimal import Decimal

from send_core.kinds import RecordKind, RecordSection, register_record_kind
from send_core.models import Pupil

from .models import GroupMember, IndividualProvision, SessionAttendance
from .selectors import annual_cost_by_pupil


def annual_cost(pupil: Pupil, today: datetime.date) -> Decimal | None:
    """The pupil's costed provision over the last year, where the school maps its provision (EHC evidence)."""
    costs = annual_cost_by_pupil(year_start=today - datetime.timedelta(days=365), year_end=today)
    return costs.get(pupil.pk)


PROVISION_KINDS = (
    RecordKind(
        "provision",
        "Groups, sessions and individual provision",
        (GroupMember, SessionAttendance, IndividualProvision),
        stays_with_school="groups and sessions are this school's timetable; what the pupil receives travels as "
        "the plan's provision, and its impact as assessments",
        annual_cost=annual_cost,
        # The page is the record's own (send_core), drawn from the panel this app registers in ports.py.
        section=RecordSection("provision", "Provision", "send_core:pupil-provision", 60),
    ),
)


def register() -> None:
    for kind in PROVISION_KINDS:
        register_record_kind(kind)
