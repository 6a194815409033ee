"""The trust, local authority and school dashboards at /reporting/ (and the rows the CSV downloads share)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.models import Organisation
from tenants.roles import OrganisationKind

from .. import selectors
from ..permissions import can_manage_tokens
from ..schema import _since
from ..selectors import METRICS, ReportingScope, scope_for


def _scope_or_403(request: HttpRequest) -> ReportingScope:
    scope = scope_for(request.tenant, request.roles)
    if scope is None:
        raise PermissionDenied("Your role here does not include reporting figures.")
    return scope


COMPARISON_METRICS = (
    "pupils_on_roll",
    "on_register_rate",
    "sen_support_rate",
    "ehc_plan_rate",
    "reviewed_on_time_rate",
    "outcomes_met_rate",
    "cost_per_pupil",
)


def dashboard(request: HttpRequest) -> HttpResponse:
    """/reporting/: the dashboard for this kind of organisation."""
    organisation: Organisation = request.tenant
    scope = _scope_or_403(request)
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return _local_authority_dashboard(request, scope)
    if organisation.kind == OrganisationKind.TRUST:
        return _trust_dashboard(request, scope)
    return _school_dashboard(request, scope)


def _comparison_rows(scope: ReportingScope) -> list[dict]:
    schools = list(selectors.schools_in_scope(scope))
    latest = selectors.sees_latest(scope)
    rows = {r.organisation_id: r for r in selectors.latest_rows([s.pk for s in schools], latest=latest)}
    table = []
    for school in schools:
        row = rows.get(school.pk)
        served = selectors.serve(row) if row else None
        cells = [{"figure": served[m] if served else None, "kind": METRICS[m].kind} for m in COMPARISON_METRICS]
        table.append({"school": school, "served": served, "cells": cells})
    return table


def _benchmark_rows(phases: set[str], scope: ReportingScope) -> list[dict]:
    """For each phase, the benchmark of each compared measure (in the table's column order)."""
    return [
        {
            "phase": selectors.PHASE_LABELS.get(phase, phase),
            "key": phase,
            "cells": [{"benchmark": b, "metric": METRICS[key]} for key, b in by_metric.items()],
        }
        for phase, by_metric in _benchmarks_for(phases, scope).items()
    ]


def _benchmarks_for(
    phases: set[str], scope: ReportingScope, metrics=COMPARISON_METRICS
) -> dict[str, dict[str, selectors.Benchmark]]:
    return {phase: selectors.benchmarks(phase, metrics, scope=scope) for phase in sorted(phases)}


def _trust_dashboard(request: HttpRequest, scope: ReportingScope) -> HttpResponse:
    rows = _comparison_rows(scope)
    phases = {r["school"].phase for r in rows if r["school"].phase}
    return render(
        request,
        "reporting/trust.html",
        {
            "rows": rows,
            "metrics": [METRICS[m] for m in COMPARISON_METRICS],
            "benchmarks": _benchmark_rows(phases, scope),
            "phases": sorted(phases),
            "need_mix": _need_mix(rows),
            "can_manage_keys": can_manage_tokens(request.tenant, request.roles),
        },
    )


def _need_mix(rows: list[dict]) -> dict:
    """The need mix table: one row per school, one column per type of need (served figures)."""
    keys: list[tuple[str, str]] = []
    seen = set()
    for row in rows:
        for item in row["served"].by_primary_need if row["served"] else []:
            if item.key not in seen:
                seen.add(item.key)
                keys.append((item.key, item.label))
    keys.sort(key=lambda k: (k[0] == "none", k[0]))
    table = []
    for row in rows:
        by_key = {b.key: b.figure for b in row["served"].by_primary_need} if row["served"] else {}
        table.append({"school": row["school"], "figures": [by_key.get(k) for k, _ in keys]})
    return {"columns": keys, "rows": table}


def _local_authority_dashboard(request: HttpRequest, scope: ReportingScope) -> HttpResponse:
    rows = _comparison_rows(scope)
    months = selectors.la_timeliness(scope, since=_since_months(12))
    return render(
        request,
        "reporting/local_authority.html",
        {
            "rows": rows,
            "metrics": [METRICS[m] for m in COMPARISON_METRICS],
            "months": months,
            "benchmarks": _benchmark_rows({r["school"].phase for r in rows if r["school"].phase}, scope),
            "phases": sorted({r["school"].phase for r in rows if r["school"].phase}),
            "timeliness_rates": list(selectors.TIMELINESS_RATES),
            "can_manage_keys": can_manage_tokens(request.tenant, request.roles),
        },
    )


def _school_dashboard(request: HttpRequest, scope: ReportingScope) -> HttpResponse:
    school: Organisation = request.tenant
    row = selectors.latest_rows([school.pk], latest=selectors.sees_latest(scope)).first()
    served = selectors.serve(row) if row else None
    benchmarks = _benchmarks_for({school.phase}, scope).get(school.phase, {}) if school.phase else {}
    return render(
        request,
        "reporting/school.html",
        {
            "served": served,
            "comparisons": [
                {"metric": METRICS[m], "figure": served[m] if served else None, "benchmark": benchmarks.get(m)}
                for m in COMPARISON_METRICS
            ],
            "phase_label": selectors.PHASE_LABELS.get(school.phase, ""),
            "phases": [school.phase] if school.phase else [],
            "breakdowns": [
                ("primary need", served.by_primary_need if served else []),
                ("year group", served.by_year_group if served else []),
                ("sex", served.by_sex if served else []),
            ],
            "can_manage_keys": can_manage_tokens(school, request.roles),
        },
    )


def _since_months(months: int) -> datetime.date:
    return _since(months)
