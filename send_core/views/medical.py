"""Medical conditions: the pupil's conditions and healthcare plans, recording one, and when one stops applying."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page, posted

from .. import permissions
from ..forms import EndMedicalConditionForm, MedicalConditionForm
from ..models import MedicalCondition
from ..selectors.medical import medical_conditions_for
from ..services import medical as medical_services
from .common import pupil_context, pupil_for, record_view
from .submissions import act_once


@require_GET
def medical(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "medical conditions")
    context = pupil_context(request, pupil, "medical", conditions=list(medical_conditions_for(pupil)))
    return render(request, "send_core/records/medical.html", context)


@require_http_methods(["GET", "POST"])
def add_medical(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_edit_send_record(request.roles)
    form = MedicalConditionForm(posted(request), once=True)
    listed = reverse("send_core:pupil-medical", args=[pupil.pk])
    context = {
        "form": form,
        "title": "Record a medical condition",
        "caption": pupil.display_name,
        "button": "Record condition",
        "back_url": listed,
    }
    return act_once(
        request,
        form,
        lambda data: medical_services.record_medical_condition(pupil, recorded_by=request.user, **data),
        made_at=lambda made: listed,
        success="The medical condition has been recorded.",
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def end_medical(request: HttpRequest, condition_id: int) -> HttpResponse:
    item = get_object_or_404(MedicalCondition, pk=condition_id)
    pupil = pupil_for(request, item.pupil_id)
    permissions.require_edit_send_record(request.roles)
    form = EndMedicalConditionForm(posted(request))
    listed = reverse("send_core:pupil-medical", args=[pupil.pk])
    context = {
        "form": form,
        "title": f"{item.condition} no longer applies",
        "caption": pupil.display_name,
        "button": "Save",
        "back_url": listed,
    }
    return act(
        request,
        form,
        lambda data: medical_services.end_medical_condition(item, recorded_by=request.user, **data),
        success=f"{item.condition} is recorded as no longer applying.",
        redirect_to=listed,
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )
