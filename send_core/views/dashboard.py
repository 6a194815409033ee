"""The SEND dashboard: the SENCO's view of the register and what is due, each role's own part of it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import permissions
from ..selectors.concerns import open_concerns
from ..selectors.pupils import pupil_list
from ..selectors.register import last_month_end, register_figures_for_outsiders, register_summary
from ..selectors.reviews import pupils_with_fewer_than_three_reviews, reviews_due, reviews_overdue
from .common import record_children_shown, toolkit

DUE_WITHIN_DAYS = 14
# How many rows each list shows on the school's home page (the dashboard page shows them all).
SHORT_LIST = 10
MY_PUPILS_LIMIT = 100


def dashboard_context(request: HttpRequest, *, full: bool) -> dict[str, Any]:
    """What the dashboard shows this person: the SENCO's and head's view, class staff's own
    pupils, figures only for governors and business managers, links for the office."""
    roles, user = request.roles, request.user
    day = timezone.localdate()
    limit = None if full else SHORT_LIST
    kit = toolkit(request)
    context: dict[str, Any] = {"today": day, "due_within": DUE_WITHIN_DAYS, "toolkit": kit, "words": kit.all_wording}

    def rows(queryset):
        return list(queryset if limit is None else queryset[:limit])

    if roles & permissions.SEND_RECORD_EDITORS:
        context["view"] = "senco"
    elif roles & permissions.CLASS_STAFF:
        context["view"] = "class_staff"
    elif roles & permissions.REGISTER_FIGURE_READERS:
        context["view"] = "figures"
    else:
        context["view"] = "office"
    context["can_import"] = permissions.can_edit_pupil_details(roles)

    if permissions.can_view_register_summary(roles):
        if permissions.sees_exact_figures(roles):
            context["summary"] = register_summary(day)
        else:
            # Month-end figures with small counts withheld: no child can be picked out or tracked day by day.
            context["figures_day"] = last_month_end(day)
            context["summary"] = register_figures_for_outsiders(register_summary(context["figures_day"]))
    if context["view"] in ("senco", "class_staff"):
        due = reviews_due(day, DUE_WITHIN_DAYS, user=user, roles=roles)
        overdue = reviews_overdue(day, user=user, roles=roles)
        concerns = open_concerns(user=user, roles=roles).order_by("-raised_on", "-id")
        context.update(
            due=rows(due),
            due_count=due.count(),
            overdue=rows(overdue),
            overdue_count=overdue.count(),
            concerns=rows(concerns),
            concern_count=concerns.count(),
        )
    if context["view"] == "senco":
        from ..ehc import selectors as ehc

        # What the school is waiting on from the LA, and the EHC plans whose annual review is near.
        context["ehc_requests"] = list(ehc.requests_with_the_la())
        context["annual_reviews_due"] = ehc.annual_reviews_due(on=day)
        shortfall = pupils_with_fewer_than_three_reviews(day, user=user, roles=roles)
        context["shortfall"] = shortfall if full else shortfall[:SHORT_LIST]
        context["shortfall_count"] = len(shortfall)
    if context["view"] == "class_staff":
        mine = pupil_list(user, roles, on=day)
        context["my_pupils"] = list(mine[:MY_PUPILS_LIMIT])
        context["my_pupil_count"] = mine.count()
    record_children_shown(request, _children_named(context), "SEND dashboard" if full else "school home page")
    return context


def _children_named(context: dict[str, Any]) -> list[int]:
    """Every child the dashboard's lists name (with a stage, a review, a concern or an EHC request)."""
    ids = [plan.pupil_id for plan in context.get("due", []) + context.get("overdue", [])]
    ids += [concern.pupil_id for concern in context.get("concerns", [])]
    ids += [item.pupil_id for item in context.get("ehc_requests", [])]
    ids += [row.pupil.pk for row in context.get("annual_reviews_due", []) + context.get("shortfall", [])]
    ids += [pupil.pk for pupil in context.get("my_pupils", [])]
    return ids


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The SEND dashboard at /send/, with every list in full."""
    return render(request, "send_core/dashboard.html", {"full": True})
