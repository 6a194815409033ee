"""Meetings with parents: the pupil's meetings (and how many this school year), one meeting, recording one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.pages import form_page, posted

from .. import permissions
from ..forms import MeetingForm
from ..models import ParentMeeting
from ..selectors.meetings import parent_meetings_for, parent_meetings_in_year
from ..services import meetings as meeting_services
from .common import pupil_context, pupil_for, record_view
from .submissions import act_once


@require_GET
def meetings(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "meetings with parents")
    context = pupil_context(
        request,
        pupil,
        "meetings",
        meetings=list(parent_meetings_for(pupil)),
        in_year=parent_meetings_in_year(pupil, timezone.localdate()),
    )
    return render(request, "send_core/records/meetings.html", context)


@require_GET
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    item = get_object_or_404(ParentMeeting.objects.select_related("recorded_by"), pk=meeting_id)
    pupil = pupil_for(request, item.pupil_id)
    record_view(request, pupil, "meeting with parents")
    return render(request, "send_core/records/meeting.html", pupil_context(request, pupil, "meetings", meeting=item))


@require_http_methods(["GET", "POST"])
def add_meeting(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_contribute_to_record(request.user, request.roles, pupil)
    form = MeetingForm(posted(request), once=True)
    listed = reverse("send_core:pupil-meetings", args=[pupil.pk])

    def record(data: dict[str, Any]) -> ParentMeeting:
        # Who took part travels as attendees, not as the form's separate fields.
        data = {name: value for name, value in data.items() if name not in form.people_field_names}
        return meeting_services.record_parent_meeting(pupil, recorded_by=request.user, attendees=form.people(), **data)

    context = {
        "form": form,
        "title": "Record a meeting with parents",
        "caption": pupil.display_name,
        "button": "Record meeting",
        "back_url": listed,
    }
    return act_once(
        request,
        form,
        record,
        made_at=lambda made: listed,
        success="The meeting has been recorded.",
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )
