"""Acts on reviews: recording one, and closing it, which rolls the plan forward by its decision.

- continue: the plan stays active, due for review again on the next review date;
- revise: a new draft plan is made, carrying forward outcomes not yet met, and this plan is
  marked reviewed;
- request an EHC needs assessment: the plan stays active and is flagged;
- exit the register: the plan closes and the pupil returns to monitoring.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    CARRIED_FORWARD,
    OutcomeProgress,
    PlanOutcome,
    PlanStatus,
    Progress,
    Review,
    ReviewDecision,
    ReviewStatus,
    SupportPlan,
)
from ..permissions import require_decide_review, require_record_review
from ..signals import records_changed_in_bulk
from .base import AuditAction, acting_roles, audit, check_choice, check_not_future, clean_people, long_date, today
from .concurrency import check_not_stale

# For each outcome id: a progress value, or (progress, comment).
ProgressInput = Mapping[int, str | tuple[str, str]]
REVIEW_FIELDS = frozenset(
    {"held_on", "participants", "child_views", "parent_views", "notes", "decision", "next_review_on", "progress"}
)


def _set_fields(
    review: Review,
    plan: SupportPlan,
    *,
    held_on: datetime.date | None,
    participants: Iterable[dict[str, str]] | None,
    child_views: str | None,
    parent_views: str | None,
    notes: str | None,
    decision: str | None,
    next_review_on: datetime.date | None,
) -> list[str]:
    changed: list[str] = []
    if held_on is not None:
        check_not_future(held_on, "held_on", "The date of the review")
        if plan.starts_on and held_on < plan.starts_on:
            raise ValidationError(
                {"held_on": f"The review is dated before the plan started ({long_date(plan.starts_on)})."}
            )
        review.held_on = held_on
        changed.append("held_on")
    if participants is not None:
        review.participants = clean_people(participants, "participants")
        changed.append("participants")
    for name, value in (("child_views", child_views), ("parent_views", parent_views), ("notes", notes)):
        if value is not None:
            setattr(review, name, value.strip())
            changed.append(name)
    if decision is not None:
        if decision:
            check_choice(decision, ReviewDecision, "decision", "the decision")
        review.decision = decision
        changed.append("decision")
    if next_review_on is not None:
        review.next_review_on = next_review_on
        changed.append("next_review_on")
    if review.next_review_on and review.held_on and review.next_review_on <= review.held_on:
        raise ValidationError({"next_review_on": "The next review must be after this one."})
    return changed


def _set_progress(review: Review, plan: SupportPlan, progress: ProgressInput) -> None:
    outcome_ids = set(PlanOutcome.objects.filter(plan=plan).values_list("pk", flat=True))
    rows: list[OutcomeProgress] = []
    for outcome_id, value in progress.items():
        if int(outcome_id) not in outcome_ids:
            raise ValidationError({"progress": "Progress can only be recorded against this plan's own outcomes."})
        judged, comment = (value, "") if isinstance(value, str) else value
        check_choice(judged, Progress, "progress", "the progress made")
        rows.append(
            OutcomeProgress(review=review, outcome_id=int(outcome_id), progress=judged, comment=comment.strip())
        )
    OutcomeProgress.objects.filter(review=review, outcome_id__in=[row.outcome_id for row in rows]).delete()
    OutcomeProgress.objects.bulk_create(rows)
    records_changed_in_bulk.send(sender=OutcomeProgress, model=OutcomeProgress)


@transaction.atomic
def record_review(
    plan: SupportPlan,
    *,
    recorded_by: Any,
    held_on: datetime.date,
    participants: Iterable[dict[str, str]] = (),
    child_views: str = "",
    parent_views: str = "",
    notes: str = "",
    progress: ProgressInput | None = None,
    decision: str = "",
    next_review_on: datetime.date | None = None,
) -> Review:
    """Record a review of the active plan as a draft: who took part, views, progress per outcome, proposed decision."""
    plan = SupportPlan.objects.select_for_update().select_related("pupil").get(pk=plan.pk)
    require_record_review(recorded_by, acting_roles(recorded_by), plan.pupil)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(
            f"Reviews are recorded against an active plan; this {plan.title} is {plan.get_status_display().lower()}."
        )
    draft = Review.objects.filter(plan=plan, status=ReviewStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError(
            f"A review of this plan held on {long_date(draft.held_on)} is still a draft: finish or change that one."
        )
    review = Review(plan=plan, pupil=plan.pupil, recorded_by=recorded_by)
    _set_fields(
        review,
        plan,
        held_on=held_on,
        participants=participants,
        child_views=child_views,
        parent_views=parent_views,
        notes=notes,
        decision=decision,
        next_review_on=next_review_on,
    )
    review.save()
    if progress:
        _set_progress(review, plan, progress)
    audit(actor=recorded_by, action=AuditAction.CREATE, obj=review, pupil_id=plan.pupil_id, detail={"plan_id": plan.pk})
    return review


@transaction.atomic(durable=True)
def update_review(
    review: Review,
    *,
    changed_by: Any,
    progress: ProgressInput | None = None,
    seen_version: str | None = None,
    **changes: Any,
) -> Review:
    """Change a draft review (any of record_review's fields; progress is merged per outcome).

    `seen_version` is the review's version when the form was drawn: the form posts every field, so a
    save from a page drawn before someone else's save is refused rather than reverting theirs.
    """
    unknown = set(changes) - REVIEW_FIELDS
    if unknown:
        raise ValueError(f"Not part of a review: {', '.join(sorted(unknown))}")
    review = Review.objects.select_for_update().select_related("plan", "pupil").get(pk=review.pk)
    require_record_review(changed_by, acting_roles(changed_by), review.pupil)
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError("This review has been closed and can no longer be changed.")
    shown = ("held_on", "child_views", "parent_views", "notes", "decision", "next_review_on")
    check_not_stale(review, seen_version, what="review", fields=shown)
    changed = _set_fields(review, review.plan, **{name: changes.get(name) for name in REVIEW_FIELDS - {"progress"}})
    review.save()
    if progress:
        _set_progress(review, review.plan, progress)
        changed.append("progress")
    audit(actor=changed_by, action=AuditAction.UPDATE, obj=review, pupil_id=review.pupil_id, fields=changed)
    return review


def _check_complete(review: Review, outcomes: list[PlanOutcome], judged: dict[int, str]) -> None:
    problems: list[str] = []
    if not review.decision:
        problems.append("Record the decision the review reached.")
    if not review.participants:
        problems.append("Record who took part in the review.")
    missing = [outcome.order for outcome in outcomes if outcome.pk not in judged]
    if missing:
        problems.append(f"Record progress for outcome {', '.join(str(n) for n in missing)}.")
    if review.decision != ReviewDecision.EXIT_REGISTER and not review.next_review_on:
        problems.append("Set the date of the next review.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def close_review(review: Review, *, closed_by: Any, on: datetime.date | None = None) -> Review:
    """Finish a review and act on its decision (continue, revise, request an EHC needs assessment, exit the register)."""
    from .plans import _record_version, close_plan_on_leaving, revise_plan
    from .register import exit_register

    review = Review.objects.select_for_update().select_related("pupil").get(pk=review.pk)
    plan = SupportPlan.objects.select_for_update().get(pk=review.plan_id)
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError("This review has already been closed.")
    require_decide_review(closed_by, acting_roles(closed_by), review.pupil, review.decision)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(f"This {plan.title} is no longer active, so the review cannot be closed against it.")
    outcomes = list(PlanOutcome.objects.filter(plan=plan).order_by("order", "id"))
    judged = dict(OutcomeProgress.objects.filter(review=review).values_list("outcome_id", "progress"))
    _check_complete(review, outcomes, judged)
    on = on or today()
    check_not_future(on, "on", "The date the review is closed")

    plan.last_reviewed_on = review.held_on
    plan.last_review_decision = review.decision
    decision = review.decision
    if decision in (ReviewDecision.CONTINUE, ReviewDecision.REQUEST_EHC):
        plan.review_due_on = review.next_review_on
        if decision == ReviewDecision.REQUEST_EHC:
            plan.ehc_request_recommended = True
        plan.save()
        _record_version(
            plan,
            changed_by=closed_by,
            summary=f"Reviewed on {long_date(review.held_on)}: {review.get_decision_display().lower()}",
        )
    elif decision == ReviewDecision.REVISE:
        carried = {outcome_id for outcome_id, progress in judged.items() if progress in CARRIED_FORWARD}
        plan.status = PlanStatus.REVIEWED
        plan.save()
        _record_version(plan, changed_by=closed_by, summary=f"Reviewed on {long_date(review.held_on)}: revised")
        review.next_plan = revise_plan(
            plan, created_by=closed_by, carried_outcome_ids=carried, review_due_on=review.next_review_on
        )
    elif decision == ReviewDecision.EXIT_REGISTER:
        plan.save()
        close_plan_on_leaving(plan, on=review.held_on, closed_by=closed_by)
        exit_register(
            review.pupil,
            reason=f"Review held on {long_date(review.held_on)} decided the pupil no longer needs SEN Support.",
            decided_by=closed_by,
            on=max(review.held_on, _current_stage_start(review)),
        )

    review.status = ReviewStatus.CLOSED
    review.closed_on = on
    review.closed_by = closed_by
    review.save()
    audit(
        actor=closed_by,
        action=AuditAction.UPDATE,
        obj=review,
        pupil_id=review.pupil_id,
        fields=["status", "decision"],
        summary=f"Review closed: {decision}",
        detail={"plan_id": plan.pk, "next_plan_id": review.next_plan_id},
    )
    return review


def _current_stage_start(review: Review) -> datetime.date:
    from ..models import RegisterEntry

    entry = RegisterEntry.objects.filter(pupil_id=review.pupil_id, ended_on__isnull=True).first()
    return entry.started_on if entry else review.held_on
