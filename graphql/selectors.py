"""Reads of the anonymised figures, shared by GraphQL, the dashboards and the CSV downloads.

Everything here reads the public schema's aggregate tables only (never a school's schema), and
every figure leaves through `suppression` so no count from 1 to 4 is ever served.
"""

from __future__ import annotations

import datetime
import statistics
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from send_core.models import NC_YEAR_ORDER, NCYear, NeedType, Sex
from tenants.models import Organisation, Phase
from tenants.roles import OrganisationKind

from .figures import NO_PRIMARY_NEED
from .metrics import OFFERED, SCHOOL_METRIC, SCHOOL_METRICS, TIMELINESS_FIELDS, TIMELINESS_RATES, Metric, Protection
from .models import EhcTimeliness, RefreshRun, SchoolFigures
from .permissions import can_read_reporting
from .suppression import (
    NOT_AVAILABLE,
    SUPPRESSED,
    Figure,
    Protected,
    amount_per_figure,
    count_figure,
    protect_table,
    rate_figure,
)

# --- Who may see what ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportingScope:
    """What one organisation's readers may see: some schools' own figures, perhaps an LA's casework."""

    organisation: Organisation
    school_ids: frozenset[int]
    casework_ids: frozenset[int] = frozenset()
    # The LA's own caseworkers and SEN managers see its own casework exact: it is the LA's own data,
    # and suppression is about what one organisation learns of children in another.
    exact_casework: bool = False

    def can_see_school(self, organisation_id: int) -> bool:
        return organisation_id in self.school_ids


def scope_for(organisation: Organisation, roles: frozenset[str]) -> ReportingScope | None:
    """The reporting scope of someone with `roles` in `organisation`; None if they may see no figures.

    A trust sees its schools; a local authority its schools and its own EHC casework; a school
    itself. All of them also see benchmarks of all schools, which identify no school.
    """
    if not can_read_reporting(organisation, roles):
        return None
    scope = organisation_scope(organisation)
    if scope.casework_ids:
        # can_read_reporting let in only the LA's caseworkers and SEN managers.
        scope = ReportingScope(scope.organisation, scope.school_ids, scope.casework_ids, exact_casework=True)
    return scope


def organisation_scope(organisation: Organisation) -> ReportingScope:
    """The scope of an organisation's leaders (and of its reporting keys, which get casework protected)."""
    schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL, is_active=True)
    if organisation.kind == OrganisationKind.TRUST:
        ids = schools.filter(trust=organisation).values_list("pk", flat=True)
        return ReportingScope(organisation, frozenset(ids))
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        ids = schools.filter(local_authority=organisation).values_list("pk", flat=True)
        return ReportingScope(organisation, frozenset(ids), frozenset({organisation.pk}))
    if organisation.kind == OrganisationKind.SCHOOL:
        return ReportingScope(organisation, frozenset({organisation.pk}))
    return ReportingScope(organisation, frozenset())


def schools_in_scope(scope: ReportingScope, *, phase: str = "") -> QuerySet[Organisation]:
    schools = (
        Organisation.objects.filter(pk__in=scope.school_ids)
        .select_related("local_authority", "trust")
        .only(*SCHOOL_FIELDS, "local_authority__name", "trust__name")
    )
    return (schools.filter(phase=phase) if phase else schools).order_by("name")


# What reporting shows about a school (the comparison reads thousands: no more than these).
SCHOOL_FIELDS = ("id", "name", "slug", "urn", "phase", "kind", "schema_name", "is_active", "local_authority", "trust")


# --- One school's figures, served ---------------------------------------------------------------

NEED_LABELS = {**dict(NeedType.choices), NO_PRIMARY_NEED: "No primary need recorded"}
YEAR_LABELS = dict(NCYear.choices)
SEX_LABELS = dict(Sex.choices)


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    figure: Figure


@dataclass(frozen=True)
class ServedFigures:
    """A school's figures on a day, as anyone may see them (suppression applied)."""

    organisation_id: int
    on: datetime.date
    refreshed_at: datetime.datetime
    figures: dict[str, Figure]
    by_primary_need: list[Breakdown] = field(default_factory=list)
    by_year_group: list[Breakdown] = field(default_factory=list)
    by_sex: list[Breakdown] = field(default_factory=list)

    def __getitem__(self, metric: str) -> Figure:
        if metric in self.figures:
            return self.figures[metric]
        if metric in METRICS:
            return NOT_AVAILABLE
        # Anything else is an attribute (templates try `served[name]` before `served.name`).
        raise KeyError(metric)


def _cells(row: SchoolFigures) -> tuple[dict[str, int], list, list[str]]:
    """The row's counts as named cells, the sums that tie them, and the cells never shown."""
    on_register = row.sen_support + row.ehc_plan
    cells = {
        "pupils_on_roll": row.pupils_on_roll,
        "monitoring": row.monitoring,
        "on_register": on_register,
        "sen_support": row.sen_support,
        "ehc_plan": row.ehc_plan,
        "rest_of_roll": max(row.pupils_on_roll - row.monitoring - on_register, 0),
        "plans_due_review": row.plans_due_review,
        "plans_reviewed_on_time": row.plans_reviewed_on_time,
        "plans_reviewed_late": max(row.plans_due_review - row.plans_reviewed_on_time, 0),
        "outcomes_judged": row.outcomes_judged,
        "outcomes_met": row.outcomes_met,
        "outcomes_not_met": max(row.outcomes_judged - row.outcomes_met, 0),
    }
    hidden = ["rest_of_roll", "plans_reviewed_late", "outcomes_not_met"]
    sums = [
        ("pupils_on_roll", ("monitoring", "on_register", "rest_of_roll")),
        ("on_register", ("sen_support", "ehc_plan")),
        ("plans_due_review", ("plans_reviewed_on_time", "plans_reviewed_late")),
        ("outcomes_judged", ("outcomes_met", "outcomes_not_met")),
    ]
    for prefix, values in (("need", row.by_primary_need), ("year", row.by_year_group), ("sex", row.by_sex)):
        names = []
        for key, value in (values or {}).items():
            cells[f"{prefix}:{key}"] = int(value)
            names.append(f"{prefix}:{key}")
        if names and sum(cells[n] for n in names) == on_register:
            sums.append(("on_register", tuple(names)))
        elif names:
            # A breakdown that does not add up is not shown at all (it cannot be protected by sums).
            hidden.extend(names)
    if row.ehc_requests_made is not None and row.ehc_requests_agreed is not None:
        cells["ehc_requests_made"] = row.ehc_requests_made
        cells["ehc_requests_agreed"] = row.ehc_requests_agreed
        cells["ehc_requests_not_agreed"] = max(row.ehc_requests_made - row.ehc_requests_agreed, 0)
        hidden.append("ehc_requests_not_agreed")
        sums.append(("ehc_requests_made", ("ehc_requests_agreed", "ehc_requests_not_agreed")))
    return cells, sums, hidden


@lru_cache(maxsize=8192)
def _protected(key: tuple) -> Protected:
    cells, sums, hidden = key
    return protect_table(dict(cells), [(t, p) for t, p in sums], hidden=hidden)


def protected_table(row: SchoolFigures) -> Protected:
    """The row's counts with suppression applied; memoised, as it is a pure function (do not mutate)."""
    cells, sums, hidden = _cells(row)
    return _protected((tuple(sorted(cells.items())), tuple(sums), frozenset(hidden)))


def protected_cells(row: SchoolFigures) -> dict[str, int | None]:
    """The row's counts with suppression applied (None = suppressed)."""
    return dict(protected_table(row).shown)


_served: OrderedDict[tuple, ServedFigures] = OrderedDict()
SERVED_MEMO_SIZE = 20_000
_served_lock = threading.Lock()


def serve(row: SchoolFigures) -> ServedFigures:
    """The row as anyone may see it. Memoised per row and refresh: the figures of a refresh never change."""
    key = (row.pk, row.refreshed_at) if row.pk else None
    if key is not None and key in _served:
        return _served[key]
    served = _serve(row)
    if key is not None:
        with _served_lock:
            _served[key] = served
            if len(_served) > SERVED_MEMO_SIZE:
                _served.popitem(last=False)
    return served


# Cost per pupil is shown only when at least this many pupils have costed provision.
MIN_COSTED_PUPILS = 5


def _cost_per_pupil(row: SchoolFigures, sen_support: Figure) -> Figure:
    """Provision cost per pupil at SEN Support, to the nearest £10.

    Suppressed when fewer than 5 pupils have costed provision, or when one pupil's cost is more
    than half the total (or that is not known): either way it would describe one or a few children.
    """
    if row.sen_support_cost_total is None or row.sen_support_costed_pupils is None:
        return NOT_AVAILABLE
    figure = amount_per_figure(row.sen_support_cost_total, sen_support)
    if figure.status != "shown":
        return figure
    if row.sen_support_costed_pupils < MIN_COSTED_PUPILS or row.sen_support_cost_dominated is not False:
        return SUPPRESSED
    return Figure((figure.value / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10, "shown")


def _serve(row: SchoolFigures) -> ServedFigures:
    table = protected_table(row)
    shown, secondary = table.shown, table.secondary
    f = {name: count_figure(shown, name, secondary=secondary) for name in shown}
    for metric in SCHOOL_METRICS:
        if metric.protection == Protection.COUNT and metric.optional:
            available = getattr(row, metric.key) is not None
            f[metric.key] = count_figure(shown, metric.key, available=available, secondary=secondary)
        elif metric.protection == Protection.RATE:
            numerator, denominator = metric.rate_of
            f[metric.key] = rate_figure(f[numerator], f[denominator])
        elif metric.protection == Protection.COST_PER_PUPIL:
            f[metric.key] = _cost_per_pupil(row, f["sen_support"])

    def breakdown(prefix: str, labels: dict[str, str], order) -> list[Breakdown]:
        items = [
            Breakdown(name.split(":", 1)[1], labels.get(name.split(":", 1)[1], name.split(":", 1)[1]), f[name])
            for name in shown
            if name.startswith(prefix + ":")
        ]
        return sorted(items, key=order)

    return ServedFigures(
        organisation_id=row.organisation_id,
        on=row.on,
        refreshed_at=row.refreshed_at,
        figures=f,
        by_primary_need=breakdown("need", NEED_LABELS, lambda b: (b.key == NO_PRIMARY_NEED, b.key)),
        by_year_group=breakdown("year", YEAR_LABELS, lambda b: NC_YEAR_ORDER.get(b.key, 99)),
        by_sex=breakdown("sex", SEX_LABELS, lambda b: b.key),
    )


# --- Metrics for comparing, trends and benchmarks ---------------------------------------------


# The measures offered for comparing, trends and benchmarks (declared in `metrics.py`).
METRICS: dict[str, Metric] = {key: SCHOOL_METRIC[key] for key in OFFERED}


def snapshot_day(on: datetime.date) -> datetime.date:
    """The published snapshot for a day asked about: the last month end on or before it.

    Figures are published as the latest refresh and as each month's end, never as any other
    day: two days' figures a day apart would tell which one child joined or left in between.
    """
    next_day = on + datetime.timedelta(days=1)
    return on if next_day.month != on.month else on.replace(day=1) - datetime.timedelta(days=1)


def last_month_end(today: datetime.date | None = None) -> datetime.date:
    """The most recent month end that is over: its figures will not change again."""
    return (today or timezone.localdate()).replace(day=1) - datetime.timedelta(days=1)


def sees_latest(scope: ReportingScope) -> bool:
    """Only a school looking at itself sees its latest refresh.

    Anyone outside the school (a trust, an LA, another school's benchmark) is served month-end
    snapshots only: polling the latest figures would show which child joined or left the register
    between two refreshes.
    """
    return scope.organisation.kind == OrganisationKind.SCHOOL and scope.school_ids <= {scope.organisation.pk}


def published_day(on: datetime.date | None, *, latest: bool) -> datetime.date | None:
    """The day whose snapshot is served: None for the latest refresh (only when `latest` is
    allowed); otherwise never later than the last month end that is over."""
    if latest:
        return on
    closed = last_month_end()
    return closed if on is None else min(on, closed)


def latest_rows(
    organisation_ids: Iterable[int] | None = None,
    *,
    on: datetime.date | None = None,
    phase: str = "",
    current_only: bool = False,
    latest: bool = False,
) -> QuerySet[SchoolFigures]:
    """Each school's most recent published row (one query: PostgreSQL's DISTINCT ON): its most
    recent at the last month end on or before `on` (see `snapshot_day`), and never after the last
    month end that is over unless `latest` (a school reading itself; see `sees_latest`) allows the
    latest refresh.

    `current_only`: only active schools whose latest row is from the last BENCHMARK_RECENT_DAYS.
    """
    rows = SchoolFigures.objects.all()
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=list(organisation_ids))
    if phase:
        rows = rows.filter(phase=phase)
    on = published_day(on, latest=latest)
    if on is not None:
        on = snapshot_day(on)
        rows = rows.filter(on__lte=on)
    if current_only:
        since = (on or timezone.localdate()) - datetime.timedelta(days=BENCHMARK_RECENT_DAYS)
        rows = rows.filter(on__gte=since, organisation__is_active=True, organisation__kind=OrganisationKind.SCHOOL)
    return rows.order_by("organisation_id", "-on").distinct("organisation_id")


def served_latest(
    organisation_ids: Iterable[int] | None = None,
    *,
    on: datetime.date | None = None,
    phase: str = "",
    current_only: bool = False,
    latest: bool = False,
) -> dict[int, ServedFigures]:
    """Each school's latest published row (see `latest_rows`), served, by organisation id.

    Only the rows' keys are read first; a row this process has already served (the same row and
    refresh) is not fetched whole again, so a comparison over a thousand schools reads a thousand
    small tuples rather than a thousand sets of figures.
    """
    rows = latest_rows(organisation_ids, on=on, phase=phase, current_only=current_only, latest=latest)
    keys = list(rows.values_list("pk", "organisation_id", "refreshed_at"))
    # Look each up once, into a local dict: serving the missing rows may evict others from the memo.
    with _served_lock:
        known = {pk: _served.get((pk, refreshed)) for pk, _, refreshed in keys}
    missing = [pk for pk, served in known.items() if served is None]
    for row in SchoolFigures.objects.filter(pk__in=missing) if missing else ():
        known[row.pk] = serve(row)
    return {organisation_id: known[pk] for pk, organisation_id, _ in keys if known.get(pk) is not None}


@dataclass(frozen=True)
class SchoolFigure:
    organisation: Organisation
    on: datetime.date | None
    figure: Figure


def compare(scope: ReportingScope, metric: str, *, on: datetime.date | None = None) -> list[SchoolFigure]:
    """Each school in scope on one metric (its latest published figures), in school name order."""
    schools = {s.pk: s for s in schools_in_scope(scope)}
    served = served_latest(schools, on=on, latest=sees_latest(scope))
    result = []
    for pk, school in sorted(schools.items(), key=lambda item: item[1].name):
        figures = served.get(pk)
        result.append(
            SchoolFigure(school, figures.on if figures else None, figures[metric] if figures else NOT_AVAILABLE)
        )
    return result


@dataclass(frozen=True)
class TrendPoint:
    on: datetime.date
    figure: Figure


def trend(organisation_id: int, metric: str, *, since: datetime.date) -> list[TrendPoint]:
    """One school's metric at each month end since `since` (the latest refresh of each month that
    is over), never any other day: this month's figures join the trend once the month is over, so
    a trend never mixes the latest refresh with month-end snapshots."""
    rows = SchoolFigures.objects.filter(
        organisation_id=organisation_id, on__gte=since, on__lte=last_month_end()
    ).order_by("on")
    by_month: dict[tuple[int, int], SchoolFigures] = {}
    for row in rows:
        by_month[(row.on.year, row.on.month)] = row
    return [TrendPoint(row.on, serve(row)[metric]) for row in by_month.values()]


@dataclass(frozen=True)
class Benchmark:
    """Quartiles of one metric over all schools of a phase (only from figures that are shown)."""

    phase: str
    metric: str
    schools: int
    lower_quartile: Decimal | None
    median: Decimal | None
    upper_quartile: Decimal | None

    @property
    def available(self) -> bool:
        return self.median is not None


# Benchmarks: no fewer schools than this may contribute (a floor settings cannot lower in production),
# only schools with figures this recent count, and no benchmark is given to a caller whose own
# schools are more than half of it (or it would mostly describe them, or expose the rest).
MIN_BENCHMARK_SCHOOLS = 10
BENCHMARK_RECENT_DAYS = 45


def min_benchmark_schools() -> int:
    configured = int(getattr(settings, "CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS", MIN_BENCHMARK_SCHOOLS))
    floor = MIN_BENCHMARK_SCHOOLS if getattr(settings, "PRODUCTION", False) else 2
    return max(configured, floor)


def _round_quartile(value: float | Decimal, kind: str) -> Decimal:
    """Quartiles are rounded (percentages to whole numbers, money to £10) so they pin no school down."""
    value = Decimal(value)
    if kind == "percent":
        return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if kind == "money":
        return (value / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10
    return value.quantize(Decimal("0.5"))


def benchmarks(
    phase: str, metrics: Iterable[str], *, scope: ReportingScope, on: datetime.date | None = None
) -> dict[str, Benchmark]:
    """Median and quartiles of each metric across every current school of `phase` (one query).

    Built from each school's served figure, so a suppressed figure never contributes and
    cannot be worked back out; shown only when enough schools contribute, and not to a caller
    whose own schools are more than half of them.
    """
    metrics = list(metrics)
    values: dict[str, list[Decimal]] = {metric: [] for metric in metrics}
    own: dict[str, int] = dict.fromkeys(metrics, 0)
    for organisation_id, served in served_latest(on=on, phase=phase, current_only=True).items():
        for metric in metrics:
            figure = served[metric]
            if figure.status == "shown":
                values[metric].append(Decimal(figure.value))
                own[metric] += scope.can_see_school(organisation_id)
    result = {}
    for metric in metrics:
        shown = values[metric]
        if len(shown) < min_benchmark_schools() or own[metric] * 2 > len(shown):
            result[metric] = Benchmark(phase, metric, len(shown), None, None, None)
            continue
        kind = METRICS[metric].kind
        quartiles = statistics.quantiles(shown, n=4, method="inclusive")
        result[metric] = Benchmark(phase, metric, len(shown), *(_round_quartile(q, kind) for q in quartiles))
    return result


def benchmark(phase: str, metric: str, *, scope: ReportingScope, on: datetime.date | None = None) -> Benchmark:
    return benchmarks(phase, [metric], scope=scope, on=on)[metric]


PHASE_LABELS = dict(Phase.choices)


# --- Local authority EHC timeliness ------------------------------------------------------------


@dataclass(frozen=True)
class TimelinessMonth:
    month: datetime.date
    figures: dict[str, Figure]


def serve_timeliness(row: EhcTimeliness) -> TimelinessMonth:
    cells = {name: getattr(row, name) for name in TIMELINESS_FIELDS}
    sums = []
    hidden = []
    for on_time, due in TIMELINESS_RATES.values():
        late = f"{due}_late"
        cells[late] = max(cells[due] - cells[on_time], 0)
        hidden.append(late)
        sums.append((due, (on_time, late)))
    table = protect_table(cells, sums, hidden=hidden)
    figures = {name: count_figure(table.shown, name, secondary=table.secondary) for name in table.shown}
    for rate, (on_time, due) in TIMELINESS_RATES.items():
        figures[rate] = rate_figure(figures[on_time], figures[due])
    return TimelinessMonth(row.month, figures)


def exact_timeliness(row: EhcTimeliness) -> TimelinessMonth:
    """A month of the LA's own casework as it is, for the LA's own caseworkers and SEN managers."""
    figures = {name: Figure(getattr(row, name), "shown") for name in TIMELINESS_FIELDS}
    for rate, (on_time, due) in TIMELINESS_RATES.items():
        figures[rate] = rate_figure(figures[on_time], figures[due])
    return TimelinessMonth(row.month, figures)


def la_timeliness(scope: ReportingScope, *, since: datetime.date) -> list[TimelinessMonth]:
    """The LA's own EHC casework by month (empty for anyone without casework in scope).

    Exact for the LA's own caseworkers and SEN managers; protected for anyone else (reporting keys).
    """
    rows = EhcTimeliness.objects.filter(organisation_id__in=scope.casework_ids, month__gte=since).order_by("month")
    return [
        exact_timeliness(row)
        if scope.exact_casework and row.organisation_id == scope.organisation.pk
        else serve_timeliness(row)
        for row in rows
    ]


# --- Operators ---------------------------------------------------------------------------------


def recent_refresh_runs(*, limit: int = 200) -> QuerySet[RefreshRun]:
    return RefreshRun.objects.select_related("organisation").order_by("-queued_at", "-id")[:limit]


def refresh_run_counts(*, since: datetime.datetime) -> dict[str, int]:
    from django.db.models import Count

    rows = RefreshRun.objects.filter(queued_at__gte=since).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
