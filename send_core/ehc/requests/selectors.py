"""Reads for the school's side of EHC work: its requests and what they carry, the pupil's EHC plan as the
school holds it, annual reviews and when the next is due, and the school's request figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet

from send_core.models import Document, Pupil, PupilNeed
from send_core.selectors.organisation import current_organisation
from send_core.selectors.register import current_stage
from send_core.toolkit import Toolkit

from .. import reviews as reviews_rules
from .. import transfers
from ..evidence import evidence_for
from ..models import OPEN_REQUEST_STATUSES, AnnualReview, EhcPlan, EhcPlanStatus, EhcRequest, RequestStatus


def request_payload(request: EhcRequest, toolkit: Toolkit, *, today: datetime.date) -> dict[str, Any]:
    """What the LA receives: the child, their needs and stage, and the evidence the school chose."""
    pupil = request.pupil
    stage = current_stage(pupil)
    needs = PupilNeed.objects.filter(pupil=pupil, ended_on__isnull=True).order_by("rank", "id")
    chosen = set(request.evidence_keys)
    evidence = {
        row.key: {
            "label": row.label,
            "kind": "text" if isinstance(row.content, str) else "list",
            "content": row.content,
        }
        for row in evidence_for(request, toolkit, today=today)
        if row.key in chosen and row.held
    }
    return {
        "type": "ehc_request",
        "child": child_details(pupil),
        "stage": stage.stage_label if stage else "",
        "needs": [
            {
                "area": need.get_area_display(),
                "type": need.need_type,
                "type_label": need.get_need_type_display(),
                "rank": need.rank,
            }
            for need in needs
        ],
        "reason": request.reason,
        "toolkit": toolkit.name,
        "evidence": evidence,
        "consent": {
            "scope": "share_with_la",
            "given_on": request.consent.given_on.isoformat() if request.consent and request.consent.given_on else "",
        },
    }


def child_details(pupil: Pupil) -> dict[str, str]:
    return {
        "first_name": pupil.preferred_name or pupil.legal_first_name,
        "legal_first_name": pupil.legal_first_name,
        "last_name": pupil.last_name,
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "upn": pupil.upn,
        "sex": pupil.sex,
        "nc_year": pupil.nc_year,
    }


def documents_for_request(pupil: Pupil) -> QuerySet[Document]:
    return Document.objects.filter(pupil=pupil).order_by("-uploaded_at", "-id")


def requests_for(pupil: Pupil) -> QuerySet[EhcRequest]:
    return EhcRequest.objects.filter(pupil=pupil).order_by("-created_at", "-id")


def school_requests() -> QuerySet[EhcRequest]:
    return EhcRequest.objects.select_related("pupil").order_by("-created_at", "-id")


def current_ehc_plan(pupil: Pupil) -> EhcPlan | None:
    """The pupil's final EHC plan as the school holds it (the latest version)."""
    return EhcPlan.objects.filter(pupil=pupil, status=EhcPlanStatus.FINAL).order_by("-version", "-id").first()


def annual_reviews_for(pupil: Pupil) -> QuerySet[AnnualReview]:
    return AnnualReview.objects.filter(pupil=pupil).order_by("-meeting_on", "-id")


def _plan_made_on(plan: EhcPlan) -> datetime.date | None:
    """The day the plan was made: kept by amended versions; the issue date of plans recorded before that was kept."""
    return plan.plan_made_on or (None if plan.amended else plan.issued_on)


def next_annual_review_due(pupil: Pupil) -> datetime.date | None:
    """Within 12 months starting with the plan's making or its last review meeting (CFA 2014 s44(1)).

    Never from the day an amended plan was issued: amending a plan is not reviewing it.
    """
    plan = current_ehc_plan(pupil)
    if plan is None:
        return None
    meetings = list(AnnualReview.objects.filter(pupil=pupil).values_list("meeting_on", flat=True))
    return reviews_rules.next_review_due(_plan_made_on(plan), meetings)


def school_request_figures(*, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Requests the school sent between the dates, and how many of them the LA agreed to assess."""
    sent = EhcRequest.objects.filter(submitted_on__gte=start, submitted_on__lte=end)
    agreed = sent.filter(
        status__in=[RequestStatus.ASSESSING, RequestStatus.DRAFT_PLAN, RequestStatus.PLAN_ISSUED, RequestStatus.NO_PLAN]
    )
    return {"requests_made": sent.count(), "requests_agreed": agreed.count()}


def plans_for(pupil: Pupil) -> QuerySet[EhcPlan]:
    """Every version of the pupil's EHC plan the school has received, newest first."""
    return EhcPlan.objects.filter(pupil=pupil).order_by("-version")


def phase_transfer_due_for(pupil: Pupil, on: datetime.date) -> datetime.date | None:
    """The Reg 18 date for a pupil of the school whose schema is active, from that school's age range."""
    return transfers.phase_transfer_due(pupil.nc_year, on, last_year=transfers.school_last_year(current_organisation()))


@dataclass(frozen=True)
class AnnualReviewDue:
    pupil: Pupil
    due_by: datetime.date
    overdue: bool


def annual_reviews_due(*, on: datetime.date, within_days: int = 56) -> list[AnnualReviewDue]:
    """Pupils with an EHC plan whose annual review must be held within `within_days` (or is overdue).

    Three queries however many pupils: their final plans, their last review meetings, the pupils.
    """
    made: dict[int, datetime.date | None] = {}
    for plan in EhcPlan.objects.filter(pupil__isnull=False, status=EhcPlanStatus.FINAL).order_by("version", "id"):
        made[plan.pupil_id] = _plan_made_on(plan)  # the latest version's
    met = dict(
        AnnualReview.objects.filter(pupil_id__in=list(made)).values_list("pupil_id").annotate(last=Max("meeting_on"))
    )
    horizon = on + datetime.timedelta(days=within_days)
    due: dict[int, datetime.date] = {}
    for pupil_id, made_on in made.items():
        last = met.get(pupil_id)
        by = reviews_rules.next_review_due(made_on, [last] if last else [])
        if by is not None and by <= horizon:
            due[pupil_id] = by
    people = Pupil.objects.filter(pk__in=list(due), leaving_date__isnull=True).select_related("school_class")
    return sorted(
        (AnnualReviewDue(pupil, due[pupil.pk], due[pupil.pk] < on) for pupil in people),
        key=lambda row: (row.due_by, row.pupil.last_name),
    )


def requests_with_the_la() -> QuerySet[EhcRequest]:
    """Requests sent and not yet settled, the ones waiting on the school first."""
    return (
        EhcRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)
        .exclude(status=RequestStatus.DRAFT)
        .select_related("pupil")
        .order_by("-status_changed_on", "-id")
    )
