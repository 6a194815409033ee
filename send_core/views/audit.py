"""Who has viewed a pupil's record: the school's own audit trail, for the SENCO and headteacher."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tenants.models import User

from .. import permissions
from ..selectors.audit import who_viewed
from .common import pupil_context, pupil_for, record_view


@require_GET
def viewed(request: HttpRequest, pupil_id: int) -> HttpResponse:
    permissions.require_view_audit_trail(request.roles)
    pupil = pupil_for(request, pupil_id)
    events = list(who_viewed(pupil))
    names = dict(User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id}).values_list("pk", "full_name"))
    rows = [{"event": e, "name": names.get(e.actor_id) or e.actor_label or "Someone since removed"} for e in events]
    record_view(request, pupil, "who has viewed")
    return render(request, "send_core/records/viewed.html", pupil_context(request, pupil, "viewed", rows=rows))
