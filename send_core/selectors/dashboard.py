"""The SEND dashboard: the SENCO's view of the register and what is due, each role's own part of it.

Built here, once, for the dashboard page and the school's home page alike; the domain apps add
their panels (the EHC requests with the local authority, …) through `send_core.ports`.
"""

from __future__ import annotations

import datetime
from typing import Any

from .. import permissions
from ..ports import DashboardViewer, dashboard_panels
from ..toolkit import Toolkit
from .concerns import open_concerns
from .pupils import pupil_list
from .register import last_month_end, register_figures_for_outsiders, register_summary
from .reviews import pupils_with_fewer_than_three_reviews, reviews_due, reviews_overdue

DUE_WITHIN_DAYS = 14
# How many rows each list shows on the school's home page (the dashboard page shows them all).
SHORT_LIST = 10
MY_PUPILS_LIMIT = 100


def dashboard_view(roles: frozenset[str]) -> str:
    """Which dashboard a person has: the SENCO's and head's, class staff's, figures only, or the office's."""
    if roles & permissions.SEND_RECORD_EDITORS:
        return "senco"
    if roles & permissions.CLASS_STAFF:
        return "class_staff"
    if roles & permissions.REGISTER_FIGURE_READERS:
        return "figures"
    return "office"


def dashboard_viewer(user: Any, roles: frozenset[str], day: datetime.date, *, full: bool) -> DashboardViewer:
    return DashboardViewer(user=user, roles=roles, day=day, view=dashboard_view(roles), full=full)


def send_dashboard(viewer: DashboardViewer, kit: Toolkit) -> dict[str, Any]:
    """What the dashboard shows this person: the SENCO's and head's view, class staff's own
    pupils, figures only for governors and business managers, links for the office."""
    roles, user, day = viewer.roles, viewer.user, viewer.day
    limit = None if viewer.full else SHORT_LIST
    context: dict[str, Any] = {
        "today": day,
        "due_within": DUE_WITHIN_DAYS,
        "toolkit": kit,
        "words": kit.all_wording,
        "view": viewer.view,
        "full": viewer.full,
        "can_import": permissions.can_edit_pupil_details(roles),
    }

    def rows(queryset):
        return list(queryset if limit is None else queryset[:limit])

    if permissions.can_view_register_summary(roles):
        if permissions.sees_exact_figures(roles):
            context["summary"] = register_summary(day)
        else:
            # Month-end figures with small counts withheld: no child can be picked out or tracked day by day.
            context["figures_day"] = last_month_end(day)
            context["summary"] = register_figures_for_outsiders(register_summary(context["figures_day"]))
    if viewer.view in ("senco", "class_staff"):
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
    context["panels"] = dashboard_panels(viewer)
    if viewer.view == "senco":
        shortfall = pupils_with_fewer_than_three_reviews(day, user=user, roles=roles)
        context["shortfall"] = shortfall if viewer.full else shortfall[:SHORT_LIST]
        context["shortfall_count"] = len(shortfall)
    if viewer.view == "class_staff":
        mine = pupil_list(user, roles, on=day)
        context["my_pupils"] = list(mine[:MY_PUPILS_LIMIT])
        context["my_pupil_count"] = mine.count()
    return context


def children_named(dashboard: dict[str, Any]) -> list[int]:
    """Every child the dashboard's lists name (with a stage, a review, a concern, or in a panel)."""
    ids = [plan.pupil_id for plan in dashboard.get("due", []) + dashboard.get("overdue", [])]
    ids += [concern.pupil_id for concern in dashboard.get("concerns", [])]
    ids += [pupil_id for panel in dashboard.get("panels", []) for pupil_id in panel.pupils_named]
    ids += [row.pupil.pk for row in dashboard.get("shortfall", [])]
    ids += [pupil.pk for pupil in dashboard.get("my_pupils", [])]
    return ids
