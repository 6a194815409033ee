"""Reads for EHC work: what a request carries to the LA, the LA's cases and their clock, figures for reports."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from send_core.models import (
    Document,
    Pupil,
    PupilNeed,
)
from send_core.selectors.register import current_stage
from send_core.services.concurrency import version_of
from send_core.toolkit import Toolkit

from . import clock, transfers
from . import reviews as reviews_rules
from .evidence import evidence_for
from .models import (
    OPEN_CASE_STATUSES,
    AdviceRequest,
    AnnualReview,
    CaseAnnualReview,
    CaseStatus,
    ClockException,
    EhcCase,
    EhcPlan,
    EhcPlanStatus,
    EhcRequest,
    RequestStatus,
)


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


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
        "consent": {"scope": "share_with_la", "given_on": _iso(request.consent.given_on) if request.consent else ""},
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


# --- The LA's cases and their clock ---------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    """A deadline on a case's timeline, and where it stands."""

    key: str
    label: str
    statutory: datetime.date | None
    due: datetime.date | None
    done_on: datetime.date | None
    state: str  # done, late, overdue, due_soon, upcoming, not_needed

    @property
    def is_extended(self) -> bool:
        return self.due is not None and self.statutory is not None and self.due != self.statutory

    @property
    def tag_class(self) -> str:
        return {
            "done": "govuk-tag--green",
            "late": "govuk-tag--orange",
            "overdue": "govuk-tag--red",
            "due_soon": "govuk-tag--yellow",
            "upcoming": "govuk-tag--blue",
            "not_needed": "govuk-tag--grey",
        }[self.state]

    @property
    def state_label(self) -> str:
        return {
            "done": "Done on time",
            "late": "Done late",
            "overdue": "Overdue",
            "due_soon": "Due soon",
            "upcoming": "To do",
            "not_needed": "Not needed",
        }[self.state]


DUE_SOON_DAYS = 7


def _state(due: datetime.date | None, done_on: datetime.date | None, today: datetime.date) -> str:
    if done_on is not None:
        return "done" if due is None or done_on <= due else "late"
    if due is None:
        return "upcoming"
    if due < today:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "upcoming"


def clock_exceptions(case: EhcCase) -> list[clock.ClockException]:
    return [
        clock.ClockException(
            item.reason,
            item.starts_on,
            item.ends_on,
            affects_decision=item.affects_decision,
            advice_asked_on=item.advice.requested_on if item.advice_id else None,
        )
        for item in case.exceptions.all()  # prefetched with their advice by cases()
    ]


def case_deadlines(case: EhcCase) -> list[clock.Deadline]:
    if case.received_on is None:
        return []
    return clock.assessment_deadlines(case.received_on, clock_exceptions(case))


def case_timeline(case: EhcCase, *, today: datetime.date) -> list[Milestone]:
    """The statutory clock of a case: each milestone's date (after any exceptions) and whether it is met.

    Milestones a decision has made unnecessary (no plan after a refusal; a draft after a no-plan
    notice) are shown as not needed, never as overdue.
    """
    if case.received_on is None:
        return []
    deadlines = {item.key: item for item in case_deadlines(case)}
    refused = case.status == CaseStatus.NOT_ASSESSING
    no_plan = case.status == CaseStatus.NO_PLAN
    rows: list[Milestone] = [
        Milestone("received", "Request received", None, case.received_on, case.received_on, "done")
    ]

    def add(key: str, done_on: datetime.date | None, *, not_needed: bool = False) -> None:
        item = deadlines[key]
        state = "not_needed" if not_needed and done_on is None else _state(item.due, done_on, today)
        rows.append(Milestone(key, item.label, item.statutory, item.due, done_on, state))

    add("decision", case.decision_on)
    for advice in case.advice_requests.all():
        rows.append(
            Milestone(
                f"advice_{advice.pk}",
                f"{advice.get_source_display()} advice",
                advice.due_on,
                advice.due_on,
                advice.received_on,
                _state(advice.due_on, advice.received_on, today),
            )
        )
    # Once the LA has decided to issue a plan (a draft is out), the no-plan notice is not needed.
    add("no_plan", case.no_plan_on, not_needed=refused or case.draft_issued_on is not None)
    add("draft_plan", case.draft_issued_on, not_needed=refused or no_plan)
    if case.draft_issued_on:
        # Reg 13(1): 15 days beginning with the day the draft was served end on day + 14.
        comments_due = clock.representations_end(case.draft_issued_on)
        rows.append(
            Milestone(
                "parent_comments",
                "Family's comments on the draft (last day)",
                comments_due,
                comments_due,
                case.final_issued_on if case.final_issued_on else None,
                "done" if case.final_issued_on or comments_due < today else "upcoming",
            )
        )
    add("final_plan", case.final_issued_on, not_needed=refused or no_plan)
    return rows


def cases() -> QuerySet[EhcCase]:
    return EhcCase.objects.select_related("caseworker").prefetch_related(
        Prefetch("exceptions", queryset=ClockException.objects.select_related("advice")), "advice_requests"
    )


def open_cases() -> QuerySet[EhcCase]:
    return cases().filter(status__in=OPEN_CASE_STATUSES)


def get_case(case_id: int) -> EhcCase:
    return cases().get(pk=case_id)


def next_deadline(case: EhcCase, *, today: datetime.date) -> Milestone | None:
    """The earliest milestone of the case still to be met."""
    pending = [m for m in case_timeline(case, today=today) if m.state in {"overdue", "due_soon", "upcoming"} and m.due]
    return min(pending, key=lambda m: m.due) if pending else None


@dataclass(frozen=True)
class DeadlineRow:
    case: EhcCase
    milestone: Milestone


def deadlines_between(start: datetime.date, end: datetime.date, *, today: datetime.date) -> list[DeadlineRow]:
    """Milestones still to be met that fall between the dates (inclusive), across open cases, soonest first."""
    rows = [
        DeadlineRow(case, milestone)
        for case in open_cases()
        for milestone in case_timeline(case, today=today)
        if milestone.state in {"overdue", "due_soon", "upcoming"} and milestone.due and start <= milestone.due <= end
    ]
    rows += [row for row in plan_deadlines(today=today) if start <= row.milestone.due <= end]
    return sorted(rows, key=lambda row: (row.milestone.due, row.case.reference))


def overdue(*, today: datetime.date) -> list[DeadlineRow]:
    rows = [
        DeadlineRow(case, milestone)
        for case in open_cases()
        for milestone in case_timeline(case, today=today)
        if milestone.state == "overdue"
    ]
    rows += [row for row in plan_deadlines(today=today) if row.milestone.state == "overdue"]
    return sorted(rows, key=lambda row: (row.milestone.due, row.case.reference))


def annual_reviews_awaiting_decision() -> list[tuple[CaseAnnualReview, datetime.date]]:
    pending = CaseAnnualReview.objects.filter(decision="").select_related("case", "case__caseworker")
    return [(review, reviews_rules.review_decision_due(review.meeting_on)) for review in pending.order_by("meeting_on")]


def plan_deadlines(*, today: datetime.date) -> list[DeadlineRow]:
    """Deadlines of plans already issued: annual review decisions, amended plans, and phase transfers.

    A phase transfer is due for a child whose year group today (from their date of birth) moves
    phase at the end of this school year, unless a final plan has been issued since 1 September.
    """

    def row(case: EhcCase, key: str, label: str, due: datetime.date) -> DeadlineRow:
        return DeadlineRow(case, Milestone(key, label, due, due, None, _state(due, None, today)))

    rows = [
        row(review.case, "annual_review_decision", "Decide on the annual review", due)
        for review, due in annual_reviews_awaiting_decision()
    ]
    amendments = CaseAnnualReview.objects.filter(decision="amend", amended_plan_issued_on__isnull=True)
    rows += [
        row(
            review.case,
            "amended_plan",
            "Issue the amended plan",
            # Reg 22(3): 8 weeks from the notice of proposed amendments (served with the decision).
            reviews_rules.amended_plan_due(review.amendment_notice_on or review.decided_on),
        )
        for review in amendments.select_related("case", "case__caseworker")
    ]
    year_start = clock.school_year_start(today)
    finals = Prefetch("plans", queryset=EhcPlan.objects.filter(status=EhcPlanStatus.FINAL), to_attr="final_plans")
    issued = list(
        EhcCase.objects.filter(status=CaseStatus.PLAN_ISSUED).select_related("caseworker").prefetch_related(finals)
    )
    last_years = school_last_years({case.school_id for case in issued if case.school_id})
    for case in issued:
        due = transfers.phase_transfer_due(
            clock.nc_year_on(case.date_of_birth, today), today, last_year=last_years.get(case.school_id, "")
        )
        if due is None or any(plan.issued_on and plan.issued_on >= year_start for plan in case.final_plans):
            continue
        rows.append(row(case, "phase_transfer", "Amend the plan for the move of phase", due))
    return rows


def school_last_year(organisation: Any) -> str:
    """The school's last year group (from its recorded range, else its phase); "" when unknown."""
    if organisation is None:
        return ""
    span = transfers.year_range(
        getattr(organisation, "phase", ""),
        getattr(organisation, "first_year_group", ""),
        getattr(organisation, "last_year_group", ""),
    )
    return span[1] if span else ""


def school_last_years(school_ids: Iterable[int]) -> dict[int, str]:
    """Each school's last year group, in one query over the public schema's organisations."""
    from tenants.models import Organisation

    return {school.pk: school_last_year(school) for school in Organisation.objects.filter(pk__in=list(school_ids))}


def phase_transfer_due_for(pupil: Pupil, on: datetime.date) -> datetime.date | None:
    """The Reg 18 date for a pupil of the school whose schema is active, from that school's age range."""
    from send_core.selectors.organisation import current_organisation

    return transfers.phase_transfer_due(pupil.nc_year, on, last_year=school_last_year(current_organisation()))


@dataclass
class CaseloadRow:
    caseworker: Any
    open_cases: list[EhcCase] = field(default_factory=list)
    overdue: int = 0
    due_this_week: int = 0


def caseload(*, today: datetime.date) -> list[CaseloadRow]:
    """Open cases by caseworker (unallocated first), with how many have a milestone overdue or due within 7 days."""
    rows: dict[int | None, CaseloadRow] = {}
    for case in open_cases().order_by("received_on", "id"):
        row = rows.setdefault(case.caseworker_id, CaseloadRow(case.caseworker))
        row.open_cases.append(case)
        upcoming = next_deadline(case, today=today)
        if upcoming and upcoming.state == "overdue":
            row.overdue += 1
        elif upcoming and upcoming.due and (upcoming.due - today).days <= DUE_SOON_DAYS:
            row.due_this_week += 1
    unallocated = rows.pop(None, None)
    ordered = sorted(rows.values(), key=lambda row: row.caseworker.full_name if row.caseworker else "")
    return ([unallocated] if unallocated else []) + ordered


def case_plans(case: EhcCase) -> QuerySet[EhcPlan]:
    return EhcPlan.objects.filter(case=case).order_by("-version", "-id")


# The version the plan editor carries while no plan is being written yet.
NO_PLAN_BEING_WRITTEN = "new"


def plan_being_written_version(case: EhcCase) -> str:
    """The version of the plan the LA is writing (not yet issued), for the editor to carry."""
    plan = EhcPlan.objects.filter(case=case, status=EhcPlanStatus.DRAFT, issued_on__isnull=True).first()
    return version_of(plan) if plan else NO_PLAN_BEING_WRITTEN


def case_for_pupil(school_id: int, school_pupil_id: int) -> EhcCase | None:
    return EhcCase.objects.filter(school_id=school_id, school_pupil_id=school_pupil_id).order_by("-id").first()


def advice_for(case: EhcCase) -> QuerySet[AdviceRequest]:
    return case.advice_requests.all()


def exceptions_for(case: EhcCase) -> QuerySet[ClockException]:
    return case.exceptions.all()


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def la_timeliness_by_month(
    *, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """EHC timeliness per month, in the LA's schema: each figure counted in the month its deadline fell.

    A decision (or plan) counts as due in the month of its deadline after exceptions once it has
    been made or its date has passed, and as on time when it was made by that date. A final plan
    is not due for a case where the LA decided not to assess or not to issue one. Annual reviews
    count in the month their decision was due.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    months: dict[datetime.date, dict[str, Any]] = defaultdict(
        lambda: {
            "requests_received": 0,
            "decisions_due": 0,
            "decisions_within_6_weeks": 0,
            "plans_due": 0,
            "plans_within_20_weeks": 0,
            "annual_reviews_due": 0,
            "annual_reviews_decided_within_4_weeks": 0,
        }
    )

    def within(day: datetime.date | None) -> bool:
        return day is not None and start <= day <= end

    for case in cases().filter(received_on__isnull=False):
        if within(case.received_on):
            months[_month(case.received_on)]["requests_received"] += 1
        deadlines = {item.key: item for item in case_deadlines(case)}
        decision = deadlines["decision"]
        if within(decision.due) and (case.decision_on is not None or decision.due < today):
            row = months[_month(decision.due)]
            row["decisions_due"] += 1
            row["decisions_within_6_weeks"] += int(case.decision_on is not None and case.decision_on <= decision.due)
        final = deadlines["final_plan"]
        plan_needed = case.status not in {CaseStatus.NOT_ASSESSING, CaseStatus.NO_PLAN}
        if within(final.due) and plan_needed and (case.final_issued_on is not None or final.due < today):
            row = months[_month(final.due)]
            row["plans_due"] += 1
            row["plans_within_20_weeks"] += int(case.final_issued_on is not None and case.final_issued_on <= final.due)
    for review in CaseAnnualReview.objects.all():
        due = reviews_rules.review_decision_due(review.meeting_on)
        if within(due) and (review.decided_on is not None or due < today):
            row = months[_month(due)]
            row["annual_reviews_due"] += 1
            row["annual_reviews_decided_within_4_weeks"] += int(
                review.decided_on is not None and review.decided_on <= due
            )
    return [{"month": month, **figures} for month, figures in sorted(months.items())]


@dataclass(frozen=True)
class AnnualReviewDue:
    pupil: Pupil
    due_by: datetime.date
    overdue: bool


def annual_reviews_due(*, on: datetime.date, within_days: int = 56) -> list[AnnualReviewDue]:
    """Pupils with an EHC plan whose annual review must be held within `within_days` (or is overdue).

    Three queries however many pupils: their final plans, their last review meetings, the pupils.
    """
    from django.db.models import Max

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
    from .models import OPEN_REQUEST_STATUSES

    return (
        EhcRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)
        .exclude(status=RequestStatus.DRAFT)
        .select_related("pupil")
        .order_by("-status_changed_on", "-id")
    )


def unread_in_thread(thread_root_id: int | None, applied_ids: Iterable[int], *, organisation: Any) -> list:
    """Messages to `organisation` in the thread not yet taken in (nothing is opened to find them)."""
    if thread_root_id is None:
        return []
    from send_core.exchange import get_exchange

    applied = set(applied_ids)
    return [
        message
        for message in get_exchange().thread(thread_root_id, organisation=organisation)
        if message.recipient_id == organisation.pk
        and message.id not in applied
        and message.state not in {"withdrawn", "expired"}
    ]
