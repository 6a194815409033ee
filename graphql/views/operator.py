"""The operators' reporting page on the base domain: recent refreshes, and a refresh of every organisation."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tenants.permissions import is_operator

from .. import selectors
from ..models import RefreshStatus
from ..tasks import refresh_all_task


@login_required
@require_http_methods(["GET", "POST"])
def operator_refresh_runs(request: HttpRequest) -> HttpResponse:
    if not is_operator(request.roles):
        raise PermissionDenied("Only platform operators can see reporting refreshes.")
    if request.method == "POST":
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
