"""Toolkit pages: choosing a school's toolkit, an LA's default, the operators' list, and matching provision to need.

The pages are thin: permission checks, one selector or service, a template. A refusal is shown
on the toolkit pages' own layout with the reason, as a 403. On an organisation's host the
membership middleware has already sent anyone signed out to sign in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page

from send_core.models import CensusCode, Pupil
from send_core.permissions import can_edit_send_record, require_edit_send_record, require_view_send_record
from send_core.selectors.descriptors import descriptor_history, matching_provision
from send_core.services.descriptors import record_descriptor_level
from send_core.services.viewing import record_pupil_view
from send_core.toolkit import TOOLKITS, Toolkit, national_toolkit, toolkit_for
from tenants.permissions import is_operator
from tenants.roles import OrganisationKind

from . import selectors, services
from .forms import ChooseToolkitForm, DescriptorLevelForm
from .permissions import (
    can_set_la_toolkit,
    require_choose_school_toolkit,
    require_set_la_toolkit,
    require_view_toolkits,
)

CENSUS_LABELS = {
    CensusCode.NONE: "N (no SEN provision)",
    CensusCode.SEN_SUPPORT: "K (SEN Support)",
    CensusCode.EHC_PLAN: "E (EHC plan)",
}


def refuse_on_own_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Show a PermissionDenied as a 403 with its reason, on the toolkit pages' layout."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return render(request, "integrations/toolkits/forbidden.html", {"reason": str(error)}, status=403)

    return wrapped


def toolkit_card(toolkit: Toolkit, *, source: str = "") -> dict[str, Any]:
    """A toolkit laid out for the templates: stages with census codes, limits, evidence and descriptors."""
    stage_labels = {stage.key: stage.label for stage in toolkit.stages}
    return {
        "toolkit": toolkit,
        "source": source,
        "stages": [
            {"stage": stage, "census": CENSUS_LABELS.get(stage.census_code, stage.census_code)}
            for stage in toolkit.stages
        ],
        "stage_path": " → ".join(stage.label for stage in toolkit.stages),
        "descriptors": [
            {
                "area_label": block.area_label,
                "levels": [
                    {"level": level, "stage_label": stage_labels.get(level.stage_key, "")} for level in block.levels
                ],
            }
            for block in toolkit.descriptors
        ],
    }


def _validation_messages(error: ValidationError) -> list[str]:
    """Every message of a ValidationError, with or without fields."""
    return list(error.messages)


# --- /toolkits/ on a school's or an LA's host -----------------------------------------------


def _school_context(request: HttpRequest) -> dict[str, Any]:
    school = request.tenant
    la_default = selectors.toolkit_after(school, "")
    return {
        "current": toolkit_card(toolkit_for(school)),
        "own_choice": bool(school.toolkit),
        "chosen_key": school.toolkit,
        "la_default": la_default,
        "cards": [toolkit_card(t, source=selectors.toolkit_source(t.key)) for t in selectors.available_toolkits()],
    }


def _la_context(request: HttpRequest) -> dict[str, Any]:
    la = request.tenant
    return {
        "current": toolkit_card(TOOLKITS.get(la.toolkit) or national_toolkit()),
        "chosen_key": la.toolkit,
        "schools": selectors.schools_and_toolkits(la),
        "can_set": can_set_la_toolkit(request.roles),
        "cards": [toolkit_card(t, source=selectors.toolkit_source(t.key)) for t in selectors.available_toolkits()],
    }


def _home(request: HttpRequest, *, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    kind = request.tenant.kind
    if kind == OrganisationKind.SCHOOL:
        context, template = _school_context(request), "integrations/toolkits/school.html"
    else:
        context, template = _la_context(request), "integrations/toolkits/local_authority.html"
    context["errors"] = errors or []
    return render(request, template, context, status=status)


@require_http_methods(["GET"])
@refuse_on_own_page
def toolkits_home(request: HttpRequest) -> HttpResponse:
    """A school's SENCO or head sees its toolkit and may choose another; an LA's SEN team sees its default and schools."""
    require_view_toolkits(request.tenant.kind, request.roles)
    return _home(request)


@require_http_methods(["GET", "POST"])
@refuse_on_own_page
def change_toolkit(request: HttpRequest) -> HttpResponse:
    """GET: what the change would do (how many pupils' stages are mapped, and to what). POST: make it."""
    organisation = request.tenant
    if organisation.kind == OrganisationKind.SCHOOL:
        require_choose_school_toolkit(request.roles)
    elif organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        require_set_la_toolkit(request.roles)
    else:
        require_view_toolkits(organisation.kind, request.roles)
    form = ChooseToolkitForm(request.POST if request.method == "POST" else request.GET)
    if "toolkit" not in form.data or not form.is_valid():
        return _home(request, errors=["Choose a toolkit."], status=400)
    key = form.cleaned_data["toolkit"].strip()
    if key == organisation.toolkit:
        return _home(request, errors=["That is already the toolkit in use: choose a different one."], status=400)

    if request.method == "POST":
        try:
            if organisation.kind == OrganisationKind.SCHOOL:
                change = services.change_school_toolkit(organisation, toolkit_key=key, changed_by=request.user)
                messages.success(
                    request,
                    f"{organisation.name} now uses {change.to_toolkit.name}. "
                    f"{change.entries_mapped} pupil{'s' if change.entries_mapped != 1 else ''}' current stage"
                    f"{'s were' if change.entries_mapped != 1 else ' was'} mapped; their history is kept.",
                )
            else:
                la_change = services.set_local_authority_toolkit(organisation, toolkit_key=key, changed_by=request.user)
                messages.success(
                    request,
                    f"{la_change.to_toolkit.name} is now the default for {organisation.name}'s schools "
                    f"({len(la_change.schools)} follow the default).",
                )
        except ValidationError as error:
            return _home(request, errors=_validation_messages(error), status=400)
        return redirect("toolkits:home")

    try:
        if organisation.kind == OrganisationKind.SCHOOL:
            preview = selectors.preview_school_toolkit_change(organisation, key)
            template = "integrations/toolkits/confirm_school.html"
        else:
            preview = selectors.preview_local_authority_toolkit_change(organisation, key)
            template = "integrations/toolkits/confirm_local_authority.html"
    except ValidationError as error:
        return _home(request, errors=_validation_messages(error), status=400)
    return render(request, template, {"preview": preview, "to_card": toolkit_card(preview.to_toolkit)})


# --- Matching provision to need (a school's host) ---------------------------------------------


@require_http_methods(["GET", "POST"])
@refuse_on_own_page
def matching_provision_page(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Per area: the level recorded, the provision the toolkit expects at it, and what the active plan provides."""
    school = request.tenant
    if school.kind != OrganisationKind.SCHOOL:
        raise Http404("Pupils' records are kept by schools.")
    pupil = Pupil.objects.select_related("school_class").filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("There is no such pupil here.")
    require_view_send_record(request.user, request.roles, pupil)
    can_edit = can_edit_send_record(request.roles)
    form = DescriptorLevelForm(request.POST or None)
    if request.method == "POST":
        require_edit_send_record(request.roles)

    def record_level(data: dict[str, Any]) -> Any:
        try:
            return record_descriptor_level(
                pupil, area=data["area"], level_key=data["level_key"], notes=data["notes"], recorded_by=request.user
            )
        except ValidationError as error:
            # Every reason is shown above the form, whichever field the service named.
            raise ValidationError(_validation_messages(error)) from error

    def page() -> HttpResponse:
        record_pupil_view(request.user, pupil, school, "matching provision to need")
        toolkit = toolkit_for(school)
        context = {
            "pupil": pupil,
            "matching": matching_provision(pupil, toolkit=toolkit),
            "toolkit": toolkit,
            "history": list(descriptor_history(pupil)[:30]),
            "can_edit": can_edit,
            "form": form,
            "posted_area": form.data.get("area", "") if request.method == "POST" else "",
        }
        return form_page(request, "integrations/toolkits/matching.html", context, form)

    return act(
        request,
        form,
        record_level,
        success=lambda record: f"{record.get_area_display()}: recorded as {record.level_label}.",
        redirect_to=reverse("toolkits:matching", kwargs={"pupil_id": pupil.pk}),
        page=page,
    )


# --- The base domain: operators ------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
@refuse_on_own_page
def operator_toolkits(request: HttpRequest) -> HttpResponse:
    """Every toolkit Cairn knows, where it came from, its stages, and the local authorities using it."""
    if not is_operator(request.roles):
        raise PermissionDenied("Only platform operators can see the toolkits list here.")
    listing = selectors.toolkit_listing()
    return render(
        request,
        "integrations/toolkits/operator.html",
        {"rows": [{"card": toolkit_card(row.toolkit, source=row.source), "listing": row} for row in listing]},
    )
