"""Each dashboard table as a CSV download, with the same suppression as on screen."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from send_core.csv_cells import safe_row
from tenants.models import Organisation

from .. import selectors
from ..figures import NO_PRIMARY_NEED
from ..metrics import TIMELINESS_METRICS
from ..selectors import METRICS
from .dashboards import COMPARISON_METRICS, _benchmarks_for, _comparison_rows, _need_mix, _scope_or_403, _since_months

# What `c` means is said beside each download link (reporting/_csv_note.html), not in the file: a
# CSV holds the heading row and data rows only, so BI tools and spreadsheets read it without cleaning.


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
        header = ["School", "Unique reference number (URN)", "Figures on"] + [m.csv_heading for m in metrics]
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
        # The rates first, then the counts they are worked out from.
        columns = [m for m in TIMELINESS_METRICS if m.rate_of] + [m for m in TIMELINESS_METRICS if not m.rate_of]
        months = selectors.la_timeliness(scope, since=_since_months(24))
        rows = [[m.month.strftime("%Y-%m")] + [m.figures[c.key].csv() for c in columns] for m in months]
        header = ["Month"] + [c.csv_heading for c in columns]
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
