"""The reporting GraphQL schema: schools in scope, comparisons, trends, benchmarks and EHC timeliness.

Every resolver reads the aggregate tables through `selectors` (never a school's schema), with the
caller's scope from the request (`info.context.reporting_scope`). There is no pupil type: no
field can return anything about a child.
"""

from __future__ import annotations

import datetime

import graphene
from django.utils import timezone

from graphql import GraphQLError
from tenants.models import Organisation, Phase

from . import selectors
from .metrics import SCHOOL_METRICS, TIMELINESS_METRICS
from .selectors import METRICS, ReportingScope
from .suppression import Figure

MetricEnum = graphene.Enum("Metric", [(key.upper(), key) for key in METRICS])
PhaseEnum = graphene.Enum("Phase", [(value.upper(), value) for value in Phase.values])
MAX_MONTHS = 36


def _scope(info) -> ReportingScope:
    scope = getattr(info.context, "reporting_scope", None)
    if scope is None:
        raise GraphQLError("Your role here does not include reporting figures.")
    return scope


MIXED_SNAPSHOTS = (
    "One query cannot ask for a school's latest figures and its month-end figures together. "
    "Ask for them in separate queries."
)


def _figures_read(info, *, latest: bool) -> None:
    """Note which figures this query reads; refuse a query that would put the latest refresh beside
    a month-end snapshot of the same schools (their difference tells who joined or left)."""
    modes = info.context.__dict__.setdefault("_reporting_modes", set())
    modes.add("latest" if latest else "month_end")
    if len(modes) > 1:
        raise GraphQLError(MIXED_SNAPSHOTS)


def _value(value) -> str:
    return getattr(value, "value", value)


def _months(months: int) -> int:
    if not 1 <= months <= MAX_MONTHS:
        raise GraphQLError(f"Ask for between 1 and {MAX_MONTHS} months.")
    return months


def _since(months: int) -> datetime.date:
    today = timezone.localdate()
    first = today.replace(day=1)
    year, month = divmod(first.year * 12 + first.month - 1 - (months - 1), 12)
    return datetime.date(year, month + 1, 1)


# Figures are published only as the latest refresh (to the school itself) and at month ends (to
# everyone else); see selectors.sees_latest and selectors.snapshot_day.
ON_DESCRIPTION = (
    "The figures at the last month end on or before this day. Without it: a school's own latest refresh "
    "to the school itself, and the last month end that is over to anyone else."
)


class FigureType(graphene.ObjectType):
    """A figure, or why it is not shown: counts from 1 to 4 (and anything they could be worked out from) are suppressed."""

    class Meta:
        name = "Figure"

    value = graphene.Float(description="Null when suppressed or not available.")
    display = graphene.String(required=True)
    suppressed = graphene.Boolean(required=True)
    available = graphene.Boolean(required=True)

    @staticmethod
    def resolve_value(figure: Figure, info):
        return None if figure.value is None else float(figure.value)

    @staticmethod
    def resolve_display(figure: Figure, info):
        return figure.display()

    @staticmethod
    def resolve_suppressed(figure: Figure, info):
        return figure.suppressed

    @staticmethod
    def resolve_available(figure: Figure, info):
        return figure.available


class BreakdownType(graphene.ObjectType):
    class Meta:
        name = "Breakdown"

    key = graphene.String(required=True)
    label = graphene.String(required=True)
    figure = graphene.Field(FigureType, required=True)


def _figure_field(description: str):
    return graphene.Field(FigureType, required=True, description=description)


def _figure_resolver(name: str):
    return staticmethod(lambda served, info: served[name])


def _figure_fields(metrics, resolve) -> dict:
    """A Figure field and its resolver for each declared measure (see `metrics.py`), in declaration order."""
    fields = {}
    for metric in metrics:
        fields[metric.key] = _figure_field(metric.description)
        fields[f"resolve_{metric.key}"] = resolve(metric.key)
    return fields


SchoolFiguresType = type(
    "SchoolFiguresType",
    (graphene.ObjectType,),
    {
        "Meta": type("Meta", (), {"name": "SchoolFigures"}),
        "on": graphene.Date(required=True),
        "refreshed_at": graphene.DateTime(required=True),
        **_figure_fields(SCHOOL_METRICS, _figure_resolver),
        "by_primary_need": graphene.List(graphene.NonNull(BreakdownType), required=True),
        "by_year_group": graphene.List(graphene.NonNull(BreakdownType), required=True),
        "by_sex": graphene.List(graphene.NonNull(BreakdownType), required=True),
    },
)


class SchoolType(graphene.ObjectType):
    class Meta:
        name = "School"

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    urn = graphene.String(required=True)
    phase = graphene.String(required=True)
    local_authority = graphene.String()
    trust = graphene.String()
    figures = graphene.Field(SchoolFiguresType, on=graphene.Date(description=ON_DESCRIPTION))

    @staticmethod
    def resolve_local_authority(school: Organisation, info):
        return school.local_authority.name if school.local_authority_id else None

    @staticmethod
    def resolve_trust(school: Organisation, info):
        return school.trust.name if school.trust_id else None

    @staticmethod
    def resolve_figures(school: Organisation, info, on: datetime.date | None = None):
        _scope(info)
        # Rows for every school in the answer are read once per request, not once per school.
        cache = info.context.__dict__.setdefault("_reporting_rows", {})
        scope = _scope(info)
        latest = selectors.sees_latest(scope)
        _figures_read(info, latest=latest and on is None)
        key = on
        if key not in cache:
            cache[key] = {
                row.organisation_id: row for row in selectors.latest_rows(scope.school_ids, on=on, latest=latest)
            }
        row = cache[key].get(school.pk)
        return selectors.serve(row) if row else None


class SchoolMetricType(graphene.ObjectType):
    class Meta:
        name = "SchoolMetric"

    school = graphene.Field(SchoolType, required=True)
    on = graphene.Date()
    figure = graphene.Field(FigureType, required=True)

    @staticmethod
    def resolve_school(item, info):
        return item.organisation


class TrendPointType(graphene.ObjectType):
    class Meta:
        name = "TrendPoint"

    on = graphene.Date(required=True)
    figure = graphene.Field(FigureType, required=True)


class BenchmarkType(graphene.ObjectType):
    """Quartiles of a metric over every school of a phase on the platform (identifies no school)."""

    class Meta:
        name = "Benchmark"

    phase = graphene.String(required=True)
    metric = graphene.String(required=True)
    schools = graphene.Int(required=True, description="How many schools' shown figures it is built from.")
    available = graphene.Boolean(required=True)
    lower_quartile = graphene.Float()
    median = graphene.Float()
    upper_quartile = graphene.Float()

    @staticmethod
    def resolve_lower_quartile(b, info):
        return None if b.lower_quartile is None else float(b.lower_quartile)

    @staticmethod
    def resolve_median(b, info):
        return None if b.median is None else float(b.median)

    @staticmethod
    def resolve_upper_quartile(b, info):
        return None if b.upper_quartile is None else float(b.upper_quartile)


def _month_resolver(name: str):
    return staticmethod(lambda month, info: month.figures[name])


TimelinessMonthType = type(
    "TimelinessMonthType",
    (graphene.ObjectType,),
    {
        "Meta": type("Meta", (), {"name": "TimelinessMonth"}),
        "month": graphene.Date(required=True),
        **_figure_fields(TIMELINESS_METRICS, _month_resolver),
    },
)


class MetricInfoType(graphene.ObjectType):
    class Meta:
        name = "MetricInfo"

    key = graphene.String(required=True)
    label = graphene.String(required=True)
    kind = graphene.String(required=True)


class ScopeType(graphene.ObjectType):
    class Meta:
        name = "Scope"

    organisation = graphene.String(required=True)
    kind = graphene.String(required=True)
    schools = graphene.Int(required=True)
    casework = graphene.Boolean(required=True)


class Query(graphene.ObjectType):
    scope = graphene.Field(ScopeType, required=True, description="Whose figures this caller may see.")
    metrics = graphene.List(graphene.NonNull(MetricInfoType), required=True)
    schools = graphene.List(
        graphene.NonNull(SchoolType), required=True, phase=PhaseEnum(), description="Schools in scope."
    )
    school = graphene.Field(SchoolType, slug=graphene.String(required=True))
    compare = graphene.List(
        graphene.NonNull(SchoolMetricType),
        required=True,
        metric=MetricEnum(required=True),
        on=graphene.Date(description=ON_DESCRIPTION),
        description="Every school in scope on one metric.",
    )
    trend = graphene.List(
        graphene.NonNull(TrendPointType),
        required=True,
        school=graphene.String(required=True, description="The school's slug."),
        metric=MetricEnum(required=True),
        months=graphene.Int(default_value=12),
    )
    benchmark = graphene.Field(
        BenchmarkType,
        required=True,
        phase=PhaseEnum(required=True),
        metric=MetricEnum(required=True),
        on=graphene.Date(description=ON_DESCRIPTION),
    )
    ehc_timeliness = graphene.List(
        graphene.NonNull(TimelinessMonthType),
        required=True,
        months=graphene.Int(default_value=12),
        description="A local authority's own EHC casework by month (empty for schools and trusts).",
    )

    @staticmethod
    def resolve_scope(root, info):
        scope = _scope(info)
        return ScopeType(
            organisation=scope.organisation.name,
            kind=scope.organisation.kind,
            schools=len(scope.school_ids),
            casework=bool(scope.casework_ids),
        )

    @staticmethod
    def resolve_metrics(root, info):
        _scope(info)
        return [MetricInfoType(key=m.key, label=m.label, kind=m.kind) for m in METRICS.values()]

    @staticmethod
    def resolve_schools(root, info, phase=None):
        return list(selectors.schools_in_scope(_scope(info), phase=_value(phase) or ""))

    @staticmethod
    def resolve_school(root, info, slug: str):
        scope = _scope(info)
        school = selectors.schools_in_scope(scope).filter(slug=slug).first()
        if school is None:
            # The same answer whether the school exists or not, so scope leaks nothing.
            raise GraphQLError("There is no school by that name in your scope.")
        return school

    @staticmethod
    def resolve_compare(root, info, metric, on=None):
        scope = _scope(info)
        _figures_read(info, latest=selectors.sees_latest(scope) and on is None)
        return selectors.compare(scope, _value(metric), on=on)

    @staticmethod
    def resolve_trend(root, info, school: str, metric, months: int = 12):
        scope = _scope(info)
        found = selectors.schools_in_scope(scope).filter(slug=school).first()
        if found is None:
            raise GraphQLError("There is no school by that name in your scope.")
        _figures_read(info, latest=False)
        return selectors.trend(found.pk, _value(metric), since=_since(_months(months)))

    @staticmethod
    def resolve_benchmark(root, info, phase, metric, on=None):
        return selectors.benchmark(_value(phase), _value(metric), scope=_scope(info), on=on)

    @staticmethod
    def resolve_ehc_timeliness(root, info, months: int = 12):
        return selectors.la_timeliness(_scope(info), since=_since(_months(months)))


schema = graphene.Schema(query=Query, auto_camelcase=True)
