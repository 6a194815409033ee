"""The LA's acts on a case: open a school's request as a case (the clock starts on the day it arrived),
allocate it, ask the school for more, decide whether to assess, ask for advice, record Reg 10(4)
exceptions, and say no plan will be made.

Plans are written and issued in `plans.py`, annual reviews decided in `annual_reviews.py`, a family's
own request recorded in `family_requests.py`. Everything that goes to the school goes through the
exchange; every act is all-or-nothing and audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from send_core.exchange import Message, MessageKind, get_exchange
from send_core.services.base import AuditAction, audit, check_choice, long_date, require_text, today

from .. import clock
from ..models import AdviceRequest, AdviceSource, CaseStatus, ClockException, EhcCase, ExceptionReason
from ..permissions import CASEWORK_ROLES, casework_roles, require_allocator
from ..threads import acknowledge, organisation_here, unread_in_thread


def arrival_day(message: Message) -> datetime.date:
    """The day a message arrived, in the organisation's time zone (the statutory clock counts local days)."""
    return timezone.localdate(message.sent_at)


def lock(name: str) -> None:
    """A transaction-scoped advisory lock, so two people doing the same thing at once do it once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{connection.schema_name}:{name}"])


def next_reference(year: int) -> str:
    prefix = f"EHC-{year}-"
    lock(f"ehc-reference-{year}")
    last = (
        EhcCase.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def child_from(payload: dict) -> dict[str, Any]:
    child = payload.get("child") or {}
    try:
        born = datetime.date.fromisoformat(child.get("date_of_birth", ""))
    except ValueError:
        raise ValidationError("The request does not give the child's date of birth.") from None
    return {
        "first_name": str(child.get("first_name", ""))[:100],
        "last_name": str(child.get("last_name", ""))[:100],
        "date_of_birth": born,
        "upn": str(child.get("upn", ""))[:13],
        "sex": str(child.get("sex", ""))[:1],
        "nc_year": str(child.get("nc_year", ""))[:2],
    }


def open_ehc_request(message_id: int, *, opened_by: Any) -> EhcCase:
    """Open a school's request as a case: the child's details and evidence come in, the clock starts.

    The clock starts on the day the request reached the LA (the day it was sent through the
    exchange, which delivers at once). Opening the same request again returns its case.
    """
    casework_roles(opened_by)
    organisation = organisation_here()
    existing = EhcCase.objects.filter(request_envelope_id=message_id).first()
    if existing is not None:
        return existing
    exchange = get_exchange()
    # What the casework inbox listed has reached the LA: marked here, in an act, as reading the inbox writes nothing.
    exchange.deliver(organisation)
    # Opened (and the opening audited, or a refusal recorded) before anything else, whatever follows.
    opened = exchange.open(message_id, organisation=organisation, user=opened_by)
    message = opened.message
    if message.kind != MessageKind.EHC_REQUEST or message.recipient_id != organisation.pk:
        raise ValidationError("That message is not an EHC needs assessment request to your authority.")
    with transaction.atomic(durable=True):
        lock(f"ehc-request-{message.id}")
        existing = EhcCase.objects.filter(request_envelope_id=message.id).first()
        if existing is not None:
            return existing  # opened by someone else a moment ago
        received_on = arrival_day(message)
        case = EhcCase.objects.create(
            reference=next_reference(received_on.year),
            school_id=message.sender_id,
            school_name=message.sender_name,
            school_pupil_id=message.sender_pupil_id or 0,
            request_envelope_id=message.id,
            received_on=received_on,
            evidence={
                "stage": opened.payload.get("stage", ""),
                "needs": opened.payload.get("needs", []),
                "reason": opened.payload.get("reason", ""),
                "toolkit": opened.payload.get("toolkit", ""),
                "evidence": opened.payload.get("evidence", {}),
                "consent": opened.payload.get("consent", {}),
                "documents": [
                    {"id": d.id, "title": d.title, "content_type": d.content_type, "size": d.size}
                    for d in opened.documents
                ],
                "replies": [],
            },
            applied_envelope_ids=[message.id],
            **child_from(opened.payload),
        )
        acknowledge(opened, organisation=organisation, user=opened_by)
        audit(
            actor=opened_by, action=AuditAction.CREATE, obj=case, pupil_id=None, summary=f"Case {case.reference} opened"
        )
    return case


def locked_case(case: EhcCase) -> EhcCase:
    return EhcCase.objects.select_for_update().get(pk=case.pk)


def allocate_case(case: EhcCase, *, caseworker: Any, allocated_by: Any) -> EhcCase:
    """Give the case to a caseworker (an SEN manager's act); they own its deadlines and reminders."""
    require_allocator(casework_roles(allocated_by))
    from tenants.selectors import roles_in

    if caseworker is None or not roles_in(caseworker, organisation_here()) & CASEWORK_ROLES:
        raise ValidationError({"caseworker": "Choose a caseworker of this local authority."})
    with transaction.atomic(durable=True):
        case = locked_case(case)
        case.caseworker = caseworker
        case.save(update_fields=["caseworker", "updated_at"])
        audit(actor=allocated_by, action=AuditAction.UPDATE, obj=case, pupil_id=None, fields=["caseworker"])
    return case


def send_to_school(
    case: EhcCase, *, kind: str, payload: dict, sent_by: Any, reply_to_id: int | None = None
) -> Message | None:
    """Send to the child's school through the exchange; None for a family's request naming no school on Cairn.

    The LA writes to the family itself then; Cairn keeps the dates and the reasons.
    """
    from tenants.models import Organisation

    if case.school_id is None:
        return None
    school = Organisation.objects.filter(pk=case.school_id, is_active=True).first()
    if school is None:
        raise ValidationError(f"{case.school_name} is no longer on Cairn, so nothing can be sent to it.")
    return get_exchange().send(
        sender=organisation_here(),
        recipient=school,
        kind=kind,
        subject=f"{case.reference}: {payload.get('subject', kind.replace('_', ' '))}",
        payload=payload,
        sent_by=sent_by,
        reply_to_id=reply_to_id or case.request_envelope_id,
    )


def ask_school_for_information(case: EhcCase, *, asked_by: Any, question: str) -> EhcCase:
    """Ask the school for more information, in the request's thread (the clock does not stop)."""
    casework_roles(asked_by)
    question = require_text(question, "question", "Write what the local authority needs to know.")
    with transaction.atomic(durable=True):
        case = locked_case(case)
        if not case.is_open:
            raise ValidationError("This case is closed.")
        if case.school_id is None:
            raise ValidationError("This request came from the family and names no school on Cairn to ask.")
        message = send_to_school(
            case,
            kind=MessageKind.INFORMATION_REQUEST,
            payload={"type": "information_request", "question": question, "subject": "more information needed"},
            sent_by=asked_by,
        )
        if case.status == CaseStatus.RECEIVED:
            case.status = CaseStatus.INFORMATION_REQUESTED
        case.save(update_fields=["status", "updated_at"])
        audit(
            actor=asked_by,
            action=AuditAction.SHARE,
            obj=case,
            pupil_id=None,
            summary="Asked the school for information",
            detail={"envelope_id": message.id},
        )
    return case


def take_in_school_replies(case: EhcCase, *, user: Any) -> list[Message]:
    """Open and keep the school's answers sent in the case's thread since last time (each once)."""
    casework_roles(user)
    if case.request_envelope_id is None:
        return []
    organisation = organisation_here()
    exchange = get_exchange()
    applied: list[Message] = []
    with transaction.atomic(durable=True):
        case = locked_case(case)
        for message in unread_in_thread(case.request_envelope_id, case.applied_envelope_ids, organisation=organisation):
            opened = exchange.open(message.id, organisation=organisation, user=user)
            replies = case.evidence.setdefault("replies", [])
            replies.append(
                {
                    "received_on": arrival_day(message).isoformat(),
                    "answer": str(opened.payload.get("answer", "")),
                    "documents": [{"id": d.id, "title": d.title} for d in opened.documents],
                }
            )
            acknowledge(opened, organisation=organisation, user=user)
            case.applied_envelope_ids = [*case.applied_envelope_ids, message.id]
            applied.append(message)
        if applied:
            if case.status == CaseStatus.INFORMATION_REQUESTED:
                case.status = CaseStatus.ASSESSING if case.decision_on else CaseStatus.RECEIVED
            case.save()
            audit(
                actor=user,
                action=AuditAction.UPDATE,
                obj=case,
                pupil_id=None,
                summary="Took in the school's information",
            )
    return applied


def check_date(on: datetime.date, case: EhcCase, field: str, what: str) -> None:
    if on > today():
        raise ValidationError({field: f"{what} cannot be in the future."})
    if case.received_on and on < case.received_on:
        raise ValidationError({field: f"{what} cannot be before the request arrived ({long_date(case.received_on)})."})


def decide_whether_to_assess(
    case: EhcCase, *, decided_by: Any, agree: bool, reasons: str, on: datetime.date | None = None
) -> EhcCase:
    """Record the decision and send it, with its reasons, to the school."""
    casework_roles(decided_by)
    on = on or today()
    reasons = require_text(
        reasons, "reasons", "Give the reasons for the decision; the school and the family will read them."
    )
    with transaction.atomic(durable=True):
        case = locked_case(case)
        if case.decision_on is not None:
            raise ValidationError("The decision whether to assess has already been made.")
        if case.status not in {CaseStatus.RECEIVED, CaseStatus.INFORMATION_REQUESTED}:
            raise ValidationError("This case is not waiting for a decision.")
        check_date(on, case, "on", "The decision date")
        case.decision_on = on
        case.decision_reasons = reasons
        case.status = CaseStatus.ASSESSING if agree else CaseStatus.NOT_ASSESSING
        case.save()
        message = send_to_school(
            case,
            kind=MessageKind.DECISION,
            payload={
                "type": "assessment_decision",
                "decision": "agree" if agree else "refuse",
                "decided_on": on.isoformat(),
                "reasons": reasons,
                "subject": "decision whether to assess",
            },
            sent_by=decided_by,
        )
        audit(
            actor=decided_by,
            action=AuditAction.UPDATE,
            obj=case,
            pupil_id=None,
            fields=["decision_on", "status"],
            summary="Agreed to assess" if agree else "Decided not to assess",
            detail={"envelope_id": message.id if message else None},
        )
    return case


def request_advice(
    case: EhcCase, *, requested_by: Any, source: str, requested_from: str = "", on: datetime.date | None = None
) -> AdviceRequest:
    """Ask a professional for advice for the assessment; it is due 6 weeks later."""
    casework_roles(requested_by)
    on = on or today()
    check_choice(source, AdviceSource, "source", "who the advice is asked of")
    with transaction.atomic(durable=True):
        case = locked_case(case)
        if case.status != CaseStatus.ASSESSING:
            raise ValidationError("Advice is asked for once the LA has agreed to assess.")
        check_date(on, case, "requested_on", "The date advice was asked for")
        advice = AdviceRequest.objects.create(
            case=case,
            source=source,
            requested_from=(requested_from or "").strip(),
            requested_on=on,
            due_on=clock.advice_due(on),  # Reg 8(1): 6 weeks
            requested_by=requested_by,
        )
        audit(actor=requested_by, action=AuditAction.CREATE, obj=advice, pupil_id=None, detail={"case_id": case.pk})
    return advice


def record_advice_received(
    advice: AdviceRequest, *, recorded_by: Any, on: datetime.date | None = None, notes: str = ""
) -> AdviceRequest:
    casework_roles(recorded_by)
    on = on or today()
    with transaction.atomic(durable=True):
        advice = AdviceRequest.objects.select_for_update().get(pk=advice.pk)
        if advice.received_on is not None:
            raise ValidationError(f"This advice was recorded as received on {long_date(advice.received_on)}.")
        if on < advice.requested_on or on > today():
            raise ValidationError({"received_on": "The advice arrived after it was asked for, and not in the future."})
        advice.received_on = on
        advice.notes = (notes or "").strip()
        advice.save(update_fields=["received_on", "notes", "updated_at"])
        audit(actor=recorded_by, action=AuditAction.UPDATE, obj=advice, pupil_id=None, fields=["received_on"])
    return advice


def _check_exception_rules(
    case: EhcCase, *, reason: str, starts_on: datetime.date, ends_on: datetime.date, advice: AdviceRequest | None
) -> None:
    """Refuse what the regulations do not count, saying why, before anything is recorded."""
    days = (ends_on - starts_on).days + 1
    if advice is not None and advice.case_id != case.pk:
        raise ValidationError({"advice": "Choose advice asked for in this case."})
    if reason == ExceptionReason.MISSED_APPOINTMENT:
        # Reg 8(2): excuses the advice-giver for an appointment missed during their 6 weeks.
        if advice is None:
            raise ValidationError({"advice": "Say whose advice the missed appointment held up."})
        if not advice.requested_on <= starts_on <= clock.weeks_after(advice.requested_on, clock.ADVICE_WEEKS):
            raise ValidationError(
                {"starts_on": "Only an appointment missed during the 6 weeks the advice-giver had (Reg 8(2)) counts."}
            )
    elif reason == ExceptionReason.ABSENT_FROM_AREA and days < clock.MINIMUM_ABSENCE_DAYS:
        raise ValidationError(
            {
                "ends_on": f"Absence from the area excuses the time limits only from 4 weeks (Reg 10(4)(d)); "
                f"this one lasted {days} days."
            }
        )
    elif reason in (ExceptionReason.SCHOOL_CLOSURE, ExceptionReason.EARLY_YEARS_CLOSURE):
        if days < clock.MINIMUM_CLOSURE_DAYS:
            raise ValidationError(
                {
                    "ends_on": "A closure excuses the time limits only when it lasts at least 4 weeks "
                    f"(Reg 10(4)(a) and (b)); this one lasted {days} days."
                }
            )
        if advice is None or not clock.advice_asked_around_closure(advice.requested_on, starts_on, ends_on):
            raise ValidationError(
                {
                    "advice": "A closure counts only for advice asked of the setting from a week before it closed "
                    "until a week before it re-opens (Reg 10(4)(a) and (b)): choose that advice."
                }
            )


def record_clock_exception(
    case: EhcCase,
    *,
    recorded_by: Any,
    reason: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    affects_decision: bool = False,
    notes: str = "",
    advice: AdviceRequest | None = None,
) -> ClockException:
    """Record why a time limit could not be met.

    A Reg 10(4) exception moves the LA's later deadlines not yet passed when it began (and the
    decision, under Reg 5(4), when it held that up); a missed appointment (Reg 8(2)) moves only
    the due date of the advice it concerns.
    """
    casework_roles(recorded_by)
    check_choice(reason, ExceptionReason, "reason", "why the time limit cannot be met")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The exception must end on or after the day it starts."})
    notes = require_text(notes, "notes", "Say what happened, so the family and a tribunal can see why the dates moved.")
    if reason == ExceptionReason.MISSED_APPOINTMENT and affects_decision:
        raise ValidationError(
            {
                "affects_decision": "A missed appointment excuses the person giving advice, not the local authority "
                "(Reg 8(2)); it moves only that advice's due date."
            }
        )
    with transaction.atomic(durable=True):
        case = locked_case(case)
        if not case.is_open:
            raise ValidationError("This case is closed; its dates can no longer move.")
        if case.received_on and starts_on < case.received_on:
            raise ValidationError({"starts_on": "An exception cannot start before the request arrived."})
        if affects_decision and case.decision_on is not None and starts_on > case.decision_on:
            raise ValidationError({"affects_decision": "The decision was made before this exception began."})
        if advice is not None:
            advice = AdviceRequest.objects.select_for_update().get(pk=advice.pk)
        _check_exception_rules(case, reason=reason, starts_on=starts_on, ends_on=ends_on, advice=advice)
        exception = ClockException.objects.create(
            case=case,
            advice=advice,
            reason=reason,
            starts_on=starts_on,
            ends_on=ends_on,
            affects_decision=affects_decision,
            notes=notes,
            recorded_by=recorded_by,
        )
        if reason == ExceptionReason.MISSED_APPOINTMENT and advice is not None:
            missed = [
                clock.ClockException(item.reason, item.starts_on, item.ends_on)
                for item in ClockException.objects.filter(advice=advice, reason=ExceptionReason.MISSED_APPOINTMENT)
            ]
            advice.due_on = clock.advice_due(advice.requested_on, missed)
            advice.save(update_fields=["due_on", "updated_at"])
        audit(actor=recorded_by, action=AuditAction.CREATE, obj=exception, pupil_id=None, detail={"case_id": case.pk})
    return exception


def issue_no_plan_notice(case: EhcCase, *, issued_by: Any, reasons: str, on: datetime.date | None = None) -> EhcCase:
    """After assessing, tell the school (and through it the family) that no plan will be made, and why."""
    casework_roles(issued_by)
    on = on or today()
    reasons = require_text(
        reasons, "reasons", "Give the reasons no plan will be made, and how the school can meet the needs."
    )
    with transaction.atomic(durable=True):
        case = locked_case(case)
        if case.status != CaseStatus.ASSESSING:
            raise ValidationError("A no-plan notice follows an assessment, before any draft plan.")
        check_date(on, case, "on", "The notice date")
        case.status = CaseStatus.NO_PLAN
        case.no_plan_on = on
        case.save()
        message = send_to_school(
            case,
            kind=MessageKind.DECISION,
            payload={"type": "no_plan", "decided_on": on.isoformat(), "reasons": reasons, "subject": "no EHC plan"},
            sent_by=issued_by,
        )
        audit(
            actor=issued_by,
            action=AuditAction.UPDATE,
            obj=case,
            pupil_id=None,
            fields=["status", "no_plan_on"],
            detail={"envelope_id": message.id if message else None},
        )
    return case
