"""The LA writes the EHC plan (sections A to K) and issues it: first as a draft, on which the family has
15 days to comment, then as the final plan. Each issued plan goes to the school through the exchange."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from send_core.exchange import MessageKind
from send_core.services.base import AuditAction, audit, long_date, today
from send_core.services.concurrency import check_not_stale

from .. import clock
from ..models import PLAN_SECTIONS, REQUIRED_SECTIONS, CaseStatus, EhcCase, EhcPlan, EhcPlanStatus
from ..permissions import casework_roles
from ..threads import organisation_here
from .services import check_date, locked_case, send_to_school


def clean_sections(sections: dict[str, str]) -> dict[str, str]:
    known = {key for key, _, _ in PLAN_SECTIONS}
    unknown = set(sections) - known
    if unknown:
        raise ValidationError(
            {"sections": f"An EHC plan has sections A to K; there is no section {sorted(unknown)[0].upper()}."}
        )
    return {key: (sections.get(key) or "").strip() for key in known}


def save_plan_draft(
    case: EhcCase, *, written_by: Any, sections: dict[str, str], seen_version: str | None = None
) -> EhcPlan:
    """Write (or rewrite) the plan the LA is working on, before it is issued as a draft or final plan.

    `seen_version` is the plan's version when the editor was drawn: the editor posts every section, so
    a save from a page drawn before a colleague's save is refused rather than reverting their sections.
    """
    casework_roles(written_by)
    cleaned = clean_sections(sections)
    with transaction.atomic(durable=True):
        case = locked_case(case)
        if case.status not in {CaseStatus.ASSESSING, CaseStatus.DRAFT_ISSUED}:
            raise ValidationError("A plan is written once the LA has agreed to assess.")
        plan = EhcPlan.objects.filter(case=case, status=EhcPlanStatus.DRAFT, issued_on__isnull=True).first()
        if plan is not None:
            # The case row is locked above, so no one else can save this plan until we commit.
            check_not_stale(plan, seen_version, what="EHC plan", fields=[f"section_{key}" for key in cleaned])
        else:
            version = (
                EhcPlan.objects.filter(case=case).order_by("-version").values_list("version", flat=True).first() or 0
            ) + 1
            plan = EhcPlan(case=case, status=EhcPlanStatus.DRAFT, version=version)
        for key, text in cleaned.items():
            setattr(plan, f"section_{key}", text)
        plan.save()
        audit(actor=written_by, action=AuditAction.UPDATE, obj=plan, pupil_id=None, detail={"case_id": case.pk})
    return plan


def _plan_payload(plan: EhcPlan, *, kind: str, issued_by: Any, on: datetime.date) -> dict[str, Any]:
    payload = {
        "type": kind,
        "version": plan.version,
        "issued_on": on.isoformat(),
        "issued_by": getattr(issued_by, "full_name", ""),
        "local_authority": organisation_here().name,
        "sections": plan.section_texts(),
        "subject": "draft EHC plan" if kind == "draft_plan" else "final EHC plan",
        "amended": plan.amended,
    }
    if plan.plan_made_on:
        payload["plan_made_on"] = plan.plan_made_on.isoformat()
    if plan.comments_due_on:
        payload["comments_due_on"] = plan.comments_due_on.isoformat()
    if kind == "draft_plan":
        # A draft plan names no school or type of school (CoP 9.78): the family says which they would like.
        payload["sections"]["i"] = ""
    return payload


def _unissued_plan(case: EhcCase) -> EhcPlan:
    plan = EhcPlan.objects.filter(case=case, status=EhcPlanStatus.DRAFT, issued_on__isnull=True).first()
    if plan is None:
        raise ValidationError("Write the plan first.")
    return plan


def send_plan(
    case: EhcCase,
    plan: EhcPlan,
    *,
    kind: str,
    issued_by: Any,
    on: datetime.date,
    summary: str,
    reply_to_id: int | None = None,
) -> EhcPlan:
    """Send an issued plan to the school, note the envelope on it, and record the act."""
    payload = _plan_payload(plan, kind=kind, issued_by=issued_by, on=on)
    if reply_to_id is not None:
        payload["subject"] = "amended EHC plan"
    message = send_to_school(case, kind=kind, payload=payload, sent_by=issued_by, reply_to_id=reply_to_id)
    plan.envelope_id = message.id if message else None
    plan.save(update_fields=["envelope_id"])
    audit(
        actor=issued_by,
        action=AuditAction.SHARE,
        obj=plan,
        pupil_id=None,
        summary=summary,
        detail={"case_id": case.pk, "envelope_id": plan.envelope_id},
    )
    return plan


def require_sections(texts: dict[str, str], required: frozenset[str], what: str) -> None:
    empty = [letter for key, letter, _ in PLAN_SECTIONS if key in required and not texts.get(key)]
    if empty:
        raise ValidationError({"sections": f"Write section {empty[0]} before issuing the {what}."})


def issue_draft_plan(case: EhcCase, *, issued_by: Any, on: datetime.date | None = None) -> EhcPlan:
    """Issue the plan as a draft: the family has 15 days to comment and to ask for a school to be named."""
    casework_roles(issued_by)
    on = on or today()
    with transaction.atomic(durable=True):
        case = locked_case(case)
        if case.status != CaseStatus.ASSESSING:
            raise ValidationError("A draft plan is issued once the assessment is under way, and only once.")
        check_date(on, case, "on", "The issue date")
        plan = _unissued_plan(case)
        # A draft names no placement yet (section I): the family says which school they would like.
        require_sections(plan.section_texts(), REQUIRED_SECTIONS - {"i"}, "draft")
        plan.issued_on = on
        plan.issued_by = issued_by
        # Reg 13(1): 15 days beginning with the day served, so the last day is day + 14.
        plan.comments_due_on = clock.representations_end(on)
        plan.save()
        case.status = CaseStatus.DRAFT_ISSUED
        case.draft_issued_on = on
        case.save()
        send_plan(case, plan, kind=MessageKind.DRAFT_PLAN, issued_by=issued_by, on=on, summary="Draft EHC plan issued")
    return plan


def issue_final_plan(
    case: EhcCase,
    *,
    issued_by: Any,
    sections: dict[str, str] | None = None,
    comments_considered: bool = False,
    on: datetime.date | None = None,
) -> EhcPlan:
    """Issue the final plan (with any changes after the family's comments) and send it to the school.

    Not before the family's 15 days have passed, unless their comments are in (or they have said
    they have none). Sections A, B, E, F and I must be written.
    """
    casework_roles(issued_by)
    on = on or today()
    with transaction.atomic(durable=True):
        case = locked_case(case)
        if case.status != CaseStatus.DRAFT_ISSUED:
            raise ValidationError("A final plan follows a draft plan.")
        check_date(on, case, "on", "The issue date")
        draft = EhcPlan.objects.filter(case=case, status=EhcPlanStatus.DRAFT).order_by("-version").first()
        if draft is None:
            raise ValidationError("There is no draft plan to finalise.")
        # From the day the draft went out, however often the working copy has been saved since.
        # Reg 13(1): the final plan may issue from day + 15 unless the family has finished commenting.
        issue_from = clock.final_plan_may_issue_from(case.draft_issued_on) if case.draft_issued_on else None
        if issue_from and on < issue_from and not comments_considered:
            last_day = clock.representations_end(case.draft_issued_on)
            raise ValidationError(
                {
                    "comments_considered": f"The family has until {long_date(last_day)} to comment on the draft. "
                    "Confirm their comments are in (or that they have none) to issue the plan earlier."
                }
            )
        texts = draft.section_texts()
        if sections is not None:
            texts.update(clean_sections(sections))
        require_sections(texts, REQUIRED_SECTIONS, "final plan")
        EhcPlan.objects.filter(case=case, status__in=[EhcPlanStatus.DRAFT, EhcPlanStatus.FINAL]).update(
            status=EhcPlanStatus.SUPERSEDED
        )
        plan = EhcPlan.objects.create(
            case=case,
            status=EhcPlanStatus.FINAL,
            version=draft.version + 1,
            issued_on=on,
            plan_made_on=on,
            issued_by=issued_by,
            **{f"section_{key}": text for key, text in texts.items()},
        )
        case.status = CaseStatus.PLAN_ISSUED
        case.final_issued_on = on
        case.save()
        send_plan(case, plan, kind=MessageKind.FINAL_PLAN, issued_by=issued_by, on=on, summary="Final EHC plan issued")
    return plan
