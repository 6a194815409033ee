"""Reporting pages: the GraphQL endpoint, the trust / LA / school dashboards, CSV downloads,
reporting keys, and the operators' refresh page. Thin: the work is in selectors and services."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from graphene_django.views import GraphQLView, HttpError

from graphql import GraphQLError
from send_core.csv_cells import safe_row
from tenants.models import Organisation
from tenants.permissions import is_operator
from tenants.roles import OrganisationKind
from tenants.sessions import REFUSAL_MESSAGES, session_refusal

from . import selectors, services, versions
from .figures import NO_PRIMARY_NEED
from .limits import limits_signature, validation_rules
from .models import REPORTING_KEY_MAX_DAYS, RefreshStatus, ReportingToken
from .permissions import can_manage_tokens
from .schema import schema
from .selectors import METRICS, ReportingScope, organisation_scope, scope_for

logger = logging.getLogger(__name__)


# --- GraphQL -----------------------------------------------------------------------------------


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"errors": [{"message": message}]}, status=status)


class ReportingGraphQLView(GraphQLView):
    """graphene-django's view with Cairn's limits, the caller's scope, and no 500s for bad queries."""

    graphiql = False

    def __init__(self, **kwargs):
        # No graphene debug middleware (added by default under DEBUG): it wraps every resolver and
        # cursor, and its SQL trace must never be sent to a caller.
        super().__init__(schema=schema, middleware=[], **kwargs)

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        # The rules are read per request, so settings (and tests) can change the limits, and the
        # cost of a list can be read from this request's variables.
        self.validation_rules = validation_rules(variables if isinstance(variables, dict) else None)
        return super().execute_graphql_request(request, data, query, variables, operation_name, show_graphiql)

    @staticmethod
    def format_error(error):
        formatted = GraphQLView.format_error(error)
        original = getattr(error, "original_error", None)
        if original is not None and not isinstance(original, GraphQLError):
            # An unexpected failure inside a resolver: its text (SQL, paths) is not for the caller.
            logger.error("Reporting resolver failed: %s", type(original).__name__)
            formatted["message"] = "The query could not be answered. Try again later."
        return formatted

    def json_encode(self, request, d, pretty=False):
        # One form of every answer: `?pretty=1` must not give the same question a second, uncached answer.
        return json.dumps(d, separators=(",", ":"))

    def get_response(self, request, data, show_graphiql=False):
        # Answers depend only on the aggregates, the caller's scope and the query: a repeated query
        # is served from the cache until any figure is refreshed (or a few minutes pass).
        # With the cache away, every question is worked out afresh (slower, never an error).
        try:
            key = _answer_key(request, self._executed_params(request, data))
            cached = cache.get(key) if key is not None else None
        except Exception as error:
            logger.warning("Reporting answers not cached: the cache is unreachable (%s)", type(error).__name__)
            key = cached = None
        if cached is not None:
            return cached
        result, status = super().get_response(request, data, show_graphiql)
        if key is not None and status == 200 and result and '"errors"' not in result:
            try:
                cache.set(key, (result, status), timeout=ANSWER_CACHE_SECONDS)
            except Exception as error:
                logger.warning("Reporting answer not cached: the cache is unreachable (%s)", type(error).__name__)
        return result, status

    def _executed_params(self, request, data) -> tuple | None:
        """The query, variables and operation graphene will run (it prefers the address's)."""
        if not isinstance(data, dict):
            return None
        try:
            query, variables, operation_name, _ = self.get_graphql_params(request, data)
        except HttpError:
            return None  # graphene answers invalid variables itself
        return query, variables, operation_name

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and any(name in request.GET for name in POST_BODY_ONLY):
            # graphene would run the address's query over the body's: one request, two readings.
            return _json_error("Send the query, its variables and operation name in the body of a POST.", 400)
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception:
            # A query must never take the page down: log it and answer in GraphQL's own shape.
            logger.exception("Reporting query failed")
            return _json_error("The query could not be answered. Try a simpler query.", 400)


_graphql = ReportingGraphQLView.as_view()

ANSWER_CACHE_SECONDS = 600
# Part of every cache key: raise it when what an answer holds changes (e.g. the suppression rules).
ANSWER_FORMAT = 5  # 3: month-end snapshots only, outside the school; 4: exact suppression; 5: LA casework exact
POST_BODY_ONLY = ("query", "variables", "operationName", "id")


def _answer_key(request: HttpRequest, params: tuple | None) -> str | None:
    """The cache key of an answer, from the query, variables and operation actually executed."""
    scope: ReportingScope | None = getattr(request, "reporting_scope", None)
    if scope is None or params is None:
        return None
    query, variables, operation_name = params
    if variables is not None and not isinstance(variables, dict):
        return None
    material = json.dumps(
        [
            ANSWER_FORMAT,
            scope.organisation.pk,
            sorted(scope.school_ids),
            sorted(scope.casework_ids),
            scope.exact_casework,
            query,
            variables,
            operation_name,
            # Only these schools' and this casework's figures, unless the question asks for benchmarks.
            versions.version_of(
                [*scope.school_ids, *scope.casework_ids], platform="benchmark" in (query or "").lower()
            ),
            timezone.localdate().isoformat(),
            limits_signature(),
            selectors.min_benchmark_schools(),
        ],
        sort_keys=True,
        default=str,
    )
    return "reporting:answer:" + hashlib.sha256(material.encode()).hexdigest()


@require_http_methods(["GET", "POST"])
def graphql_for_members(request: HttpRequest) -> HttpResponse:
    """/graphql/ on an organisation's host, for its signed-in members (the dashboards' charts use it)."""
    # The same rule as every other surface for a session (second factor, this address).
    refusal = session_refusal(request) if request.user.is_authenticated else "signed-out"
    if refusal is not None:
        return _json_error(REFUSAL_MESSAGES.get(refusal, "Sign in to use reporting."), 403)
    scope = scope_for(request.tenant, request.roles)
    if scope is None:
        return _json_error("Your role here does not include reporting figures.", 403)
    request.reporting_scope = scope
    return _graphql(request)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def graphql_for_tokens(request: HttpRequest) -> HttpResponse:
    """/api/reporting/graphql/ for BI tools: `Authorization: Bearer <reporting key>`, scoped to its organisation."""
    header = request.headers.get("Authorization", "")
    kind, _, key = header.partition(" ")
    if kind.lower() != "bearer" or not key.strip():
        return _json_error("Send a reporting key as `Authorization: Bearer <key>`.", 401)
    try:
        services.check_reporting_key(key.strip(), request.tenant)
    except services.ReportingKeyRefused as refused:
        return _json_error(str(refused), 401)
    request.reporting_scope = organisation_scope(request.tenant)
    return _graphql(request)


# --- Dashboards -----------------------------------------------------------------------------------


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
    from .schema import _since

    return _since(months)


# --- CSV downloads -------------------------------------------------------------------------------

# What `c` means is said beside each download link (reporting/_csv_note.html), not in the file: a
# CSV holds the heading row and data rows only, so BI tools and spreadsheets read it without cleaning.

# Column headings in words, with the census code where one exists (SEN provision K and E).
CSV_CODES = {"sen_support": "K", "ehc_plan": "E"}

TIMELINESS_HEADINGS = {
    "decisions_within_6_weeks_rate": "Decisions to assess within 6 weeks (%)",
    "plans_within_20_weeks_rate": "EHC plans issued within 20 weeks (%)",
    "annual_reviews_within_4_weeks_rate": "Annual review decisions within 4 weeks (%)",
    "requests_received": "EHC needs assessment requests received",
    "decisions_due": "Decisions to assess due",
    "decisions_within_6_weeks": "Decisions to assess within 6 weeks",
    "plans_due": "EHC plans due",
    "plans_within_20_weeks": "EHC plans issued within 20 weeks",
    "annual_reviews_due": "Annual review decisions due",
    "annual_reviews_decided_within_4_weeks": "Annual review decisions within 4 weeks",
}


def _heading(metric_key: str, label: str) -> str:
    code = CSV_CODES.get(metric_key)
    return f"{label} ({code})" if code else label


def _csv_response(filename: str, header: list[str], rows: list[list[str]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(safe_row(header))
    # School and trust names are typed by people: never let a spreadsheet run one as a formula.
    writer.writerows(safe_row(list(row)) for row in rows)
    return response


def download(request: HttpRequest, table: str) -> HttpResponse:
    """Each dashboard table as CSV, with the same suppression as on screen."""
    scope = _scope_or_403(request)
    today = timezone.localdate().isoformat()
    if table == "schools":
        metrics = [METRICS[m] for m in COMPARISON_METRICS] + [METRICS[m] for m in ("sen_support", "ehc_plan")]
        rows = []
        for row in _comparison_rows(scope):
            served = row["served"]
            rows.append(
                [row["school"].name, row["school"].urn, served.on.isoformat() if served else ""]
                + [served[m.key].csv() if served else "" for m in metrics]
            )
        header = ["School", "Unique reference number (URN)", "Figures on"] + [_heading(m.key, m.label) for m in metrics]
        return _csv_response(f"schools-{today}.csv", header, rows)
    if table == "register":
        rows = []
        for row in _comparison_rows(scope):
            served = row["served"]
            if served is None:
                continue
            for title, items in (
                ("Primary need", served.by_primary_need),
                ("Year group", served.by_year_group),
                ("Sex", served.by_sex),
            ):
                rows += [[row["school"].name, title, item.label, item.figure.csv()] for item in items]
        return _csv_response(f"register-{today}.csv", ["School", "By", "Group", "Pupils on the SEN register"], rows)
    if table == "needs":
        mix = _need_mix(_comparison_rows(scope))
        rows = [[r["school"].name] + [f.csv() if f else "" for f in r["figures"]] for r in mix["rows"]]
        header = ["School"] + [label if key == NO_PRIMARY_NEED else f"{label} ({key})" for key, label in mix["columns"]]
        return _csv_response(f"need-mix-{today}.csv", header, rows)
    if table == "timeliness":
        names = list(selectors.TIMELINESS_RATES) + [
            "requests_received",
            "decisions_due",
            "decisions_within_6_weeks",
            "plans_due",
            "plans_within_20_weeks",
            "annual_reviews_due",
            "annual_reviews_decided_within_4_weeks",
        ]
        months = selectors.la_timeliness(scope, since=_since_months(24))
        rows = [[m.month.strftime("%Y-%m")] + [m.figures[n].csv() for n in names] for m in months]
        header = ["Month"] + [TIMELINESS_HEADINGS[n] for n in names]
        return _csv_response(f"ehc-timeliness-{today}.csv", header, rows)
    if table == "benchmarks":
        school: Organisation = request.tenant
        phases = {school.phase} if school.phase else {s.phase for s in selectors.schools_in_scope(scope)}
        rows = []
        for phase, by_metric in _benchmarks_for({p for p in phases if p}, scope).items():
            for key, b in by_metric.items():
                rows.append(
                    [selectors.PHASE_LABELS.get(phase, phase), METRICS[key].label, b.schools]
                    + [("" if v is None else str(v)) for v in (b.lower_quartile, b.median, b.upper_quartile)]
                )
        return _csv_response(
            f"benchmarks-{today}.csv",
            ["Phase", "Measure", "Schools", "Lower quartile", "Median", "Upper quartile"],
            rows,
        )
    raise Http404("There is no such table.")


# --- Reporting keys ----------------------------------------------------------------------------

# How long a new key may last, offered on the keys page (a year at most, and by default).
KEY_LIFETIMES = (("30", "30 days"), ("90", "3 months"), ("182", "6 months"), (str(REPORTING_KEY_MAX_DAYS), "1 year"))


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    organisation: Organisation = request.tenant
    if not can_manage_tokens(organisation, request.roles):
        raise PermissionDenied("Only the organisation's leaders can manage reporting keys.")
    new_key = None
    errors: dict[str, list[str]] = {}
    name = ""
    valid_days = str(REPORTING_KEY_MAX_DAYS)
    if request.method == "POST":
        name = request.POST.get("name", "")
        valid_days = request.POST.get("valid_days", valid_days)
        try:
            made = services.create_reporting_token(
                organisation=organisation,
                name=name,
                by=request.user,
                roles=request.roles,
                valid_days=int(valid_days) if valid_days.isdigit() and len(valid_days) < 6 else 0,
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            new_key = made.key
            name = ""
    return render(
        request,
        "reporting/tokens.html",
        {
            "tokens": ReportingToken.objects.filter(organisation=organisation).select_related("created_by"),
            "new_key": new_key,
            "errors": errors,
            "name": name,
            "valid_days": valid_days,
            "lifetimes": KEY_LIFETIMES,
            "endpoint": request.build_absolute_uri("/api/reporting/graphql/"),
        },
        status=400 if errors else 200,
    )


@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.revoke_reporting_token(
            organisation=request.tenant, token_id=token_id, by=request.user, roles=request.roles
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The key “{token.name}” has been revoked. It no longer works.")
    return redirect("reporting-tokens")


# --- Operators (base domain) ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def operator_refresh_runs(request: HttpRequest) -> HttpResponse:
    if not is_operator(request.roles):
        raise PermissionDenied("Only platform operators can see reporting refreshes.")
    if request.method == "POST":
        from .tasks import refresh_all_task

        try:
            refresh_all_task.apply_async(headers={"_schema_name": "public"}, retry=False)
        except Exception as error:
            messages.error(request, f"The refresh could not be queued ({type(error).__name__}). Is the broker running?")
        else:
            messages.success(request, "A refresh of every organisation has been queued.")
        return redirect("operator-reporting")
    counts = selectors.refresh_run_counts(since=timezone.now() - datetime.timedelta(days=1))
    return render(
        request,
        "reporting/operator_runs.html",
        {
            "runs": selectors.recent_refresh_runs(),
            "statuses": [(status, label, counts.get(status, 0)) for status, label in RefreshStatus.choices],
        },
    )
