"""The SEND dashboard, as its own page and as the school's home page's SEND section."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from ..selectors.dashboard import children_named, dashboard_viewer, send_dashboard
from .common import record_children_shown, toolkit


def _dashboard(request: HttpRequest, *, full: bool) -> dict:
    viewer = dashboard_viewer(request.user, request.roles, timezone.localdate(), full=full)
    context = send_dashboard(viewer, toolkit(request))
    record_children_shown(request, children_named(context), "SEND dashboard" if full else "school home page")
    return context


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The SEND dashboard at /send/, with every list in full."""
    return render(request, "send_core/dashboard.html", _dashboard(request, full=True))


def school_home_section(request: HttpRequest) -> SafeString:
    """The dashboard's short lists, drawn on the school's home page (the organisation's own page)."""
    return render_to_string("send_core/includes/dashboard.html", _dashboard(request, full=False), request=request)
