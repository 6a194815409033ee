"""Agencies and consent: referring a pupil to an agency, how its involvement stands, and parents' consent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page, posted

from .. import permissions
from ..forms import ConsentForm, InvolvementForm, ReferralForm, WithdrawConsentForm
from ..models import AgencyInvolvement, Consent, ConsentScope
from ..selectors.agencies import agency_catalogue, consents_for, has_consent, involvements_for
from ..services import agencies as agency_services
from .common import pupil_context, pupil_for, record_view, record_view_on_get
from .submissions import act_once


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

    def page() -> HttpResponse:
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

    return act(
        request,
        form,
        lambda data: agency_services.refer_to_agency(pupil, referred_by=request.user, **data),
        success=lambda involvement: f"The referral to {involvement.agency.name} has been recorded.",
        redirect_to=reverse("send_core:pupil-agencies", args=[pupil.pk]),
        page=page,
    )


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
    else:
        record_view(request, pupil, "agency involvement")

    def page() -> HttpResponse:
        context = pupil_context(request, pupil, "agencies", involvement=item, form=form)
        return form_page(request, "send_core/records/involvement.html", context, form)

    if form is None:
        return page()
    return act(
        request,
        form,
        lambda data: agency_services.update_involvement(item, changed_by=request.user, **data),
        success=f"{item.agency.name}'s involvement has been updated.",
        redirect_to=reverse("send_core:agency-involvement", args=[item.pk]),
        page=page,
    )


@require_http_methods(["GET", "POST"])
def add_consent(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_edit_send_record(request.roles)
    form = ConsentForm(posted(request), once=True, parents=pupil.parents.all())

    def page() -> HttpResponse:
        context = {
            "form": form,
            "title": "Record consent",
            "caption": pupil.display_name,
            "intro": "Consent is given by a parent or carer with parental responsibility, for one purpose, "
            "until they withdraw it.",
            "warning": ""
            if pupil.parents.exists()
            else "No parents or carers are recorded for this pupil yet. Add them first.",
            "button": "Record consent",
            "back_url": reverse("send_core:pupil-agencies", args=[pupil.pk]),
        }
        return form_page(request, "send_core/form_page.html", context, form)

    return act_once(
        request,
        form,
        lambda data: agency_services.record_consent(pupil, recorded_by=request.user, **data),
        made_at=lambda made: reverse("send_core:pupil-agencies", args=[pupil.pk]),
        success="The consent has been recorded.",
        page=page,
    )


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
    context = {
        "form": form,
        "title": "Withdraw consent",
        "caption": pupil.display_name,
        "intro": f"{item.get_scope_display()}, given by {item.given_by.name} on {item.given_on.day} {item.given_on:%B %Y}.",
        "button": "Withdraw consent",
        "danger": True,
        "back_url": reverse("send_core:pupil-agencies", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        lambda data: agency_services.withdraw_consent(item, recorded_by=request.user, **data),
        success="The consent has been recorded as withdrawn.",
        redirect_to=reverse("send_core:pupil-agencies", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )
