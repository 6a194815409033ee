"""The census SEN extract page: choose the census date, see the breaches, download the extract and report."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from send_core import permissions
from send_core.views.common import record_children_shown

from .extract import extract_csv, sen_extract, validation_csv


def _census_date(request: HttpRequest) -> tuple[datetime.date, str]:
    raw = request.GET.get("on", "")
    if not raw:
        return timezone.localdate(), ""
    try:
        return datetime.date.fromisoformat(raw), ""
    except ValueError:
        return timezone.localdate(), "Enter the census date as a real date, for example 2026-01-15."


def _breach_pupils(extract) -> list[int]:
    return [breach.pupil_id for breach in extract.breaches]


@require_GET
def census(request: HttpRequest) -> HttpResponse:
    """The SEN part of the school census on a date (SENCO and headteacher: it names pupils)."""
    if not permissions.can_edit_send_record(request.roles):
        raise PermissionDenied("Only the SENCO or headteacher can prepare the census SEN extract.")
    day, error = _census_date(request)
    extract = sen_extract(day)
    download = request.GET.get("download", "")
    if download in ("extract", "report") and not error:
        body = extract_csv(extract) if download == "extract" else validation_csv(extract)
        # One row for the file, listing every child it names (the report names only those with breaches).
        named = [row.pupil_id for row in extract.pupils] if download == "extract" else _breach_pupils(extract)
        record_children_shown(
            request,
            named,
            f"the census SEN {'extract' if download == 'extract' else 'validation report'} for {day.isoformat()}",
            exported=True,
            object_type="census SEN extract",
            object_id=day.isoformat(),
            detail={"breaches": len(extract.breaches)},
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        name = f"census-sen-{download}-{day.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    counts = {code: 0 for code in ("N", "K", "E")}
    for row in extract.pupils:
        counts[row.sen_provision] = counts.get(row.sen_provision, 0) + 1
    record_children_shown(request, _breach_pupils(extract), f"census SEN breaches for {day.isoformat()}")
    context = {"extract": extract, "day": day, "error": error, "counts": counts}
    return render(request, "integrations/census/census.html", context, status=400 if error else 200)
