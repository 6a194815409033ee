"""Reads about support plans: the current plan, its versions, and the one-page profile."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from ..models import PlanOutcome, PlanStatus, PlanVersion, Pupil, PupilNeed, SupportPlan
from .pupils import send_record_pupils


def plans_for(pupil: Pupil) -> QuerySet[SupportPlan]:
    """Every plan the pupil has had, newest first, with outcomes and provision."""
    return SupportPlan.objects.filter(pupil_id=pupil.pk).prefetch_related("outcomes", "provision")


def active_plan(pupil: Pupil) -> SupportPlan | None:
    """The pupil's active plan with its outcomes and provision, if there is one."""
    return plans_for(pupil).filter(status=PlanStatus.ACTIVE).first()


def get_plan(plan_id: int) -> SupportPlan:
    """One plan with its pupil, outcomes, provision and versions (SupportPlan.DoesNotExist if none)."""
    return (
        SupportPlan.objects.select_related("pupil", "pupil__school_class", "created_by", "previous")
        .prefetch_related("outcomes", "provision", "versions")
        .get(pk=plan_id)
    )


def plan_versions(plan: SupportPlan) -> QuerySet[PlanVersion]:
    """The plan's versions, newest first, with who made each change."""
    return PlanVersion.objects.filter(plan_id=plan.pk).select_related("changed_by").order_by("-version")


def draft_plans(*, user: Any, roles: frozenset[str]) -> QuerySet[SupportPlan]:
    """Draft plans waiting to be made active, for pupils this person may see."""
    return (
        SupportPlan.objects.filter(status=PlanStatus.DRAFT, pupil__in=send_record_pupils(user, roles))
        .select_related("pupil", "pupil__school_class")
        .order_by("created_at")
    )


@dataclass(frozen=True)
class ProfileOutcome:
    description: str
    target: str
    target_date: datetime.date | None


@dataclass(frozen=True)
class OnePageProfile:
    """What a printable one-page profile shows: who the child is, strengths, needs, what works, outcomes."""

    pupil_name: str
    year_group: str
    class_name: str
    plan_title: str
    plan_status: str
    child_views: str
    strengths: str
    needs: list[str]
    needs_summary: str
    what_works: str
    outcomes: list[ProfileOutcome]
    review_due_on: datetime.date | None


def one_page_profile(pupil: Pupil) -> OnePageProfile | None:
    """The one-page profile from the pupil's active plan (else their draft); None when they have no plan."""
    pupil = Pupil.objects.select_related("school_class").get(pk=pupil.pk)
    plans = SupportPlan.objects.filter(pupil=pupil, status__in=[PlanStatus.ACTIVE, PlanStatus.DRAFT]).prefetch_related(
        Prefetch("outcomes", queryset=PlanOutcome.objects.order_by("order", "id"))
    )
    plan = next((p for p in plans if p.status == PlanStatus.ACTIVE), None) or next(iter(plans), None)
    if plan is None:
        return None
    needs = PupilNeed.objects.filter(pupil=pupil, ended_on__isnull=True).order_by("rank", "started_on")
    return OnePageProfile(
        pupil_name=pupil.display_name,
        year_group=pupil.get_nc_year_display(),
        class_name=pupil.school_class.name if pupil.school_class else "",
        plan_title=plan.title,
        plan_status=plan.get_status_display(),
        child_views=plan.child_views,
        strengths=plan.strengths,
        needs=[f"{need.get_need_type_display()} ({need.get_rank_display().lower()})" for need in needs],
        needs_summary=plan.needs_summary,
        what_works=plan.strategies,
        outcomes=[ProfileOutcome(o.description, o.target, o.target_date) for o in plan.outcomes.all()],
        review_due_on=plan.review_due_on,
    )
