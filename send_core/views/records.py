"""The rest of a pupil's record: assessments, agencies and consent, meetings with parents, medical conditions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.pages import form_page, posted

from .. import permissions
from ..forms import (
    AssessmentForm,
    ConsentForm,
    EndMedicalConditionForm,
    InvolvementForm,
    MedicalConditionForm,
    MeetingForm,
    ReferralForm,
    WithdrawConsentForm,
)
from ..models import (
    NUMERIC_ASSESSMENT_KINDS,
    AgencyInvolvement,
    Assessment,
    AssessmentKind,
    Consent,
    ConsentScope,
    MedicalCondition,
    ParentMeeting,
)
from ..selectors.agencies import agency_catalogue, consents_for, has_consent, involvements_for
from ..selectors.assessments import assessment_series, assessments_for
from ..selectors.medical import medical_conditions_for
from ..selectors.meetings import parent_meetings_for, parent_meetings_in_year
from ..services import agencies as agency_services
from ..services import assessments as assessment_services
from ..services import medical as medical_services
from ..services import meetings as meeting_services
from .charts import line_chart
from .common import pupil_context, pupil_for, record_view, record_view_on_get
from .submissions import create_once

# --- Assessments -----------------------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        try:
            _, repeat = create_once(
                request,
                form,
                lambda: assessment_services.record_assessment(pupil, recorded_by=request.user, **form.cleaned_data),
                lambda made: reverse("send_core:pupil-assessments", args=[pupil.pk]),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if repeat:
                return repeat
            messages.success(request, "The assessment has been recorded.")
            return redirect("send_core:pupil-assessments", pupil.pk)
    context = {
        "form": form,
        "title": "Record an assessment",
        "caption": pupil.display_name,
        "button": "Record assessment",
        "back_url": reverse("send_core:pupil-assessments", args=[pupil.pk]),
    }
    return form_page(request, "send_core/form_page.html", context, form)


# --- Agencies and consent ----------------------------------------------------------------------


@require_GET
def agencies(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "agencies and consent")
    context = pupil_context(
        request,
        pupil,
        "agencies",
        involvements=list(involvements_for(pupil)),
        consents=list(consents_for(pupil)),
        referral_consent=has_consent(pupil, ConsentScope.REFERRAL),
    )
    return render(request, "send_core/records/agencies.html", context)


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Refer the pupil to an agency; refused, with the reason, unless parents' consent to referral is on record."""
    pupil = pupil_for(request, pupil_id)
    permissions.require_edit_send_record(request.roles)
    if not agency_catalogue().exists():
        # A school's first referral: its catalogue starts from the usual services (adding is idempotent).
        agency_services.ensure_agency_catalogue(by=request.user)
    form = ReferralForm(posted(request), agencies=agency_catalogue())
    if request.method == "POST" and form.is_valid():
        try:
            involvement = agency_services.refer_to_agency(pupil, referred_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"The referral to {involvement.agency.name} has been recorded.")
            return redirect("send_core:pupil-agencies", pupil.pk)
    consent = has_consent(pupil, ConsentScope.REFERRAL)
    context = {
        "form": form,
        "title": "Refer to an agency",
        "caption": pupil.display_name,
        "warning": ""
        if consent
        else "Parents' consent to a referral is not on record. Record their consent before referring.",
        "button": "Record referral",
        "back_url": reverse("send_core:pupil-agencies", args=[pupil.pk]),
    }
    return form_page(request, "send_core/form_page.html", context, form)


@require_http_methods(["GET", "POST"])
def involvement(request: HttpRequest, involvement_id: int) -> HttpResponse:
    """One agency's involvement with the pupil, and (for the SENCO) how it stands."""
    item = get_object_or_404(
        AgencyInvolvement.objects.select_related("agency", "consent", "referred_by"), pk=involvement_id
    )
    pupil = pupil_for(request, item.pupil_id)
    editable = permissions.can_edit_send_record(request.roles)
    initial = {name: getattr(item, name) for name in ("status", "report_received_on", "notes", "closed_on")}
    form = InvolvementForm(posted(request), initial=initial) if editable else None
    if request.method == "POST":
        permissions.require_edit_send_record(request.roles)
        if form.is_valid():
            try:
                agency_services.update_involvement(item, changed_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"{item.agency.name}'s involvement has been updated.")
                return redirect("send_core:agency-involvement", item.pk)
    else:
        record_view(request, pupil, "agency involvement")
    context = pupil_context(request, pupil, "agencies", involvement=item, form=form)
    return form_page(request, "send_core/records/involvement.html", context, form)


@require_http_methods(["GET", "POST"])
def add_consent(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_edit_send_record(request.roles)
    form = ConsentForm(posted(request), once=True, parents=pupil.parents.all())
    if request.method == "POST" and form.is_valid():
        try:
            _, repeat = create_once(
                request,
                form,
                lambda: agency_services.record_consent(pupil, recorded_by=request.user, **form.cleaned_data),
                lambda made: reverse("send_core:pupil-agencies", args=[pupil.pk]),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if repeat:
                return repeat
            messages.success(request, "The consent has been recorded.")
            return redirect("send_core:pupil-agencies", pupil.pk)
    context = {
        "form": form,
        "title": "Record consent",
        "caption": pupil.display_name,
        "intro": "Consent is given by a parent or carer with parental responsibility, for one purpose, until they withdraw it.",
        "warning": ""
        if pupil.parents.exists()
        else "No parents or carers are recorded for this pupil yet. Add them first.",
        "button": "Record consent",
        "back_url": reverse("send_core:pupil-agencies", args=[pupil.pk]),
    }
    return form_page(request, "send_core/form_page.html", context, form)


@require_GET
def consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    item = get_object_or_404(Consent, pk=consent_id)
    pupil_for(request, item.pupil_id)
    return redirect(reverse("send_core:pupil-agencies", args=[item.pupil_id]) + f"#consent-{item.pk}")


@require_http_methods(["GET", "POST"])
def withdraw_consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    item = get_object_or_404(Consent.objects.select_related("given_by"), pk=consent_id)
    pupil = pupil_for(request, item.pupil_id)
    permissions.require_edit_send_record(request.roles)
    record_view_on_get(request, pupil, "consent")
    form = WithdrawConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            agency_services.withdraw_consent(item, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The consent has been recorded as withdrawn.")
            return redirect("send_core:pupil-agencies", pupil.pk)
    context = {
        "form": form,
        "title": "Withdraw consent",
        "caption": pupil.display_name,
        "intro": f"{item.get_scope_display()}, given by {item.given_by.name} on {item.given_on.day} {item.given_on:%B %Y}.",
        "button": "Withdraw consent",
        "danger": True,
        "back_url": reverse("send_core:pupil-agencies", args=[pupil.pk]),
    }
    return form_page(request, "send_core/form_page.html", context, form)


# --- Meetings with parents ---------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for name in form.people_field_names:
            data.pop(name, None)
        try:
            _, repeat = create_once(
                request,
                form,
                lambda: meeting_services.record_parent_meeting(
                    pupil, recorded_by=request.user, attendees=form.people(), **data
                ),
                lambda made: reverse("send_core:pupil-meetings", args=[pupil.pk]),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if repeat:
                return repeat
            messages.success(request, "The meeting has been recorded.")
            return redirect("send_core:pupil-meetings", pupil.pk)
    context = {
        "form": form,
        "title": "Record a meeting with parents",
        "caption": pupil.display_name,
        "button": "Record meeting",
        "back_url": reverse("send_core:pupil-meetings", args=[pupil.pk]),
    }
    return form_page(request, "send_core/form_page.html", context, form)


# --- Medical conditions ------------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        try:
            _, repeat = create_once(
                request,
                form,
                lambda: medical_services.record_medical_condition(pupil, recorded_by=request.user, **form.cleaned_data),
                lambda made: reverse("send_core:pupil-medical", args=[pupil.pk]),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if repeat:
                return repeat
            messages.success(request, "The medical condition has been recorded.")
            return redirect("send_core:pupil-medical", pupil.pk)
    context = {
        "form": form,
        "title": "Record a medical condition",
        "caption": pupil.display_name,
        "button": "Record condition",
        "back_url": reverse("send_core:pupil-medical", args=[pupil.pk]),
    }
    return form_page(request, "send_core/form_page.html", context, form)


@require_http_methods(["GET", "POST"])
def end_medical(request: HttpRequest, condition_id: int) -> HttpResponse:
    item = get_object_or_404(MedicalCondition, pk=condition_id)
    pupil = pupil_for(request, item.pupil_id)
    permissions.require_edit_send_record(request.roles)
    form = EndMedicalConditionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            medical_services.end_medical_condition(item, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{item.condition} is recorded as no longer applying.")
            return redirect("send_core:pupil-medical", pupil.pk)
    context = {
        "form": form,
        "title": f"{item.condition} no longer applies",
        "caption": pupil.display_name,
        "button": "Save",
        "back_url": reverse("send_core:pupil-medical", args=[pupil.pk]),
    }
    return form_page(request, "send_core/form_page.html", context, form)
