"""Reads about provision that the pages, the API, other parts of Cairn and the census share."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from send_core.disclosure import protect_counts
from send_core.models import (
    EDITABLE_PLAN_STATUSES,
    NC_YEAR_ORDER,
    NCYear,
    NeedRank,
    NeedType,
    PlanProvision,
    Pupil,
    PupilNeed,
    RegisterEntry,
)
from send_core.permissions import CLASS_STAFF
from send_core.selectors.pupils import covering
from send_core.services.base import today

from .costing import ZERO, CostSheet, cost_provision, to_pounds
from .models import (
    DEFAULT_NOTIONAL_THRESHOLD,
    Attendance,
    GroupMember,
    GroupSession,
    HourlyRate,
    IndividualKind,
    IndividualProvision,
    Intervention,
    ProvisionGroup,
    ProvisionSettings,
)
from .permissions import can_manage_provision, group_window
from .terms import SchoolYear, Term, school_year_of

# --- Settings and the catalogue ----------------------------------------------------------------


def hourly_rates() -> dict[str, Decimal]:
    """The school's hourly rate for each staff role it has set."""
    return {rate.staff_role: rate.hourly_rate for rate in HourlyRate.objects.all()}


def notional_threshold() -> Decimal:
    """What a pupil's costed provision in a school year must pass to be flagged (default £6,000)."""
    settings = ProvisionSettings.objects.order_by("pk").first()
    return settings.notional_threshold if settings else DEFAULT_NOTIONAL_THRESHOLD


def catalogue(*, offered_only: bool = False) -> QuerySet[Intervention]:
    items = Intervention.objects.all()
    return items.filter(is_active=True) if offered_only else items


# --- Groups --------------------------------------------------------------------------------------


def _members() -> Prefetch:
    return Prefetch("members", queryset=GroupMember.objects.select_related("pupil", "pupil__school_class"))


def groups_for(user: Any, roles: frozenset[str]) -> QuerySet[ProvisionGroup]:
    """Groups this person may open: every group for the SENCO and head; for class staff, the groups they
    run, inside each group's window (see permissions.group_window)."""
    groups = ProvisionGroup.objects.select_related("intervention").prefetch_related("staff__user", _members())
    if can_manage_provision(roles):
        return groups
    if roles & CLASS_STAFF:
        return groups.filter(group_window(today()), staff__user_id=getattr(user, "pk", None)).distinct()
    return groups.none()


def get_group(group_id: int) -> ProvisionGroup:
    return (
        ProvisionGroup.objects.select_related("intervention")
        .prefetch_related("staff__user", _members())
        .get(pk=group_id)
    )


def session_on(group: ProvisionGroup, day: datetime.date) -> GroupSession | None:
    return GroupSession.objects.filter(group=group, held_on=day).prefetch_related("attendance").first()


def recent_sessions(group: ProvisionGroup, limit: int = 10) -> list[GroupSession]:
    """The group's latest sessions, newest first, with how many attended and were absent."""
    return list(
        GroupSession.objects.filter(group=group).annotate(
            attended_count=Count("attendance", filter=Q(attendance__attendance=Attendance.ATTENDED)),
            absent_count=Count("attendance", filter=Q(attendance__attendance=Attendance.ABSENT)),
        )[:limit]
    )


def _groups_between(start: datetime.date, end: datetime.date) -> list[ProvisionGroup]:
    return list(
        ProvisionGroup.objects.filter(starts_on__lte=end, ends_on__gte=start)
        .select_related("intervention")
        .prefetch_related(Prefetch("members", queryset=GroupMember.objects.order_by("pk")))
    )


def _individual_between(start: datetime.date, end: datetime.date) -> list[IndividualProvision]:
    # Equipment bought in August counts from 1 September (see costing), so it is fetched with September's.
    august = Q(kind=IndividualKind.EQUIPMENT, starts_on__gte=start - datetime.timedelta(days=31))
    return list(IndividualProvision.objects.filter(Q(ends_on__gte=start) | august, starts_on__lte=end))


def cost_sheet(start: datetime.date, end: datetime.date) -> CostSheet:
    """Every group and individual provision in this school, costed over [start, end]."""
    return cost_provision(
        groups=_groups_between(start, end),
        individual=_individual_between(start, end),
        rates=hourly_rates(),
        start=start,
        end=end,
    )


def annual_cost_by_pupil(*, year_start: datetime.date, year_end: datetime.date) -> dict[int, Decimal]:
    """Costed provision (group shares + individual provision) per pupil id over the dates, in the current schema."""
    return cost_sheet(year_start, year_end).pupils_rounded()


# --- The provision map ---------------------------------------------------------------------------


@dataclass
class MapLine:
    what: str
    kind: str  # "group" or the individual kind
    cost: Decimal


@dataclass
class MapRow:
    pupil: Pupil
    lines: list[MapLine]
    term_cost: Decimal
    year_cost: Decimal
    flagged: bool

    @property
    def year_group(self) -> str:
        return self.pupil.get_nc_year_display()

    @property
    def need(self) -> str:
        code = getattr(self.pupil, "primary_need_type", None)
        return str(NeedType(code).label) if code in NeedType.values else "No recorded need"


@dataclass
class FigureRow:
    label: str
    pupils: int | str  # "Fewer than 5" or "Suppressed" for figures-only readers
    cost: Decimal


@dataclass
class GroupFigure:
    group: ProvisionGroup
    pupils: int
    cost: Decimal
    per_pupil: Decimal


@dataclass
class ProvisionMap:
    term: Term
    year: SchoolYear
    threshold: Decimal
    rows: list[MapRow]
    by_year_group: list[FigureRow]
    by_need: list[FigureRow]
    groups: list[GroupFigure]
    term_total: Decimal
    year_total: Decimal
    missing_rates: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[MapRow]:
        return [row for row in self.rows if row.flagged]


def _pupils_with_context(pupil_ids: set[int], day: datetime.date) -> dict[int, Pupil]:
    entry = RegisterEntry.objects.filter(covering(day), pupil=OuterRef("pk")).order_by("-started_on", "-id")
    primary = PupilNeed.objects.filter(covering(day), pupil=OuterRef("pk"), rank=NeedRank.PRIMARY).order_by(
        "-started_on"
    )
    pupils = Pupil.objects.filter(pk__in=pupil_ids).annotate(
        stage_label=Subquery(entry.values("stage_label")[:1]),
        census_code=Subquery(entry.values("census_code")[:1]),
        primary_need_type=Subquery(primary.values("need_type")[:1]),
    )
    return {p.pk: p for p in pupils.select_related("school_class")}


def _figures(rows: list[MapRow], sheet: CostSheet, key, order: list[str]) -> list[FigureRow]:
    """Pupils and cost per label; each cost is the exact sum of its pupils' costs, rounded once."""
    pupils: dict[str, int] = defaultdict(int)
    cost: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        label = key(row)
        pupils[label] += 1
        cost[label] += sheet.by_pupil.get(row.pupil.pk, ZERO)
    labels = sorted(pupils, key=lambda label: (order.index(label) if label in order else len(order), label))
    return [FigureRow(label, pupils[label], to_pounds(cost[label])) for label in labels]


def provision_map(term: Term) -> ProvisionMap:
    """Who receives what in a term, at what cost; each pupil's cost over the school year, flagged
    when it passes the school's notional threshold. A fixed number of queries, however many pupils."""
    year = term.school_year
    year_sheet = cost_sheet(year.starts_on, year.ends_on)
    term_groups = [g for g in _groups_between(term.starts_on, term.ends_on)]
    term_individual = _individual_between(term.starts_on, term.ends_on)
    term_sheet = cost_provision(
        groups=term_groups, individual=term_individual, rates=hourly_rates(), start=term.starts_on, end=term.ends_on
    )
    threshold = notional_threshold()
    year_costs = year_sheet.pupils_rounded()
    flagged_ids = {pupil_id for pupil_id, cost in year_costs.items() if cost > threshold}
    pupil_ids = {pupil_id for pupil_id, cost in term_sheet.by_pupil.items() if cost} | flagged_ids
    pupils = _pupils_with_context(pupil_ids, min(term.ends_on, max(term.starts_on, datetime.date.today())))

    lines: dict[int, list[MapLine]] = defaultdict(list)
    for group in term_groups:
        for member in group.members.all():
            share = term_sheet.share(member.pupil_id, group.pk)
            if share:
                lines[member.pupil_id].append(MapLine(group.name, "group", share))
    for item in term_individual:
        cost = term_sheet.individual(item.pk)
        if cost:
            lines[item.pupil_id].append(MapLine(item.description, item.get_kind_display(), cost))

    rows = [
        MapRow(
            pupil=pupil,
            lines=lines.get(pupil.pk, []),
            term_cost=term_sheet.pupil(pupil.pk),
            year_cost=year_costs.get(pupil.pk, ZERO),
            flagged=pupil.pk in flagged_ids,
        )
        for pupil in pupils.values()
    ]
    year_order = {code: index for index, code in enumerate(NC_YEAR_ORDER)}
    rows.sort(key=lambda r: (year_order.get(r.pupil.nc_year, 99), r.pupil.last_name, r.pupil.legal_first_name))
    year_labels = [str(NCYear(code).label) for code in NC_YEAR_ORDER if code in NCYear.values]
    need_labels = [str(label) for label in NeedType.labels]
    groups = []
    for group in term_groups:
        cost = term_sheet.group(group.pk)
        in_term = {m.pupil_id for m in group.members.all() if term_sheet.share(m.pupil_id, group.pk)}
        if cost or in_term:
            per_pupil = to_pounds(term_sheet.by_group[group.pk] / len(in_term)) if in_term else ZERO
            groups.append(GroupFigure(group, len(in_term), cost, per_pupil))
    return ProvisionMap(
        term=term,
        year=year,
        threshold=threshold,
        rows=rows,
        by_year_group=_figures(rows, term_sheet, lambda r: r.year_group, year_labels),
        by_need=_figures(rows, term_sheet, lambda r: r.need, need_labels),
        groups=groups,
        term_total=term_sheet.total(),
        year_total=year_sheet.total(),
        missing_rates=sorted(term_sheet.missing_rates | year_sheet.missing_rates),
    )


# --- Figures for those who see no child --------------------------------------------------------------

# Governors and the business manager see figures only. A count of one to four pupils could point to a
# child, so it reads "Fewer than 5", and a group that small is shown only within its intervention.
SMALL_NUMBER = 5
FEWER_THAN_5 = "Fewer than 5"


def count_shown(count: int, *, hide_small: bool) -> int | str:
    """A count as shown: "Fewer than 5" for 1 to 4 when small numbers are hidden."""
    return FEWER_THAN_5 if hide_small and 0 < count < SMALL_NUMBER else count


@dataclass
class GroupLine:
    """A row of the map's figures by group; for figures-only readers, the groups of fewer than 5 pupils
    are one row per intervention."""

    name: str
    intervention: str
    pupils: int | str
    cost: Decimal
    per_pupil: Decimal | None  # None when the count is hidden (cost ÷ per pupil would give it away)
    group_id: int | None = None


@dataclass
class MapFigures:
    by_year_group: list[FigureRow]
    by_need: list[FigureRow]
    groups: list[GroupLine]
    flagged: int | str


def map_figures(the_map: ProvisionMap, *, hide_small: bool) -> MapFigures:
    """The map's figures as a reader sees them (hide_small for the roles that see no child)."""

    protected: dict[str, int | str] = {}
    if hide_small:
        # Year groups and needs each add up to the pupils on the map (never shown): a reader who could
        # work a "Fewer than 5" out from them sees another cell withheld too.
        cells = {f"year:{i}": f.pupils for i, f in enumerate(the_map.by_year_group)}
        cells.update({f"need:{i}": f.pupils for i, f in enumerate(the_map.by_need)})
        cells["pupils"] = sum(f.pupils for f in the_map.by_year_group)
        sums = [("pupils", [name for name in cells if name.startswith("year:")])]
        if sum(f.pupils for f in the_map.by_need) == cells["pupils"]:
            sums.append(("pupils", [name for name in cells if name.startswith("need:")]))
        protected = protect_counts(cells, sums, hidden=["pupils"])

    def rows(figures: list[FigureRow], prefix: str) -> list[FigureRow]:
        if not hide_small:
            return list(figures)
        return [FigureRow(f.label, protected[f"{prefix}:{i}"], f.cost) for i, f in enumerate(figures)]

    lines: list[GroupLine] = []
    small: dict[str, list[GroupFigure]] = defaultdict(list)
    for f in the_map.groups:
        if hide_small and f.pupils < SMALL_NUMBER:
            small[f.group.intervention.name].append(f)
        else:
            lines.append(GroupLine(f.group.name, f.group.intervention.name, f.pupils, f.cost, f.per_pupil, f.group.pk))
    for name in sorted(small):
        pupils = sum(f.pupils for f in small[name])
        cost = sum((f.cost for f in small[name]), ZERO)
        shown = count_shown(pupils, hide_small=True)
        per_pupil = to_pounds(cost / pupils) if pupils and shown == pupils else None
        lines.append(GroupLine(f"{name}: groups of fewer than 5", name, shown, cost, per_pupil))
    return MapFigures(
        by_year_group=rows(the_map.by_year_group, "year"),
        by_need=rows(the_map.by_need, "need"),
        groups=lines,
        flagged=count_shown(len(the_map.flagged), hide_small=hide_small),
    )


# --- One pupil's provision ----------------------------------------------------------------------


@dataclass
class PupilProvision:
    year: SchoolYear
    memberships: list[tuple[GroupMember, Decimal]]
    individual: list[tuple[IndividualProvision, Decimal]]
    year_cost: Decimal
    threshold: Decimal
    # Lines of the pupil's current plans, by the group that delivers them (None: not linked yet).
    plan_lines: dict[int | None, list[PlanProvision]] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return self.year_cost > self.threshold


def pupil_provision(pupil: Pupil, day: datetime.date | None = None) -> PupilProvision:
    """The pupil's groups and individual provision, each with its cost over this school year."""
    year = school_year_of(day or datetime.date.today())
    memberships = list(
        GroupMember.objects.filter(pupil=pupil)
        .select_related("group", "group__intervention")
        .order_by("-group__starts_on")
    )
    group_ids = {m.group_id for m in memberships}
    groups = list(
        ProvisionGroup.objects.filter(pk__in=group_ids).prefetch_related(
            Prefetch("members", queryset=GroupMember.objects.order_by("pk"))
        )
    )
    individual = list(IndividualProvision.objects.filter(pupil=pupil))
    sheet = cost_provision(
        groups=groups, individual=individual, rates=hourly_rates(), start=year.starts_on, end=year.ends_on
    )
    plan_lines: dict[int | None, list[PlanProvision]] = defaultdict(list)
    current = PlanProvision.objects.filter(plan__pupil=pupil, plan__status__in=EDITABLE_PLAN_STATUSES)
    for line in current.order_by("plan_id", "order", "id"):
        plan_lines[line.provision_group_id if line.provision_group_id in group_ids else None].append(line)
    return PupilProvision(
        year=year,
        memberships=[(m, sheet.share(pupil.pk, m.group_id)) for m in memberships],
        individual=[(item, sheet.individual(item.pk)) for item in individual],
        year_cost=sheet.pupil(pupil.pk),
        threshold=notional_threshold(),
        plan_lines=dict(plan_lines),
    )


# --- Impact --------------------------------------------------------------------------------------


@dataclass
class Impact:
    label: str
    measure: str
    pupils_measured: int
    average_gain: Decimal | None  # in the measure's units
    gain_per_month: Decimal | None  # units gained per month of intervention
    met_target: int
    with_target: int
    cost: Decimal
    cost_per_pupil_meeting_target: Decimal | None
    pupils: int = 0  # in the group or intervention over the year
    hide_small: bool = False  # for the roles that see figures only

    @property
    def met_share(self) -> int | None:
        return round(100 * self.met_target / self.with_target) if self.with_target else None

    @property
    def hides_target_counts(self) -> bool:
        return count_shown(self.with_target, hide_small=self.hide_small) != self.with_target

    @property
    def measured_shown(self) -> int | str:
        return count_shown(self.pupils_measured, hide_small=self.hide_small)

    @property
    def met_shown(self) -> str:
        """ "3 of 4 (75%)"; for figures-only readers, "Fewer than 5" stands for a count of 1 to 4."""
        if not self.with_target:
            return "–"
        if self.hides_target_counts:
            return f"{FEWER_THAN_5} with a target"
        if count_shown(self.met_target, hide_small=self.hide_small) != self.met_target:
            return f"{FEWER_THAN_5} of {self.with_target}"
        return f"{self.met_target} of {self.with_target} ({self.met_share}%)"

    @property
    def cost_per_pupil_shown(self) -> Decimal | None:
        """Hidden with the count of pupils meeting their target (cost ÷ it would give the count away)."""
        if count_shown(self.met_target, hide_small=self.hide_small) != self.met_target:
            return None
        return self.cost_per_pupil_meeting_target


def _impact(label: str, measure: str, members: list[GroupMember], cost: Decimal) -> Impact:
    measured = [m for m in members if m.entry_value is not None and m.exit_value is not None]
    gains = [m.exit_value - m.entry_value for m in measured]
    # Gain a month divides gains by months over the same pupils: those with both dates, exit after entry.
    timed = [m for m in measured if m.exit_on and m.entry_on and m.exit_on > m.entry_on]
    timed_gains = [m.exit_value - m.entry_value for m in timed]
    months = [Decimal((m.exit_on - m.entry_on).days) / Decimal("30.44") for m in timed]
    with_target = [m for m in members if m.met_target is not None]
    met = sum(1 for m in with_target if m.met_target)
    average = (sum(gains, ZERO) / len(gains)).quantize(Decimal("0.1")) if gains else None
    per_month = (sum(timed_gains, ZERO) / sum(months, ZERO)).quantize(Decimal("0.01")) if timed else None
    return Impact(
        label=label,
        measure=measure,
        pupils_measured=len(measured),
        average_gain=average,
        gain_per_month=per_month,
        met_target=met,
        with_target=len(with_target),
        cost=to_pounds(cost),
        cost_per_pupil_meeting_target=to_pounds(cost / met) if met else None,
        pupils=len({m.pupil_id for m in members}),
    )


def impact(year: SchoolYear, *, hide_small: bool = False) -> tuple[list[Impact], list[Impact]]:
    """Impact per intervention and per group over a school year: gain on the measure against time,
    the share of pupils meeting their exit target, and the cost per pupil who met it.

    With hide_small (governors, the business manager), an intervention with a group of fewer than 5
    pupils shows no rows by group (they count in their intervention) and counts of 1 to 4 read
    "Fewer than 5"."""
    groups = _groups_between(year.starts_on, year.ends_on)
    sheet = cost_provision(groups=groups, individual=[], rates=hourly_rates(), start=year.starts_on, end=year.ends_on)
    per_group = []
    intervention_of: dict[int, int] = {}  # id(row) -> its intervention
    by_intervention: dict[int, tuple[Intervention, list[GroupMember], Decimal]] = {}
    for group in groups:
        members = list(group.members.all())
        cost = sheet.by_group.get(group.pk, ZERO)
        per_group.append(_impact(group.name, group.intervention.measure, members, cost))
        intervention_of[id(per_group[-1])] = group.intervention_id
        entry = by_intervention.setdefault(group.intervention_id, (group.intervention, [], ZERO))
        by_intervention[group.intervention_id] = (entry[0], entry[1] + members, entry[2] + cost)
    per_intervention = [
        _impact(intervention.name, intervention.measure, members, cost)
        for intervention, members, cost in sorted(by_intervention.values(), key=lambda e: e[0].name)
    ]
    if hide_small:
        # An intervention with a small group keeps all its groups within its own row: its figures less
        # those of its other groups would give the small group's away.
        with_small = {intervention_of[id(row)] for row in per_group if row.pupils < SMALL_NUMBER}
        per_group = [row for row in per_group if intervention_of[id(row)] not in with_small]
        for row in per_intervention + per_group:
            row.hide_small = True
    return per_intervention, per_group
