"""What provision costs: per group, per pupil's share, per term and per school year.

The formula
-----------
Provision runs in **weeks**: the calendar weeks (Monday to Sunday) that hold at least one day of
its run, from its start date to its end date. Each week is dated by its first day inside the run
(the start date, then each Monday). August is holiday: its days cost nothing, and a week that
starts in August counts only if it reaches September (dated 1 September). A week
counts towards the term and school year its date falls in (see `terms`).

For an intervention group, each week costs

    staff cost     = sessions a week × minutes a session ÷ 60 × the hourly rate of the staff role
    resource share = the group's resource cost ÷ the number of weeks in the whole run

and that week's cost is shared equally by the pupils in the group that week (a pupil is in the
group in a week when they joined by its last day and had not left before its first). So, for a
group whose membership does not change,

    a pupil's share = (sessions × minutes ÷ 60 × hourly rate ÷ pupils in the group) per week
                      + resource cost ÷ pupils in the group, spread over the run's weeks.

One adult runs each session; naming two staff on a group shares the sessions, not the cost.

Individual provision: one-to-one support costs hours a week × the hourly rate of its staff role
in each of its weeks; specialist equipment costs its one-off price, dated by its start date. Equipment
dated in August counts from 1 September, in the school year (and autumn term) about to start, as a
week starting in August does.

Money is held as Decimal with 34 significant digits throughout and rounded to the penny once, at
the end, half up (ROUND_HALF_UP), for each figure shown. Each figure is rounded from its own exact
value, so a column of rounded shares can differ from its rounded total by a penny.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

PENNY = Decimal("0.01")
ZERO = Decimal("0")
PRECISION = Context(prec=34)


def to_pounds(amount: Decimal) -> Decimal:
    """The one rounding: to the penny, half up."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Week:
    on: datetime.date  # its first day inside the run
    last: datetime.date  # its last day inside the run


def run_weeks(starts_on: datetime.date, ends_on: datetime.date) -> list[Week]:
    """The counted weeks of a run (August left out)."""
    weeks: list[Week] = []
    day = starts_on
    while day <= ends_on:
        sunday = day + datetime.timedelta(days=6 - day.weekday())
        last = min(sunday, ends_on)
        # A week that starts in August counts from 1 September, if it reaches it.
        first = counted_on(day)
        if first <= last:
            weeks.append(Week(first, last))
        day = sunday + datetime.timedelta(days=1)
    return weeks


def counted_on(day: datetime.date) -> datetime.date:
    """The date a cost counts on: a day in August counts on the 1 September that follows (as `run_weeks` does)."""
    return datetime.date(day.year, 9, 1) if day.month == 8 else day


def _in_week(member: Any, week: Week) -> bool:
    return member.joined_on <= week.last and (member.left_on is None or member.left_on >= week.on)


@dataclass
class CostSheet:
    """Exact costs over a period; `pounds(...)` gives each figure rounded once."""

    start: datetime.date
    end: datetime.date
    by_pupil: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_group: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_pupil_in_group: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_individual: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    missing_rates: set[str] = field(default_factory=set)

    def pupil(self, pupil_id: int) -> Decimal:
        return to_pounds(self.by_pupil.get(pupil_id, ZERO))

    def group(self, group_id: int) -> Decimal:
        return to_pounds(self.by_group.get(group_id, ZERO))

    def share(self, pupil_id: int, group_id: int) -> Decimal:
        return to_pounds(self.by_pupil_in_group.get((pupil_id, group_id), ZERO))

    def individual(self, item_id: int) -> Decimal:
        return to_pounds(self.by_individual.get(item_id, ZERO))

    def total(self) -> Decimal:
        return to_pounds(sum(self.by_group.values(), ZERO) + sum(self.by_individual.values(), ZERO))

    def pupils_rounded(self) -> dict[int, Decimal]:
        return {pupil_id: to_pounds(amount) for pupil_id, amount in self.by_pupil.items()}


def _rate(rates: Mapping[str, Decimal], role: str, sheet: CostSheet) -> Decimal:
    if role not in rates:
        sheet.missing_rates.add(role)
        return ZERO
    return Decimal(rates[role])


def cost_provision(
    *,
    groups: Iterable[Any],
    individual: Iterable[Any],
    rates: Mapping[str, Decimal],
    start: datetime.date,
    end: datetime.date,
) -> CostSheet:
    """Cost the groups (each with a `members` list) and individual provision over [start, end].

    Groups carry staff_role, sessions_per_week, minutes_per_session, resource_cost, starts_on,
    ends_on and members (pupil_id, joined_on, left_on); individual provision carries kind,
    staff_role, hours_per_week, cost, starts_on and ends_on. Equipment counts on its start date, or
    on 1 September when bought in August. See the module's docstring for the formula.
    """
    sheet = CostSheet(start=start, end=end)
    with localcontext(PRECISION):
        for group in groups:
            weeks = run_weeks(group.starts_on, group.ends_on)
            if not weeks:
                continue
            staff = (
                Decimal(group.sessions_per_week)
                * Decimal(group.minutes_per_session)
                / Decimal(60)
                * _rate(rates, group.staff_role, sheet)
            )
            weekly = staff + Decimal(group.resource_cost or ZERO) / Decimal(len(weeks))
            # A model's prefetched related manager, or a plain list.
            members = list(group.members.all() if hasattr(group.members, "all") else group.members)
            for week in weeks:
                if not start <= week.on <= end:
                    continue
                sheet.by_group[group.pk] += weekly
                present = [m for m in members if _in_week(m, week)]
                if not present:
                    continue
                share = weekly / Decimal(len(present))
                for member in present:
                    sheet.by_pupil[member.pupil_id] += share
                    sheet.by_pupil_in_group[(member.pupil_id, group.pk)] += share
        for item in individual:
            if item.kind == "equipment":
                amount = Decimal(item.cost or ZERO) if start <= counted_on(item.starts_on) <= end else ZERO
            else:
                hourly = _rate(rates, item.staff_role, sheet)
                weeks = [w for w in run_weeks(item.starts_on, item.ends_on) if start <= w.on <= end]
                amount = Decimal(item.hours_per_week or ZERO) * hourly * Decimal(len(weeks))
            if amount:
                sheet.by_individual[item.pk] += amount
                sheet.by_pupil[item.pupil_id] += amount
    return sheet
