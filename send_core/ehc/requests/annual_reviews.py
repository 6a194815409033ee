"""The school's side of an EHC plan's annual review: arrange it, record it, send it to the LA, and take
in the LA's decision (an amended plan arrives as a final plan)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from send_core.exchange import MessageKind, get_exchange
from send_core.models import Pupil
from send_core.services.base import AuditAction, audit, check_choice, long_date, require_text, today

from .. import reviews
from ..models import AnnualReview, AnnualReviewStatus, EhcPlan, EhcPlanStatus, ReviewRecommendation
from ..permissions import school_roles
from ..threads import acknowledge, date_in, organisation_here, unread_in_thread
from . import selectors
from .services import store_plan

# Reg 20(6): the Year 9 review and every later one consider preparing for adulthood.
PFA_MESSAGE = (
    "From Year 9 every review covers preparing for adulthood and independent living (Reg 20(6)): "
    "record what the review found about employment, independent living, friends and community, and health."
)


def plan_annual_review(
    pupil: Pupil,
    *,
    planned_by: Any,
    meeting_on: datetime.date,
    invitations_sent_on: datetime.date | None,
    secondary_senco_invited: str = "",
) -> AnnualReview:
    """Arrange the annual review: at least two weeks' notice; Year 5 and 6 reviews invite the secondary SENCO."""
    school_roles(planned_by)
    plan = selectors.current_ehc_plan(pupil)
    if plan is None:
        raise ValidationError("This pupil has no EHC plan on record here to review.")
    errors: dict[str, str] = {}
    if invitations_sent_on is None:
        errors["invitations_sent_on"] = "Enter the date the invitations went out."
    elif invitations_sent_on > reviews.review_invitations_due(meeting_on):  # Reg 20(3): 2 weeks' notice
        errors["invitations_sent_on"] = (
            "Invitations must go out at least two weeks before the meeting, "
            f"by {long_date(reviews.review_invitations_due(meeting_on))}."
        )
    if reviews.invites_secondary_senco(pupil.nc_year) and not (secondary_senco_invited or "").strip():
        errors["secondary_senco_invited"] = (
            f"{pupil.get_nc_year_display()} reviews invite the secondary school's SENCO: say who was invited."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        review = AnnualReview.objects.create(
            pupil=pupil,
            plan=plan,
            due_by=selectors.next_annual_review_due(pupil) or reviews.annual_review_due(plan.issued_on),
            meeting_on=meeting_on,
            invitations_sent_on=invitations_sent_on,
            secondary_senco_invited=(secondary_senco_invited or "").strip(),
            created_by=planned_by,
        )
        audit(actor=planned_by, action=AuditAction.CREATE, obj=review, pupil_id=pupil.pk)
    return review


def record_annual_review(
    review: AnnualReview,
    *,
    recorded_by: Any,
    participants: str,
    child_views: str,
    parent_views: str,
    progress: str,
    recommendation: str,
    recommended_changes: str = "",
    preparing_for_adulthood: str = "",
) -> AnnualReview:
    school_roles(recorded_by)
    check_choice(recommendation, ReviewRecommendation, "recommendation", "what the review recommends")
    progress = require_text(progress, "progress", "Describe the progress towards the plan's outcomes.")
    if recommendation == ReviewRecommendation.AMEND and not (recommended_changes or "").strip():
        raise ValidationError({"recommended_changes": "Say which sections should change and how."})
    preparing_for_adulthood = (preparing_for_adulthood or "").strip()
    if reviews.covers_preparing_for_adulthood(review.pupil.nc_year) and not preparing_for_adulthood:
        raise ValidationError({"preparing_for_adulthood": PFA_MESSAGE})
    with transaction.atomic(durable=True):
        review = AnnualReview.objects.select_for_update().get(pk=review.pk)
        if review.status != AnnualReviewStatus.PLANNED:
            raise ValidationError("This review has been sent to the local authority.")
        if review.meeting_on > today():
            raise ValidationError({"meeting_on": "Record the review after the meeting has been held."})
        review.participants = (participants or "").strip()
        review.child_views = (child_views or "").strip()
        review.parent_views = (parent_views or "").strip()
        review.progress = progress
        review.recommendation = recommendation
        review.recommended_changes = (recommended_changes or "").strip()
        review.preparing_for_adulthood = preparing_for_adulthood
        review.save()
        audit(
            actor=recorded_by,
            action=AuditAction.UPDATE,
            obj=review,
            pupil_id=review.pupil_id,
            fields=["recommendation"],
        )
    return review


def send_annual_review(review: AnnualReview, *, sent_by: Any) -> AnnualReview:
    """Send the review's report to the LA (within two weeks of the meeting)."""
    school_roles(sent_by)
    organisation = organisation_here()
    if organisation.local_authority is None:
        raise ValidationError("Your school has no local authority on Cairn to send the review to.")
    with transaction.atomic(durable=True):
        review = AnnualReview.objects.select_for_update().select_related("pupil").get(pk=review.pk)
        if review.status != AnnualReviewStatus.PLANNED or not review.recommendation:
            raise ValidationError("Record the review before sending it.")
        if reviews.covers_preparing_for_adulthood(review.pupil.nc_year) and not review.preparing_for_adulthood.strip():
            raise ValidationError({"preparing_for_adulthood": PFA_MESSAGE})
        message = get_exchange().send(
            sender=organisation,
            recipient=organisation.local_authority,
            kind=MessageKind.ANNUAL_REVIEW,
            subject=f"Annual review {organisation.slug}-{review.pk}",
            payload={
                "type": "annual_review",
                "child": selectors.child_details(review.pupil),
                "meeting_on": review.meeting_on.isoformat(),
                "participants": review.participants,
                "child_views": review.child_views,
                "parent_views": review.parent_views,
                "progress": review.progress,
                "recommendation": review.recommendation,
                "recommended_changes": review.recommended_changes,
                "secondary_senco_invited": review.secondary_senco_invited,
                "preparing_for_adulthood": review.preparing_for_adulthood,
            },
            sent_by=sent_by,
            sender_pupil_id=review.pupil_id,
        )
        review.status = AnnualReviewStatus.SENT
        review.sent_on = today()
        review.envelope_id = message.id
        review.save()
        audit(
            actor=sent_by,
            action=AuditAction.SHARE,
            obj=review,
            pupil_id=review.pupil_id,
            detail={"envelope_id": message.id},
        )
    return review


def take_in_annual_review_decision(review: AnnualReview, *, user: Any) -> bool:
    """Apply the LA's decision on a sent review, if it has arrived (an amended plan arrives as a final plan)."""
    school_roles(user)
    if review.envelope_id is None:
        return False
    organisation = organisation_here()
    exchange = get_exchange()
    changed = False
    with transaction.atomic(durable=True):
        review = AnnualReview.objects.select_for_update().select_related("pupil").get(pk=review.pk)
        for message in unread_in_thread(review.envelope_id, review.applied_envelope_ids, organisation=organisation):
            opened = exchange.open(message.id, organisation=organisation, user=user)
            if message.kind == MessageKind.DECISION and opened.payload.get("type") == "annual_review_decision":
                decision = opened.payload.get("decision", "")
                review.la_decision = decision if decision in ReviewRecommendation.values else ""
                review.la_decided_on = date_in(opened.payload, "decided_on")
                review.la_reasons = str(opened.payload.get("reasons", ""))
                review.la_proposed_amendments = str(opened.payload.get("proposed_amendments", ""))
                review.status = AnnualReviewStatus.DECIDED
                if review.la_decision == ReviewRecommendation.CEASE and review.plan_id:
                    EhcPlan.objects.filter(pk=review.plan_id).update(status=EhcPlanStatus.CEASED)
            elif message.kind == MessageKind.FINAL_PLAN:
                made_on = review.plan.plan_made_on or review.plan.issued_on if review.plan_id else None
                store_plan(
                    pupil=review.pupil,
                    case=None,
                    payload={"plan_made_on": made_on.isoformat() if made_on else "", **opened.payload, "amended": True},
                    status=EhcPlanStatus.FINAL,
                    envelope_id=message.id,
                )
            acknowledge(opened, organisation=organisation, user=user)
            review.applied_envelope_ids = [*review.applied_envelope_ids, message.id]
            changed = True
        if changed:
            review.save()
            audit(actor=user, action=AuditAction.UPDATE, obj=review, pupil_id=review.pupil_id, fields=["la_decision"])
    return changed
