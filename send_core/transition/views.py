"""Transition pages.

In the primary school: the Year 6 transition board, a pupil's transition page (destination,
consent, access grants, files sent), a year group's destination. In the next school: incoming
pupils by feeder school, and an incoming pupil's record, read-only, under a grant.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.acts import act
from send_platform.ui.pages import errors_page, form_page, posted

from ..models import ConsentScope, NCYear, Pupil
from ..selectors.agencies import consent_on
from ..selectors.pupils import on_roll
from ..services.base import today
from ..views.common import pupil_for, record_children_shown, record_view
from . import access, selectors, services
from .forms import CohortDestinationForm, DestinationForm, WindowForm
from .models import TransitionGrant
from .permissions import require_manage_transition
from .records import SECTIONS

TEMPLATES = "transition/"


def _pupil_url(pupil: Pupil) -> str:
    return reverse("transition:pupil", args=[pupil.pk])


def _managed_pupil(request: HttpRequest, pupil_id: int) -> Pupil:
    require_manage_transition(request.roles)
    return pupil_for(request, pupil_id)


def _grant(request: HttpRequest, grant_id: int) -> TransitionGrant:
    require_manage_transition(request.roles)
    try:
        return selectors.grant_of(request.tenant, grant_id)
    except TransitionGrant.DoesNotExist:
        raise Http404("This school has made no such grant.") from None


# --- The primary school -----------------------------------------------------------------------


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The Year 6 transition board: destination, consent, grant, file sent, acknowledged."""
    require_manage_transition(request.roles)
    rows = selectors.transition_board(request.tenant)
    record_children_shown(request, [row.pupil.pk for row in rows], "the transition board")
    return render(request, TEMPLATES + "board.html", {"rows": rows, "year_label": NCYear.Y6.label})


def _pupil_page(request: HttpRequest, pupil: Pupil, **extra) -> dict:
    school = request.tenant
    consent = consent_on(pupil, ConsentScope.SHARE_WITH_NEXT_SCHOOL, today())
    destination = services.destination_of(pupil)
    window = None
    if pupil.nc_year.isdigit():
        window = services.default_window(pupil.nc_year)
    grants = selectors.grants_for_pupil(school, pupil)
    return {
        "pupil": pupil,
        "consent": consent,
        "destination": destination,
        "grants": grants,
        "can_grant": destination is not None
        and not any(g.revoked_at is None and g.destination_id == destination.pk for g in grants),
        "files": selectors.files_for_pupil(school, pupil),
        "default_window": window,
        "sections": SECTIONS,
        **extra,
    }


@require_GET
def pupil(request: HttpRequest, pupil_id: int) -> HttpResponse:
    item = _managed_pupil(request, pupil_id)
    record_view(request, item, "transition")
    return render(request, TEMPLATES + "pupil.html", _pupil_page(request, item))


@require_http_methods(["GET", "POST"])
def destination(request: HttpRequest, pupil_id: int) -> HttpResponse:
    item = _managed_pupil(request, pupil_id)
    form = DestinationForm(posted(request), initial={"urn": item.destination_urn, "name": item.destination})
    context = {
        "form": form,
        "title": "Destination school",
        "caption": item.display_name,
        "button": "Save destination",
        "back_url": _pupil_url(item),
    }
    return act(
        request,
        form,
        lambda data: services.record_destination(item, recorded_by=request.user, **data),
        success=f"{item.first_name}'s destination school has been recorded.",
        redirect_to=_pupil_url(item),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def cohort_destination(request: HttpRequest) -> HttpResponse:
    require_manage_transition(request.roles)
    cohort = list(Pupil.objects.filter(on_roll(today()), nc_year=NCYear.Y6).order_by("last_name", "legal_first_name"))
    form = CohortDestinationForm(posted(request), pupils=cohort)
    context = {
        "form": form,
        "title": "Destination school for Year 6",
        "button": "Save destination",
        "back_url": reverse("transition:board"),
    }
    return act(
        request,
        form,
        lambda data: services.record_cohort_destination(
            recorded_by=request.user, urn=data["urn"], name=data["name"], pupil_ids=data["pupils"] or None
        ),
        success=lambda count: f"The destination school has been recorded for {count} pupils.",
        redirect_to=reverse("transition:board"),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def grant(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Grant the destination school read access, for the default window or one the SENCO sets."""
    item = _managed_pupil(request, pupil_id)
    initial = {}
    if item.nc_year.isdigit():
        initial = dict(zip(("starts_on", "ends_on"), services.default_window(item.nc_year), strict=True))
    form = WindowForm(posted(request), initial=initial)
    destination_school = services.destination_of(item)
    context = {
        "form": form,
        "title": "Give the next school access",
        "caption": item.display_name,
        "intro": (
            f"{destination_school.name}'s SENCO will be able to read {item.first_name}'s live record "
            "(read only) between these dates. You can revoke access at any time."
            if destination_school
            else "Record a destination school on Cairn first."
        ),
        "button": "Give access",
        "back_url": _pupil_url(item),
    }
    return act(
        request,
        form,
        lambda data: services.grant_access(item, granted_by=request.user, **data),
        success=lambda made: (
            f"{made.destination.name}'s SENCO can now read {item.first_name}'s record during the window."
        ),
        redirect_to=_pupil_url(item),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def change_window(request: HttpRequest, grant_id: int) -> HttpResponse:
    item = _grant(request, grant_id)
    pupil_item = pupil_for(request, item.primary_pupil_id)
    form = WindowForm(posted(request), initial={"starts_on": item.starts_on, "ends_on": item.ends_on})
    context = {
        "form": form,
        "title": f"Change {item.destination.name}'s access dates",
        "caption": pupil_item.display_name,
        "button": "Save dates",
        "back_url": _pupil_url(pupil_item),
    }
    return act(
        request,
        form,
        lambda data: services.change_grant_window(item, changed_by=request.user, **data),
        success="The access dates have been changed.",
        redirect_to=_pupil_url(pupil_item),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    item = _grant(request, grant_id)
    pupil_item = pupil_for(request, item.primary_pupil_id)
    if request.method == "POST":
        try:
            services.revoke_grant(item, revoked_by=request.user)
        except ValidationError as error:
            return errors_page(request, TEMPLATES + "pupil.html", _pupil_page(request, pupil_item), error)
        messages.success(request, f"{item.destination.name} can no longer read {pupil_item.first_name}'s record.")
        return redirect(_pupil_url(pupil_item))
    context = {
        "title": f"Revoke {item.destination.name}'s access?",
        "caption": pupil_item.display_name,
        "text": "Their SENCO will no longer be able to read this pupil's record. This takes effect at once.",
        "button": "Revoke access",
        "back_url": _pupil_url(pupil_item),
    }
    return render(request, "send_core/confirm.html", context)


# --- The next school --------------------------------------------------------------------------


@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """Pupils coming from feeder schools under a live grant, and transition files received."""
    try:
        feeders = access.incoming_pupils(user=request.user, organisation=request.tenant)
    except PermissionDenied as refusal:
        # Returned, not raised, so the refusal already recorded in the trail is kept.
        return render(request, "errors/403.html", {"reason": str(refusal)}, status=403)
    received = selectors.files_received(request.tenant)
    return render(request, TEMPLATES + "incoming.html", {"feeders": feeders, "received": received})


@require_GET
def incoming_pupil(request: HttpRequest, grant_id: int) -> HttpResponse:
    """An incoming pupil's record, read-only; a refusal is a 403 with the reason (already audited)."""
    try:
        read = access.read_incoming_pupil(grant_id, user=request.user, organisation=request.tenant)
    except PermissionDenied as refusal:
        return render(request, "errors/403.html", {"reason": str(refusal)}, status=403)
    return render(request, TEMPLATES + "incoming_pupil.html", {"read": read, "record": read.record})
