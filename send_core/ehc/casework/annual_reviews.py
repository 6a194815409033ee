"""The LA's side of an EHC plan's annual review: file the school's report with the child's case, decide
to maintain, amend or cease the plan, and issue an amended plan after the family's 15 days."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from send_core.exchange import MessageKind, get_exchange
from send_core.services.base import AuditAction, audit, check_choice, long_date, require_text, today

from .. import reviews
from ..models import (
    REQUIRED_SECTIONS,
    CaseAnnualReview,
    CaseStatus,
    EhcCase,
    EhcPlan,
    EhcPlanStatus,
    ReviewRecommendation,
)
from ..permissions import casework_roles
from ..threads import acknowledge, date_in, organisation_here
from . import selectors
from .plans import clean_sections, require_sections, send_plan
from .services import arrival_day, child_from, lock, next_reference, send_to_school


def receive_annual_review(message_id: int, *, received_by: Any) -> CaseAnnualReview:
    """Open a school's annual review report and file it with the child's case (made here if there is none)."""
    casework_roles(received_by)
    existing = CaseAnnualReview.objects.filter(envelope_id=message_id).first()
    if existing is not None:
        return existing
    organisation = organisation_here()
    exchange = get_exchange()
    # What the casework inbox listed has reached the LA: marked here, in an act, as reading the inbox writes nothing.
    exchange.deliver(organisation)
    opened = exchange.open(message_id, organisation=organisation, user=received_by)
    message, payload = opened.message, opened.payload
    if message.kind != MessageKind.ANNUAL_REVIEW or message.recipient_id != organisation.pk:
        raise ValidationError("That message is not an annual review sent to your authority.")
    with transaction.atomic(durable=True):
        lock(f"ehc-annual-review-{message.id}")
        existing = CaseAnnualReview.objects.filter(envelope_id=message.id).first()
        if existing is not None:
            return existing
        case = selectors.case_for_pupil(message.sender_id, message.sender_pupil_id or 0)
        if case is None:
            # A plan made before the LA used Cairn: the case record starts with this review.
            case = EhcCase.objects.create(
                reference=next_reference(arrival_day(message).year),
                school_id=message.sender_id,
                school_name=message.sender_name,
                school_pupil_id=message.sender_pupil_id or 0,
                status=CaseStatus.PLAN_ISSUED,
                **child_from(payload),
            )
        review = CaseAnnualReview.objects.create(
            case=case,
            envelope_id=message.id,
            meeting_on=date_in(payload, "meeting_on"),
            received_on=arrival_day(message),
            school_recommendation=payload.get("recommendation", "")
            if payload.get("recommendation") in ReviewRecommendation.values
            else "",
            report={
                key: payload.get(key, "")
                for key in (
                    "participants",
                    "child_views",
                    "parent_views",
                    "progress",
                    "recommended_changes",
                    "secondary_senco_invited",
                    "preparing_for_adulthood",
                )
            },
        )
        acknowledge(opened, organisation=organisation, user=received_by)
        audit(actor=received_by, action=AuditAction.CREATE, obj=review, pupil_id=None, detail={"case_id": case.pk})
    return review


def decide_annual_review(
    review: CaseAnnualReview,
    *,
    decided_by: Any,
    decision: str,
    reasons: str,
    proposed_amendments: str = "",
    on: datetime.date | None = None,
) -> CaseAnnualReview:
    """Maintain, amend or cease the plan (due within 4 weeks of the meeting, Reg 20(10)), and tell the school.

    A decision to amend goes with the proposed amendments, and serves the notice from which the
    family's 15 days and the 8 weeks for the amended plan run (Reg 22(2)-(3); R (L, M, P) v Devon
    CC [2022] EWHC 493 (Admin)).
    """
    casework_roles(decided_by)
    on = on or today()
    check_choice(decision, ReviewRecommendation, "decision", "the decision")
    reasons = require_text(reasons, "reasons", "Give the reasons for the decision.")
    proposed_amendments = (proposed_amendments or "").strip()
    if decision == ReviewRecommendation.AMEND and not proposed_amendments:
        raise ValidationError(
            {
                "proposed_amendments": "Set out the proposed amendments: they are sent with the decision to amend, "
                "and the family's 15 days to comment run from that notice (Reg 22(2))."
            }
        )
    with transaction.atomic(durable=True):
        review = CaseAnnualReview.objects.select_for_update().select_related("case").get(pk=review.pk)
        if review.decision:
            raise ValidationError("This review has been decided.")
        if on < review.meeting_on or on > today():
            raise ValidationError({"on": "The decision is made after the review meeting, and not in the future."})
        review.decision = decision
        review.decided_on = on
        review.reasons = reasons
        review.decided_by = decided_by
        payload = {
            "type": "annual_review_decision",
            "decision": decision,
            "decided_on": on.isoformat(),
            "reasons": reasons,
            "subject": "annual review decision",
        }
        if decision == ReviewRecommendation.AMEND:
            review.proposed_amendments = proposed_amendments
            review.amendment_notice_on = on
            payload.update(
                proposed_amendments=proposed_amendments,
                representations_end_on=reviews.amendment_representations_end(on).isoformat(),
                amended_plan_due_on=reviews.amended_plan_due(on).isoformat(),
            )
        review.save()
        message = send_to_school(
            review.case, kind=MessageKind.DECISION, payload=payload, sent_by=decided_by, reply_to_id=review.envelope_id
        )
        audit(
            actor=decided_by,
            action=AuditAction.UPDATE,
            obj=review,
            pupil_id=None,
            fields=["decision", "proposed_amendments"] if proposed_amendments else ["decision"],
            detail={"envelope_id": message.id if message else None},
        )
    return review


def issue_amended_plan(
    review: CaseAnnualReview, *, issued_by: Any, sections: dict[str, str], on: datetime.date | None = None
) -> EhcPlan:
    """Issue the amended plan to the school, in the review's thread.

    Only after a served notice of proposed amendments and once the family's 15 days beginning with
    that day have passed (Reg 22(2)(c)); due within 8 weeks of the notice (Reg 22(3)).
    """
    casework_roles(issued_by)
    on = on or today()
    texts = clean_sections(sections)
    require_sections(texts, REQUIRED_SECTIONS, "amended plan")
    with transaction.atomic(durable=True):
        review = CaseAnnualReview.objects.select_for_update().select_related("case").get(pk=review.pk)
        if review.decision != ReviewRecommendation.AMEND:
            raise ValidationError("An amended plan follows a decision to amend.")
        if review.amended_plan_issued_on is not None:
            raise ValidationError("The amended plan has been issued.")
        if review.amendment_notice_on is None:
            raise ValidationError(
                "Serve the notice of proposed amendments first: the family has 15 days to comment on them (Reg 22(2))."
            )
        if on > today():
            raise ValidationError({"on": "The amended plan cannot be issued on a date in the future."})
        if on < reviews.amended_plan_may_issue_from(review.amendment_notice_on):
            raise ValidationError(
                {
                    "on": "The family has until "
                    f"{long_date(reviews.amendment_representations_end(review.amendment_notice_on))} to comment on the "
                    "proposed amendments (Reg 22(2)(c)); the amended plan can be issued from "
                    f"{long_date(reviews.amended_plan_may_issue_from(review.amendment_notice_on))}."
                }
            )
        case = review.case
        current = EhcPlan.objects.filter(case=case, status=EhcPlanStatus.FINAL).order_by("-version").first()
        version = (
            EhcPlan.objects.filter(case=case).order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        EhcPlan.objects.filter(case=case, status=EhcPlanStatus.FINAL).update(status=EhcPlanStatus.SUPERSEDED)
        plan = EhcPlan.objects.create(
            case=case,
            status=EhcPlanStatus.FINAL,
            version=version,
            issued_on=on,
            # Amending is not making the plan: the review clock runs from the review, never from this day.
            plan_made_on=(current.plan_made_on or current.issued_on) if current else None,
            amended=True,
            issued_by=issued_by,
            **{f"section_{key}": text for key, text in texts.items()},
        )
        review.amended_plan_issued_on = on
        review.save(update_fields=["amended_plan_issued_on", "updated_at"])
        send_plan(
            case,
            plan,
            kind=MessageKind.FINAL_PLAN,
            issued_by=issued_by,
            on=on,
            summary="Amended EHC plan issued",
            reply_to_id=review.envelope_id,
        )
    return plan
