"""A person's reminders of EHC deadlines: what is due, for whom, by when."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .permissions import can_work_cases, can_work_on_requests
from .reminders import dismiss_reminder, reminders_for


def _allowed(request: HttpRequest) -> None:
    from django.core.exceptions import PermissionDenied

    if not (can_work_cases(request.roles) or can_work_on_requests(request.roles)):
        raise PermissionDenied("Reminders of EHC deadlines go to SENCOs and LA casework staff.")


@require_GET
def reminders(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return render(request, "ehc/reminders.html", {"reminders": reminders_for(request.user)})


@require_POST
def dismiss(request: HttpRequest, reminder_id: int) -> HttpResponse:
    _allowed(request)
    dismiss_reminder(request.user, reminder_id)
    return redirect("ehc:reminders")
