"""What the school's side of the EHC app answers through the pupil record's ports (`send_core.ports`), registered from
its AppConfig.ready(): whether a pupil's EHC plan is in force, and the SENCO's EHC dashboard panel."""

from __future__ import annotations

import datetime

from django.db.models import Q

from send_core.models import Pupil
from send_core.ports import DashboardViewer, Panel

from ..models import EhcPlan, EhcPlanStatus
from .selectors import annual_reviews_due, requests_with_the_la


def ehc_plan_in_force(pupil: Pupil, day: datetime.date) -> bool:
    """True when the school holds the pupil's final EHC plan and a version of it was issued by `day`.

    The version in force on `day` may since have been replaced by an amended one issued later.
    """
    plans = EhcPlan.objects.filter(pupil_id=pupil.pk)
    if not plans.filter(status=EhcPlanStatus.FINAL).exists():
        return False
    issued = Q(issued_on__isnull=True) | Q(issued_on__lte=day)
    return plans.filter(issued, status__in=[EhcPlanStatus.FINAL, EhcPlanStatus.SUPERSEDED]).exists()


def ehc_dashboard_panel(viewer: DashboardViewer) -> Panel | None:
    """For the SENCO: what the school is waiting on from the LA, and the EHC plans whose annual review is near."""
    if viewer.view != "senco":
        return None
    requests = list(requests_with_the_la())
    reviews = annual_reviews_due(on=viewer.day)
    return Panel(
        template="ehc/dashboard_panel.html",
        context={"ehc_requests": requests, "annual_reviews_due": reviews},
        pupils_named=tuple([item.pupil_id for item in requests] + [row.pupil.pk for row in reviews]),
    )
