"""A pupil's assessments: the list with their charts, and recording one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.pages import form_page, posted

from .. import permissions
from ..forms import AssessmentForm
from ..models import NUMERIC_ASSESSMENT_KINDS, Assessment, AssessmentKind
from ..selectors.assessments import assessment_series, assessments_for
from ..services import assessments as assessment_services
from .charts import line_chart
from .common import pupil_context, pupil_for, record_view
from .submissions import act_once


@require_GET
def assessments(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "assessments")
    rows = list(assessments_for(pupil))
    kinds = [
        kind for kind in AssessmentKind.values if kind in NUMERIC_ASSESSMENT_KINDS and any(r.kind == kind for r in rows)
    ]
    charts = []
    for kind in kinds:
        series = assessment_series(pupil, kind)
        charts.append(
            {"kind": kind, "label": AssessmentKind(kind).label, "chart": line_chart(series), "series": series}
        )
    context = pupil_context(request, pupil, "assessments", assessments=rows, charts=charts)
    return render(request, "send_core/records/assessments.html", context)


@require_GET
def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    item = get_object_or_404(Assessment, pk=assessment_id)
    pupil_for(request, item.pupil_id)
    return redirect(reverse("send_core:pupil-assessments", args=[item.pupil_id]) + f"#assessment-{item.pk}")


@require_http_methods(["GET", "POST"])
def add_assessment(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_contribute_to_record(request.user, request.roles, pupil)
    form = AssessmentForm(posted(request), once=True)
    listed = reverse("send_core:pupil-assessments", args=[pupil.pk])
    context = {
        "form": form,
        "title": "Record an assessment",
        "caption": pupil.display_name,
        "button": "Record assessment",
        "back_url": listed,
    }
    return act_once(
        request,
        form,
        lambda data: assessment_services.record_assessment(pupil, recorded_by=request.user, **data),
        made_at=lambda made: listed,
        success="The assessment has been recorded.",
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )
