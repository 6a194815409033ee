"""Working out one school's figures from its own schema, as counts that identify nobody.

Called with the connection in the school's schema (by the refresh task). Every figure is worked
out "as on" a date from dated records (register entries, needs, reviews), so the same code
gives back-dated history. Year group and sex are the pupils' current ones.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Count, Q

from send_core.ehc.casework.selectors import la_timeliness_by_month
from send_core.ehc.requests.selectors import school_request_figures
from send_core.models import (
    ON_REGISTER_CODES,
    CensusCode,
    NeedRank,
    OutcomeProgress,
    Progress,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    ReviewStatus,
)
from send_core.provision.selectors import annual_cost_by_pupil
from send_core.selectors.pupils import covering, on_roll
from send_core.toolkit import current_toolkit

from .metrics import TIMELINESS_FIELDS

logger = logging.getLogger(__name__)

YEAR = datetime.timedelta(days=365)
MET = frozenset({Progress.MET, Progress.EXCEEDED})
NO_PRIMARY_NEED = "none"


@dataclass
class SchoolCounts:
    """Exact counts for one school on one day (kept in the public schema, suppressed when served)."""

    on: datetime.date
    pupils_on_roll: int = 0
    monitoring: int = 0
    sen_support: int = 0
    ehc_plan: int = 0
    by_primary_need: dict[str, int] = field(default_factory=dict)
    by_year_group: dict[str, int] = field(default_factory=dict)
    by_sex: dict[str, int] = field(default_factory=dict)
    plans_due_review: int = 0
    plans_reviewed_on_time: int = 0
    outcomes_judged: int = 0
    outcomes_met: int = 0
    sen_support_cost_total: Decimal | None = None
    sen_support_costed_pupils: int | None = None
    sen_support_cost_dominated: bool | None = None
    ehc_requests_made: int | None = None
    ehc_requests_agreed: int | None = None
    not_available: list[str] = field(default_factory=list)


# The domain's reads the figures are worked out from, by name. A name missing here means that part of
# Cairn gives no figures, and they are stored as "not available" rather than as zero.
SOURCES: dict[str, Callable[..., Any]] = {
    "annual_cost_by_pupil": annual_cost_by_pupil,
    "school_request_figures": school_request_figures,
    "la_timeliness_by_month": la_timeliness_by_month,
}


def _guarded(call, *args, **kwargs) -> tuple[bool, Any]:
    """Run a selector whose tables may not exist yet in this schema, without spoiling the refresh."""
    try:
        with transaction.atomic():
            return True, call(*args, **kwargs)
    except DatabaseError:
        logger.warning("Reporting figure not available: %s failed with a database error.", call.__qualname__)
        return False, None


def _pupils_on_roll(on: datetime.date):
    return Pupil.objects.filter(on_roll(on)).filter(Q(admission_date__isnull=True) | Q(admission_date__lte=on))


def compute_school_figures(on: datetime.date) -> SchoolCounts:
    """The school's figures on `on`, from the schema the connection is in."""
    counts = SchoolCounts(on=on)
    roll = _pupils_on_roll(on)
    counts.pupils_on_roll = roll.count()

    stages = dict(
        RegisterEntry.objects.filter(covering(on), pupil__in=roll)
        .values("census_code")
        .annotate(n=Count("pupil_id", distinct=True))
        .values_list("census_code", "n")
    )
    counts.monitoring = stages.get(CensusCode.NONE, 0)
    counts.sen_support = stages.get(CensusCode.SEN_SUPPORT, 0)
    counts.ehc_plan = stages.get(CensusCode.EHC_PLAN, 0)

    on_register = roll.filter(
        pk__in=RegisterEntry.objects.filter(covering(on), census_code__in=ON_REGISTER_CODES).values("pupil_id")
    )
    register_total = counts.sen_support + counts.ehc_plan
    needs = dict(
        PupilNeed.objects.filter(covering(on), rank=NeedRank.PRIMARY, pupil__in=on_register)
        .values("need_type")
        .annotate(n=Count("pupil_id", distinct=True))
        .values_list("need_type", "n")
    )
    # Pupils on the register with no primary need recorded make up the rest, so each breakdown
    # adds up to the register total (which the disclosure rules rely on).
    needs[NO_PRIMARY_NEED] = max(register_total - sum(needs.values()), 0)
    counts.by_primary_need = needs
    counts.by_year_group = dict(Counter(on_register.values_list("nc_year", flat=True)))
    counts.by_sex = dict(Counter(on_register.values_list("sex", flat=True)))

    _reviews(counts, on, on_register)
    _outcomes(counts, on)
    _provision_cost(counts, on)
    _ehc_requests(counts, on)
    return counts


def _reviews(counts: SchoolCounts, on: datetime.date, on_register) -> None:
    """Pupils on the register long enough to be due reviews, and how many had all they should.

    As the SEND dashboard judges it: the toolkit's cadence (CoP 6.65: at least three a year),
    pro rata for pupils on the register for under 12 months.
    """
    cadence = current_toolkit().reviews_per_year
    window_start = on - YEAR
    entries = list(
        RegisterEntry.objects.filter(pupil__in=on_register, started_on__lte=on)
        .order_by("pupil_id", "-started_on")
        .values("pupil_id", "census_code", "started_on", "ended_on")
    )
    spells: dict[int, datetime.date] = {}
    for entry in entries:
        pupil_id = entry["pupil_id"]
        if pupil_id not in spells:
            if entry["ended_on"] is None or entry["ended_on"] > on:
                spells[pupil_id] = entry["started_on"]
        elif entry["census_code"] in ON_REGISTER_CODES and entry["ended_on"] == spells[pupil_id]:
            # SEN Support then an EHC plan is one unbroken time on the register.
            spells[pupil_id] = entry["started_on"]
    closed = dict(
        Review.objects.filter(
            pupil_id__in=list(spells), status=ReviewStatus.CLOSED, held_on__gt=window_start, held_on__lte=on
        )
        .values("pupil_id")
        .annotate(n=Count("id"))
        .values_list("pupil_id", "n")
    )
    for pupil_id, since in spells.items():
        days = (on - max(since, window_start)).days
        expected = min(cadence, cadence * days // 365)
        if expected < 1:
            continue
        counts.plans_due_review += 1
        if closed.get(pupil_id, 0) >= expected:
            counts.plans_reviewed_on_time += 1


def _outcomes(counts: SchoolCounts, on: datetime.date) -> None:
    """Outcomes judged at reviews closed in the 12 months to `on`, and how many were met or exceeded."""
    judged = OutcomeProgress.objects.filter(
        review__status=ReviewStatus.CLOSED, review__held_on__gt=on - YEAR, review__held_on__lte=on
    )
    totals = judged.aggregate(all=Count("id"), met=Count("id", filter=Q(progress__in=MET)))
    counts.outcomes_judged = totals["all"] or 0
    counts.outcomes_met = totals["met"] or 0


def _academic_year(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(on.year if on.month >= 9 else on.year - 1, 9, 1)
    return start, datetime.date(start.year + 1, 8, 31)


def _provision_cost(counts: SchoolCounts, on: datetime.date) -> None:
    """Costed provision per pupil at SEN Support this academic year (from the provision map)."""
    selector = SOURCES.get("annual_cost_by_pupil")
    if selector is None:
        counts.not_available.append("provision cost")
        return
    year_start, year_end = _academic_year(on)
    ok, costs = _guarded(selector, year_start=year_start, year_end=year_end)
    if not ok:
        counts.not_available.append("provision cost")
        return
    at_sen_support = set(
        RegisterEntry.objects.filter(
            covering(on), census_code=CensusCode.SEN_SUPPORT, pupil__in=_pupils_on_roll(on)
        ).values_list("pupil_id", flat=True)
    )
    costed = [Decimal(cost) for pupil_id, cost in (costs or {}).items() if pupil_id in at_sen_support]
    costed = [cost for cost in costed if cost > 0]
    total = sum(costed, Decimal("0"))
    # Counts only, never whose: how many pupils have costed provision, and whether one pupil's is
    # more than half of the total (a cost per pupil would then mostly describe that one child).
    counts.sen_support_costed_pupils = len(costed)
    counts.sen_support_cost_dominated = bool(costed) and max(costed) * 2 > total
    counts.sen_support_cost_total = total.quantize(Decimal("0.01"))


def _ehc_requests(counts: SchoolCounts, on: datetime.date) -> None:
    """EHC needs-assessment requests the school made in the 12 months to `on`, and how many the LA agreed."""
    selector = SOURCES.get("school_request_figures")
    if selector is None:
        counts.not_available.append("EHC requests")
        return
    ok, figures = _guarded(selector, start=on - YEAR + datetime.timedelta(days=1), end=on)
    if not ok or not isinstance(figures, dict):
        counts.not_available.append("EHC requests")
        return
    counts.ehc_requests_made = int(figures.get("requests_made", 0))
    counts.ehc_requests_agreed = int(figures.get("requests_agreed", 0))


def compute_la_timeliness(*, start: datetime.date, end: datetime.date) -> list[dict] | None:
    """An LA's EHC casework by month (from its own schema), or None while casework is not available.

    "Plans within 20 weeks" counts against the statutory 20 weeks (Reg 13(2)) moved only by lawful
    Reg 10(4) exceptions that began before the deadline: never by a missed appointment (Reg 8(2)) or
    a shorter absence, so the figure cannot be flattered by exceptions the law does not allow.
    """
    selector = SOURCES.get("la_timeliness_by_month")
    if selector is None:
        return None
    ok, rows = _guarded(selector, start=start, end=end)
    if not ok or rows is None:
        return None
    months = []
    for row in rows:
        month = row["month"]
        months.append({"month": month.replace(day=1), **{name: int(row.get(name) or 0) for name in TIMELINESS_FIELDS}})
    return months
