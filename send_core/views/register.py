"""The SEND register: who is on it on a date, a pupil's stage over time, and moving them on it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page, posted

from .. import permissions
from ..forms import ExitRegisterForm, RegisterDateForm, StageChangeForm
from ..models import NeedRank, ParentNotification, PupilNeed, RegisterEntry
from ..selectors.pupils import covering
from ..selectors.register import (
    current_stage,
    last_month_end,
    parent_notifications_for,
    register_figures_for_outsiders,
    register_history,
    register_on,
    register_summary,
)
from ..services import register as register_services
from .common import pupil_context, pupil_for, record_children_shown, record_view, toolkit


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """Who is on the SEN register on a date (today unless asked), by stage; figures only for governors."""
    roles = request.roles
    names = bool(roles & (permissions.SEND_RECORD_EDITORS | permissions.CLASS_STAFF))
    figures = permissions.can_view_register_summary(roles)
    if not names and not figures:
        raise PermissionDenied("Your role does not include the SEND register.")
    form = RegisterDateForm(request.GET or None)
    day = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
    kit = toolkit(request)
    stages: list[dict] = []
    if names:
        entries = list(register_on(day, user=request.user, roles=roles))
        primary = {
            need.pupil_id: need
            for need in PupilNeed.objects.filter(
                covering(day), rank=NeedRank.PRIMARY, pupil_id__in=[entry.pupil_id for entry in entries]
            )
        }
        order = {stage.key: index for index, stage in enumerate(kit.stages)}
        by_stage: dict[str, dict] = {}
        for entry in entries:
            group = by_stage.setdefault(
                entry.stage_key,
                {"label": kit.label_for(entry.stage_key, entry.stage_label), "code": entry.census_code, "rows": []},
            )
            group["rows"].append({"entry": entry, "pupil": entry.pupil, "need": primary.get(entry.pupil_id)})
        stages = [by_stage[key] for key in sorted(by_stage, key=lambda key: (order.get(key, len(order)), key))]
        record_children_shown(request, [entry.pupil_id for entry in entries], f"the register on {day.isoformat()}")
    exact = permissions.sees_exact_figures(roles)
    # Governors and business managers: month ends only, so one day cannot be compared with the next.
    figures_day = day if exact else last_month_end(day)
    summary = register_summary(figures_day) if figures else None
    if summary is not None and not exact:
        summary = register_figures_for_outsiders(summary)
    context = {
        "form": form,
        "day": day,
        "figures_day": figures_day,
        "figures_for_outsiders": figures and not exact,
        "is_today": day == timezone.localdate(),
        "summary": summary,
        "stages": stages,
        "names": names,
        "whole_school": bool(roles & permissions.SEND_RECORD_EDITORS),
        "words": kit.all_wording,
    }
    return render(request, "send_core/register/register.html", context, status=400 if form.errors else 200)


@require_GET
def pupil_register(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "register")
    context = pupil_context(
        request,
        pupil,
        "register",
        history=list(register_history(pupil).select_related("decided_by")),
        notifications=list(parent_notifications_for(pupil)),
    )
    return render(request, "send_core/register/pupil_register.html", context)


@require_GET
def entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    item = get_object_or_404(RegisterEntry, pk=entry_id)
    pupil_for(request, item.pupil_id)
    return redirect(reverse("send_core:pupil-register", args=[item.pupil_id]) + f"#entry-{item.pk}")


@require_GET
def notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    item = get_object_or_404(ParentNotification, pk=notification_id)
    pupil_for(request, item.pupil_id)
    return redirect(reverse("send_core:pupil-register", args=[item.pupil_id]) + f"#notification-{item.pk}")


def _in_sentence(name: str) -> str:
    """A toolkit's name mid-sentence: "Monitoring register" → "monitoring register"; "SEN register" stays."""
    first = name.split(" ", 1)[0]
    return name if first.isupper() else name[:1].lower() + name[1:]


@require_http_methods(["GET", "POST"])
def change_stage(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_edit_send_record(request.roles)
    stage = current_stage(pupil)
    form = StageChangeForm(posted(request), toolkit=toolkit(request), current_key=stage.stage_key if stage else "")
    context = {
        "form": form,
        "title": "Change stage on the register",
        "caption": pupil.display_name,
        "intro": f"Now: {stage.stage_label} since {stage.started_on.day} {stage.started_on:%B %Y}."
        if stage
        else "Not on the register now.",
        "button": "Change stage",
        "back_url": reverse("send_core:pupil-register", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        lambda data: register_services.place_on_register(pupil, decided_by=request.user, **data),
        success=lambda entry: f"{pupil.display_name} is now at {entry.stage_label}.",
        redirect_to=reverse("send_core:pupil-register", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def leave_register(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Take a pupil off SEN provision back to monitoring (plans close), or end monitoring."""
    pupil = pupil_for(request, pupil_id)
    permissions.require_edit_send_record(request.roles)
    stage = current_stage(pupil)
    form = ExitRegisterForm(posted(request))
    on_register = stage is not None and stage.is_on_register
    words = toolkit(request).all_wording
    register_name = words["sen_register"] if on_register else words["monitoring_register"]
    leave = f"Take off the {_in_sentence(register_name)}"
    context = {
        "form": form,
        "title": leave,
        "caption": pupil.display_name,
        "intro": (
            f"{pupil.first_name} returns to {toolkit(request).monitoring_stage.label}; any open plan closes. "
            "The history is kept."
            if on_register
            else "The pupil's history is kept."
        ),
        "button": leave,
        "back_url": reverse("send_core:pupil-register", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        lambda data: register_services.exit_register(pupil, decided_by=request.user, **data),
        success=f"{pupil.display_name}'s register record has been updated.",
        redirect_to=reverse("send_core:pupil-register", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )
