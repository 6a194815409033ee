"""Pupils: the list (filtered, searched, paginated), a pupil's overview, and keeping their details and parents."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page, paginate, posted, query_without_page

from .. import permissions
from ..forms import ParentCarerForm, PupilFilterForm, PupilForm
from ..selectors.pupils import pupil_list, pupil_send_record
from ..services import pupils as pupil_services
from ..services.concurrency import version_of
from .common import (
    pupil_context,
    pupil_for,
    reads_send_record,
    record_children_shown,
    record_view,
    record_view_on_get,
    require_sees_pupils,
    toolkit,
)
from .submissions import act_once

PUPILS_PER_PAGE = 50


@require_GET
def pupils(request: HttpRequest) -> HttpResponse:
    """The pupils this person works with (all of them for the SENCO, head and office)."""
    require_sees_pupils(request.roles)
    send_record = bool(request.roles & (permissions.SEND_RECORD_EDITORS | permissions.CLASS_STAFF))
    form = PupilFilterForm(request.GET or None, toolkit=toolkit(request), send_record=send_record)
    listed = form.narrow(pupil_list(request.user, request.roles, **form.selector_options()))
    page = paginate(request, listed, PUPILS_PER_PAGE)
    if send_record:
        # The list names children with their stage and need: one row listing those on this page.
        record_children_shown(request, [pupil.pk for pupil in page], "pupil list")
    return render(
        request,
        "send_core/pupils/list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "send_record": send_record,
            "can_add": permissions.can_edit_pupil_details(request.roles),
        },
    )


@require_GET
def overview(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id, send_record=False)
    send_record = reads_send_record(request, pupil)
    record = pupil_send_record(request.user, request.roles, pupil) if send_record else None
    record_view(request, pupil, "overview")
    context = pupil_context(request, pupil, "overview", send_record=send_record, record=record)
    return render(request, "send_core/pupils/overview.html", context)


@require_http_methods(["GET", "POST"])
def add_pupil(request: HttpRequest) -> HttpResponse:
    permissions.require_edit_pupil_details(request.roles)
    form = PupilForm(posted(request), once=True)
    context = {"form": form, "title": "Add a pupil", "button": "Add pupil", "back_url": reverse("send_core:pupils")}
    return act_once(
        request,
        form,
        lambda data: pupil_services.create_pupil(created_by=request.user, **form.details()),
        made_at=lambda made: reverse("send_core:pupil", args=[made.pk]),
        success=lambda pupil: f"{pupil.display_name} has been added.",
        redirect_to=lambda pupil: reverse("send_core:pupil", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def edit_pupil(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id, send_record=False)
    permissions.require_edit_pupil_details(request.roles)
    record_view_on_get(request, pupil, "details")
    form = PupilForm(posted(request), initial=PupilForm.initial_for(pupil), version=version_of(pupil))
    context = {
        "form": form,
        "title": "Change details",
        "caption": pupil.display_name,
        "button": "Save details",
        "back_url": reverse("send_core:pupil", args=[pupil.pk]),
    }

    def save(data: dict[str, Any]) -> None:
        seen = data.pop("seen_version", "")
        pupil_services.update_pupil(pupil, changed_by=request.user, seen_version=seen, **form.changes(pupil))

    return act(
        request,
        form,
        save,
        success="The pupil's details have been saved.",
        redirect_to=reverse("send_core:pupil", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def add_parent(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id, send_record=False)
    permissions.require_edit_pupil_details(request.roles)
    form = ParentCarerForm(posted(request), once=True)
    context = {
        "form": form,
        "title": "Add a parent or carer",
        "caption": pupil.display_name,
        "button": "Add parent or carer",
        "back_url": reverse("send_core:pupil", args=[pupil.pk]),
    }
    return act_once(
        request,
        form,
        lambda data: pupil_services.add_parent_carer(pupil, added_by=request.user, **data),
        made_at=lambda made: reverse("send_core:pupil", args=[pupil.pk]),
        success=lambda parent: f"{parent.name} has been added.",
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )
