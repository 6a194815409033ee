"""A pupil's needs and diagnoses: recording, ending and ranking them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from send_platform.ui.acts import act
from send_platform.ui.pages import errors_page, form_page, posted

from .. import permissions
from ..forms import DiagnosisForm, EndNeedForm, NeedForm
from ..models import Diagnosis, Pupil, PupilNeed
from ..services import needs as need_services
from .common import pupil_context, pupil_for, record_view
from .submissions import act_once


def _needs_context(request: HttpRequest, pupil: Pupil) -> dict:
    needs = list(pupil.needs.all())
    return pupil_context(
        request,
        pupil,
        "needs",
        current_needs=[need for need in needs if need.is_current],
        past_needs=[need for need in needs if not need.is_current],
        diagnoses=list(pupil.diagnoses.all()),
    )


@require_GET
def needs(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "needs")
    return render(request, "send_core/needs/needs.html", _needs_context(request, pupil))


@require_GET
def need(request: HttpRequest, need_id: int) -> HttpResponse:
    item = get_object_or_404(PupilNeed, pk=need_id)
    pupil_for(request, item.pupil_id)
    return redirect(reverse("send_core:pupil-needs", args=[item.pupil_id]) + f"#need-{item.pk}")


@require_GET
def diagnosis(request: HttpRequest, diagnosis_id: int) -> HttpResponse:
    item = get_object_or_404(Diagnosis, pk=diagnosis_id)
    pupil_for(request, item.pupil_id)
    return redirect(reverse("send_core:pupil-needs", args=[item.pupil_id]) + f"#diagnosis-{item.pk}")


@require_http_methods(["GET", "POST"])
def add_need(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_edit_send_record(request.roles)
    form = NeedForm(posted(request), once=True)
    context = {
        "form": form,
        "title": "Record a need",
        "caption": pupil.display_name,
        "button": "Record need",
        "back_url": reverse("send_core:pupil-needs", args=[pupil.pk]),
    }
    return act_once(
        request,
        form,
        lambda data: need_services.add_need(pupil, recorded_by=request.user, **data),
        made_at=lambda made: reverse("send_core:pupil-needs", args=[pupil.pk]),
        success="The need has been recorded.",
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def end_need(request: HttpRequest, need_id: int) -> HttpResponse:
    item = get_object_or_404(PupilNeed, pk=need_id)
    pupil = pupil_for(request, item.pupil_id)
    permissions.require_edit_send_record(request.roles)
    form = EndNeedForm(posted(request))
    context = {
        "form": form,
        "title": f"End the need: {item.get_need_type_display()}",
        "caption": pupil.display_name,
        "intro": "The need stays in the pupil's history. If it was the primary need, the secondary need becomes primary.",
        "button": "End need",
        "back_url": reverse("send_core:pupil-needs", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        lambda data: need_services.end_need(item, ended_by=request.user, ended_on=data["ended_on"]),
        success=f"{item.get_need_type_display()} is no longer a current need.",
        redirect_to=reverse("send_core:pupil-needs", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_POST
def make_primary(request: HttpRequest, need_id: int) -> HttpResponse:
    item = get_object_or_404(PupilNeed, pk=need_id)
    pupil = pupil_for(request, item.pupil_id)
    try:
        need_services.make_primary_need(item, changed_by=request.user)
    except ValidationError as error:
        return errors_page(request, "send_core/needs/needs.html", _needs_context(request, pupil), error)
    messages.success(request, f"{item.get_need_type_display()} is now the primary need.")
    return redirect("send_core:pupil-needs", pupil.pk)


@require_http_methods(["GET", "POST"])
def add_diagnosis(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_edit_send_record(request.roles)
    form = DiagnosisForm(posted(request), once=True)
    context = {
        "form": form,
        "title": "Record a diagnosis",
        "caption": pupil.display_name,
        "button": "Record diagnosis",
        "back_url": reverse("send_core:pupil-needs", args=[pupil.pk]),
    }
    return act_once(
        request,
        form,
        lambda data: need_services.record_diagnosis(pupil, recorded_by=request.user, **data),
        made_at=lambda made: reverse("send_core:pupil-needs", args=[pupil.pk]),
        success="The diagnosis has been recorded.",
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )
