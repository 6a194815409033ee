"""Concerns: raising one, recording the discussion, closing it, or moving the pupil to SEN Support."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page, paginate, posted, query_without_page

from .. import permissions
from ..forms import CloseConcernForm, ConcernDiscussionForm, ConcernForm, EscalateConcernForm
from ..models import CensusCode, Concern, ConcernStatus, NeedRank
from ..selectors.concerns import concerns_for, open_concerns
from ..services import concerns as concern_services
from .common import pupil_context, pupil_for, record_children_shown, record_view, record_view_on_get, toolkit
from .submissions import act_once


@require_GET
def concern_list(request: HttpRequest) -> HttpResponse:
    """Open concerns about the pupils this person works with, those due for review first."""
    if not request.roles & (permissions.SEND_RECORD_EDITORS | permissions.CLASS_STAFF):
        raise PermissionDenied("Concerns are seen by the SENCO, the headteacher and the pupil's own teachers.")
    page = paginate(request, open_concerns(user=request.user, roles=request.roles))
    record_children_shown(request, [concern.pupil_id for concern in page], "open concerns")
    return render(request, "send_core/concerns/list.html", {"page": page, "query": query_without_page(request)})


@require_GET
def pupil_concerns(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "concerns")
    context = pupil_context(request, pupil, "concerns", concerns=list(concerns_for(pupil)))
    return render(request, "send_core/concerns/pupil_concerns.html", context)


@require_http_methods(["GET", "POST"])
def raise_concern(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    permissions.require_raise_concern(request.user, request.roles, pupil)
    form = ConcernForm(posted(request), once=True)
    context = {
        "form": form,
        "title": toolkit(request).wording("concern_form"),
        "caption": pupil.display_name,
        "intro": "Say what you have noticed and what you have already tried. The SENCO will see it.",
        "button": "Raise concern",
        "back_url": reverse("send_core:pupil", args=[pupil.pk]),
    }
    return act_once(
        request,
        form,
        lambda data: concern_services.raise_concern(pupil, raised_by=request.user, **data),
        made_at=lambda made: reverse("send_core:concern", args=[made.pk]),
        success="The concern has been recorded.",
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


def _concern(request: HttpRequest, concern_id: int):
    concern = get_object_or_404(
        Concern.objects.select_related("raised_by", "closed_by", "register_entry"), pk=concern_id
    )
    pupil = pupil_for(request, concern.pupil_id)
    return concern, pupil


@require_GET
def concern(request: HttpRequest, concern_id: int) -> HttpResponse:
    item, pupil = _concern(request, concern_id)
    record_view(request, pupil, "concern")
    is_open = item.status == ConcernStatus.OPEN
    context = pupil_context(
        request,
        pupil,
        "concerns",
        concern=item,
        is_open=is_open,
        sen_support_label=toolkit(request).first_stage_for(CensusCode.SEN_SUPPORT).label,
    )
    return render(request, "send_core/concerns/concern.html", context)


@require_http_methods(["GET", "POST"])
def discussion(request: HttpRequest, concern_id: int) -> HttpResponse:
    item, pupil = _concern(request, concern_id)
    permissions.require_contribute_to_record(request.user, request.roles, pupil)
    record_view_on_get(request, pupil, "concern")
    form = ConcernDiscussionForm(
        posted(request),
        participants=item.discussion_participants,
        initial={
            "discussed_on": item.discussed_on,
            "discussion": item.discussion,
            "next_steps": item.next_steps,
            "review_on": item.review_on,
        },
    )
    context = {
        "form": form,
        "title": "Record the discussion",
        "caption": f"Concern about {pupil.display_name}",
        "intro": "Who took part, what was said, the next steps agreed and when to look at it again.",
        "button": "Save discussion",
        "back_url": reverse("send_core:concern", args=[item.pk]),
    }
    return act(
        request,
        form,
        lambda data: concern_services.record_concern_discussion(
            item,
            recorded_by=request.user,
            discussion=data["discussion"],
            next_steps=data["next_steps"],
            participants=form.people(),
            discussed_on=data["discussed_on"],
            review_on=data["review_on"],
        ),
        success="The discussion has been recorded.",
        redirect_to=reverse("send_core:concern", args=[item.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, concern_id: int) -> HttpResponse:
    item, pupil = _concern(request, concern_id)
    permissions.require_edit_send_record(request.roles)
    form = CloseConcernForm(posted(request))
    context = {
        "form": form,
        "title": "Close the concern",
        "caption": f"Concern about {pupil.display_name}",
        "intro": "Close a concern that needs no SEN provision, for example when adapted teaching has worked.",
        "button": "Close concern",
        "back_url": reverse("send_core:concern", args=[item.pk]),
    }
    return act(
        request,
        form,
        lambda data: concern_services.close_concern(item, closed_by=request.user, **data),
        success="The concern has been closed.",
        redirect_to=reverse("send_core:concern", args=[item.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def escalate(request: HttpRequest, concern_id: int) -> HttpResponse:
    """Move the pupil to SEN Support from a concern, in one act (recording the primary need if there is none)."""
    item, pupil = _concern(request, concern_id)
    permissions.require_edit_send_record(request.roles)
    has_primary = pupil.needs.filter(rank=NeedRank.PRIMARY, ended_on__isnull=True).exists()
    form = EscalateConcernForm(posted(request), has_primary_need=has_primary)
    stage_label = toolkit(request).first_stage_for(CensusCode.SEN_SUPPORT).label
    context = {
        "form": form,
        "title": f"Move to {stage_label}",
        "caption": pupil.display_name,
        "intro": f"This closes the concern and places {pupil.first_name} at {stage_label} on the SEND register. "
        "Parents must be told when SEN provision starts.",
        "button": f"Move to {stage_label}",
        "back_url": reverse("send_core:concern", args=[item.pk]),
    }
    return act(
        request,
        form,
        lambda data: concern_services.escalate_concern_to_sen_support(item, decided_by=request.user, **data),
        success=f"{pupil.display_name} is now at {stage_label}.",
        redirect_to=reverse("send_core:pupil", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )
