"""Acts on EHC needs assessments, in the school and in the local authority.

School: start a request from what the school holds, choose its evidence, submit it (only with
consent to share with the LA and every required item of the toolkit's checklist), answer the
LA's questions, and take in the LA's decisions and plans — the final plan lands in the pupil's
record and moves them to the EHC plan stage. Annual reviews are planned, recorded and sent.

Local authority: open a request as a case (the clock starts on the day it arrived), allocate it,
ask the school for more, decide whether to assess, ask for advice, record Reg 10(4) exceptions,
say no plan will be made or issue a draft and then a final plan, and decide on annual reviews.

Everything that goes to the other organisation goes through the exchange; every act is
all-or-nothing and audited.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from send_core.exchange import Message, MessageKind, OpenedMessage, get_exchange
from send_core.models import ConsentScope, Document, Pupil
from send_core.selectors.agencies import consent_on
from send_core.selectors.organisation import current_organisation
from send_core.selectors.plans import active_plan
from send_core.services.base import AuditAction, acting_roles, audit, check_choice, long_date, require_text, today
from send_core.services.concurrency import check_not_stale
from send_core.services.documents import close_uploads, documents_as_uploads
from send_core.services.register import move_on_register
from send_core.toolkit import current_toolkit

from . import clock, reviews, selectors
from .models import (
    PLAN_SECTIONS,
    REQUIRED_SECTIONS,
    AdviceRequest,
    AdviceSource,
    AnnualReview,
    AnnualReviewStatus,
    CaseAnnualReview,
    CaseStatus,
    ClockException,
    EhcCase,
    EhcPlan,
    EhcPlanStatus,
    EhcRequest,
    ExceptionReason,
    RequestStatus,
    ReviewRecommendation,
)
from .permissions import require_allocator, require_casework, require_school_ehc

logger = logging.getLogger(__name__)

# --- Shared -------------------------------------------------------------------------------


def _organisation() -> Any:
    organisation = current_organisation()
    if organisation is None:
        raise PermissionDenied("EHC work happens inside an organisation.")
    return organisation


def _school_roles(user: Any) -> frozenset[str]:
    roles = acting_roles(user)
    require_school_ehc(roles)
    return roles


def _casework_roles(user: Any) -> frozenset[str]:
    roles = acting_roles(user)
    require_casework(roles)
    return roles


def _applied(record: EhcRequest | EhcCase | AnnualReview, message: Message) -> bool:
    return message.id in record.applied_envelope_ids


def _acknowledge(opened: OpenedMessage, *, organisation: Any, user: Any) -> None:
    """Acknowledge what was just opened, unless someone already did (from the exchange's own pages)."""
    if opened.message.recipient_id == organisation.pk and opened.message.state == "opened":
        get_exchange().acknowledge(opened.message.id, organisation=organisation, user=user)


def _received_on(message: Message) -> datetime.date:
    """The day a message arrived, in the organisation's time zone (the statutory clock counts local days)."""
    return timezone.localdate(message.sent_at)


def _lock(name: str) -> None:
    """A transaction-scoped advisory lock, so two people doing the same thing at once do it once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{connection.schema_name}:{name}"])


def _date(payload: dict, key: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(payload[key]))
    except (KeyError, ValueError):
        raise ValidationError(f"The message does not give a valid {key.replace('_', ' ')}.") from None


def _clean_sections(sections: dict[str, str]) -> dict[str, str]:
    known = {key for key, _, _ in PLAN_SECTIONS}
    unknown = set(sections) - known
    if unknown:
        raise ValidationError(
            {"sections": f"An EHC plan has sections A to K; there is no section {sorted(unknown)[0].upper()}."}
        )
    return {key: (sections.get(key) or "").strip() for key in known}


# --- The school's request -------------------------------------------------------------------


@transaction.atomic
@transaction.atomic
def start_ehc_request(pupil: Pupil, *, started_by: Any) -> EhcRequest:
    """The pupil's request being prepared, started with the views and evidence the school already holds.

    Two "start" clicks at once both answer with the one draft: the pupil's row is locked first, so
    the second waits and then finds the first's draft.
    """
    _school_roles(started_by)
    Pupil.objects.select_for_update().get(pk=pupil.pk)
    existing = EhcRequest.objects.filter(pupil=pupil, status=RequestStatus.DRAFT).first()
    if existing is not None:
        return existing
    open_request = EhcRequest.objects.filter(pupil=pupil).exclude(
        status__in=[RequestStatus.NOT_ASSESSING, RequestStatus.NO_PLAN, RequestStatus.PLAN_ISSUED]
    )
    if open_request.exists():
        raise ValidationError("The local authority is already considering a request for this pupil.")
    toolkit = current_toolkit()
    plan = active_plan(pupil)
    organisation = _organisation()
    la = organisation.local_authority
    try:
        with transaction.atomic():
            request = EhcRequest.objects.create(
                pupil=pupil,
                toolkit_key=toolkit.key,
                parent_views=plan.parent_views if plan else "",
                child_views=plan.child_views if plan else "",
                evidence_keys=[item.key for item in toolkit.ehc_evidence],
                local_authority_id=la.pk if la else None,
                local_authority_name=la.name if la else "",
                created_by=started_by,
            )
    except IntegrityError:
        # One draft per pupil (ehc_request_one_draft): a draft made meanwhile by a path that did not
        # take the pupil's lock is the one to carry on with, not a server error.
        existing = EhcRequest.objects.filter(pupil=pupil, status=RequestStatus.DRAFT).first()
        if existing is None:
            raise
        return existing
    audit(actor=started_by, action=AuditAction.CREATE, obj=request, pupil_id=pupil.pk, summary="EHC request started")
    return request


@transaction.atomic
def update_ehc_request(
    request: EhcRequest,
    *,
    changed_by: Any,
    reason: str,
    parent_views: str,
    child_views: str,
    evidence_keys: Iterable[str],
    document_ids: Iterable[int],
    seen_version: str | None = None,
) -> EhcRequest:
    """Save what the request says and carries, while it is still being prepared.

    `seen_version` is the request's version when the builder was drawn: a save from a page drawn
    before a colleague's save is refused rather than putting their words back.
    """
    _school_roles(changed_by)
    request = EhcRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_draft:
        raise ValidationError("This request has been sent; it can no longer be changed.")
    check_not_stale(request, seen_version, what="request", fields=["reason", "parent_views", "child_views"])
    known = {item.key for item in current_toolkit().ehc_evidence}
    keys = [key for key in dict.fromkeys(evidence_keys) if key in known]
    ids = [int(i) for i in dict.fromkeys(document_ids)]
    held = set(Document.objects.filter(pupil=request.pupil, pk__in=ids).values_list("pk", flat=True))
    if set(ids) - held:
        raise ValidationError({"document_ids": "Choose documents from this pupil's record."})
    request.reason = (reason or "").strip()
    request.parent_views = (parent_views or "").strip()
    request.child_views = (child_views or "").strip()
    request.evidence_keys = keys
    request.document_ids = ids
    request.save()
    audit(
        actor=changed_by,
        action=AuditAction.UPDATE,
        obj=request,
        pupil_id=request.pupil_id,
        fields=["reason", "parent_views", "child_views", "evidence_keys", "document_ids"],
    )
    return request


def check_ready_to_submit(request: EhcRequest, *, on: datetime.date) -> None:
    """ValidationError naming each thing the request still needs: consent, the reason, required evidence."""
    errors: dict[str, list[str]] = {}
    consent = consent_on(request.pupil, ConsentScope.SHARE_WITH_LA, on)
    if consent is None:
        errors["consent"] = [
            "Record a parent's consent to share information with the local authority before sending the request."
        ]
    if not request.reason.strip():
        errors["reason"] = ["Say why the school is asking for an EHC needs assessment."]
    if _organisation().local_authority is None:
        errors["__all__"] = ["Your school has no local authority on Cairn to send the request to."]
    rows = selectors.evidence_for(request, current_toolkit(), today=on)
    missing = selectors.missing_evidence(rows, request.evidence_keys)
    if missing:
        errors["evidence_keys"] = [
            f"The request needs “{row.label}”: "
            + ("Cairn holds none for this pupil yet." if not row.held else "include it in the request.")
            for row in missing
        ]
    if errors:
        raise ValidationError(errors)


def submit_ehc_request(request: EhcRequest, *, submitted_by: Any) -> EhcRequest:
    """Send the request to the school's LA, with its evidence and documents, or send nothing.

    Refused, naming what is missing, without consent to share with the LA or with a required
    item of the toolkit's evidence checklist missing.
    """
    _school_roles(submitted_by)
    on = today()
    organisation = _organisation()
    with transaction.atomic():
        request = EhcRequest.objects.select_for_update().select_related("pupil").get(pk=request.pk)
        if not request.is_draft:
            raise ValidationError("This request has already been sent.")
        check_ready_to_submit(request, on=on)
        request.consent = consent_on(request.pupil, ConsentScope.SHARE_WITH_LA, on)
        toolkit = current_toolkit()
        payload = selectors.request_payload(request, toolkit, today=on)
        documents = Document.objects.filter(pupil=request.pupil, pk__in=request.document_ids).order_by("pk")
        files = documents_as_uploads(documents, opened_by=submitted_by)
        try:
            message = get_exchange().send(
                sender=organisation,
                recipient=organisation.local_authority,
                kind=MessageKind.EHC_REQUEST,
                subject=f"EHC needs assessment request {organisation.slug}-{request.pk}",
                payload=payload,
                sent_by=submitted_by,
                documents=files,
                sender_pupil_id=request.pupil_id,
            )
        finally:
            close_uploads(files)
        request.status = RequestStatus.SUBMITTED
        request.submitted_on = on
        request.submitted_by = submitted_by
        request.status_changed_on = on
        request.envelope_id = message.id
        request.local_authority_id = organisation.local_authority.pk
        request.local_authority_name = organisation.local_authority.name
        request.save()
        audit(
            actor=submitted_by,
            action=AuditAction.SHARE,
            obj=request,
            pupil_id=request.pupil_id,
            summary=f"EHC request sent to {organisation.local_authority.name}",
            detail={"envelope_id": message.id, "documents": len(files)},
        )
    return request


def reply_to_local_authority(
    request: EhcRequest, *, replied_by: Any, answer: str, documents: Sequence[tuple[str, BinaryIO]] = ()
) -> EhcRequest:
    """Answer the LA's request for more information, in the request's thread."""
    _school_roles(replied_by)
    answer = require_text(answer, "answer", "Write the information the local authority asked for.")
    organisation = _organisation()
    with transaction.atomic():
        request = EhcRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.INFORMATION_REQUESTED:
            raise ValidationError("The local authority has not asked for more information about this request.")
        thread = get_exchange().thread(request.envelope_id, organisation=organisation)
        question = next(
            (
                m
                for m in reversed(thread)
                if m.kind == MessageKind.INFORMATION_REQUEST and m.sender_id != organisation.pk
            ),
            None,
        )
        if question is None:
            raise ValidationError("The local authority's question could not be found in this request's thread.")
        message = get_exchange().send(
            sender=organisation,
            recipient=organisation.local_authority,
            kind=MessageKind.INFORMATION_REQUEST,
            subject=f"Information for EHC request {organisation.slug}-{request.pk}",
            payload={"type": "information", "answer": answer},
            sent_by=replied_by,
            documents=documents,
            reply_to_id=question.id,
        )
        # Back to where the request stood before the question.
        if EhcPlan.objects.filter(pupil=request.pupil, status=EhcPlanStatus.DRAFT).exists():
            request.status = RequestStatus.DRAFT_PLAN
        elif request.decided_on is not None:
            request.status = RequestStatus.ASSESSING
        else:
            request.status = RequestStatus.SUBMITTED
        request.status_changed_on = today()
        request.save(update_fields=["status", "status_changed_on", "updated_at"])
        audit(
            actor=replied_by,
            action=AuditAction.SHARE,
            obj=request,
            pupil_id=request.pupil_id,
            summary="Information sent to the local authority",
            detail={"envelope_id": message.id},
        )
    return request


def _store_plan(*, pupil: Pupil | None, case: EhcCase | None, payload: dict, status: str, envelope_id: int) -> EhcPlan:
    known = {key for key, _, _ in PLAN_SECTIONS}
    sections = {key: str(text or "").strip() for key, text in (payload.get("sections") or {}).items() if key in known}
    issued_on = _date(payload, "issued_on") if payload.get("issued_on") else today()
    comments_due = payload.get("comments_due_on")
    made_on = _date(payload, "plan_made_on") if payload.get("plan_made_on") else None
    earlier = EhcPlan.objects.filter(pupil=pupil) if pupil is not None else EhcPlan.objects.filter(case=case)
    version = (earlier.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    if status == EhcPlanStatus.FINAL:
        earlier.filter(status__in=[EhcPlanStatus.DRAFT, EhcPlanStatus.FINAL]).update(status=EhcPlanStatus.SUPERSEDED)
    return EhcPlan.objects.create(
        pupil=pupil,
        case=case,
        status=status,
        version=version,
        issued_on=issued_on,
        comments_due_on=_date(payload, "comments_due_on") if comments_due else None,
        plan_made_on=made_on if status == EhcPlanStatus.FINAL else None,
        amended=bool(payload.get("amended")) and status == EhcPlanStatus.FINAL,
        issued_by_name=payload.get("issued_by", ""),
        local_authority_name=payload.get("local_authority", ""),
        envelope_id=envelope_id,
        **{f"section_{key}": sections.get(key, "") for key in known},
    )


def _place_on_ehc_stage(pupil: Pupil, *, plan: EhcPlan, by: Any) -> None:
    stage = current_toolkit().first_stage_for("E")
    current = selectors.current_stage(pupil)
    if current is not None and current.census_code == "E":
        return
    move_on_register(
        pupil,
        stage,
        reason=f"EHC plan issued by {plan.local_authority_name or 'the local authority'} on {long_date(plan.issued_on)}",
        decided_by=by,
        on=min(plan.issued_on, today()),
        notification_method="letter",
    )


def _apply_to_request(request: EhcRequest, opened: OpenedMessage, *, user: Any) -> None:
    payload, message = opened.payload, opened.message
    kind, kind_of_decision = message.kind, payload.get("type", "")
    on = today()
    if kind == MessageKind.INFORMATION_REQUEST:
        request.status = RequestStatus.INFORMATION_REQUESTED
        request.la_question = str(payload.get("question", ""))
    elif kind == MessageKind.DECISION and kind_of_decision == "assessment_decision":
        agreed = payload.get("decision") == "agree"
        request.status = RequestStatus.ASSESSING if agreed else RequestStatus.NOT_ASSESSING
        request.decided_on = _date(payload, "decided_on")
        request.decision_reasons = str(payload.get("reasons", ""))
    elif kind == MessageKind.DECISION and kind_of_decision == "no_plan":
        request.status = RequestStatus.NO_PLAN
        request.decision_reasons = str(payload.get("reasons", ""))
    elif kind == MessageKind.DRAFT_PLAN:
        _store_plan(pupil=request.pupil, case=None, payload=payload, status=EhcPlanStatus.DRAFT, envelope_id=message.id)
        request.status = RequestStatus.DRAFT_PLAN
    elif kind == MessageKind.FINAL_PLAN:
        plan = _store_plan(
            pupil=request.pupil, case=None, payload=payload, status=EhcPlanStatus.FINAL, envelope_id=message.id
        )
        _place_on_ehc_stage(request.pupil, plan=plan, by=user)
        request.status = RequestStatus.PLAN_ISSUED
    else:
        return
    request.status_changed_on = on


def take_in_local_authority_replies(request: EhcRequest, *, user: Any) -> list[Message]:
    """Open and apply what the LA has sent in the request's thread since last time (each once).

    Opening is audited by the exchange on both sides; the final plan goes into the pupil's record
    and moves them to the EHC plan stage.
    """
    _school_roles(user)
    if request.envelope_id is None:
        return []
    organisation = _organisation()
    exchange = get_exchange()
    applied: list[Message] = []
    with transaction.atomic():
        request = EhcRequest.objects.select_for_update().select_related("pupil").get(pk=request.pk)
        for message in exchange.thread(request.envelope_id, organisation=organisation):
            if (
                message.recipient_id != organisation.pk
                or _applied(request, message)
                or message.state in {"withdrawn", "expired"}
            ):
                continue
            opened = exchange.open(message.id, organisation=organisation, user=user)
            try:
                with transaction.atomic():
                    _apply_to_request(request, opened, user=user)
            except ValidationError as error:
                # A message that cannot be applied is set aside (and kept in the thread), not retried on every view.
                logger.warning("EHC request %s: message %s could not be applied", request.pk, message.id)
                audit(
                    actor=user,
                    action=AuditAction.UPDATE,
                    obj=request,
                    pupil_id=request.pupil_id,
                    summary="A message from the local authority could not be applied",
                    detail={"envelope_id": message.id, "reason": error.messages[0][:200]},
                )
            _acknowledge(opened, organisation=organisation, user=user)
            request.applied_envelope_ids = [*request.applied_envelope_ids, message.id]
            applied.append(message)
        if applied:
            request.save()
            audit(
                actor=user,
                action=AuditAction.UPDATE,
                obj=request,
                pupil_id=request.pupil_id,
                fields=["status"],
                summary=f"Took in {len(applied)} message(s) from the local authority",
                detail={"envelope_ids": [m.id for m in applied]},
            )
    return applied


# --- The LA's case --------------------------------------------------------------------------


def _next_reference(year: int) -> str:
    prefix = f"EHC-{year}-"
    _lock(f"ehc-reference-{year}")
    last = (
        EhcCase.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _child(payload: dict) -> dict[str, Any]:
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
    _casework_roles(opened_by)
    organisation = _organisation()
    existing = EhcCase.objects.filter(request_envelope_id=message_id).first()
    if existing is not None:
        return existing
    exchange = get_exchange()
    # Opened (and the opening audited, or a refusal recorded) before anything else, whatever follows.
    opened = exchange.open(message_id, organisation=organisation, user=opened_by)
    message = opened.message
    if message.kind != MessageKind.EHC_REQUEST or message.recipient_id != organisation.pk:
        raise ValidationError("That message is not an EHC needs assessment request to your authority.")
    with transaction.atomic():
        _lock(f"ehc-request-{message.id}")
        existing = EhcCase.objects.filter(request_envelope_id=message.id).first()
        if existing is not None:
            return existing  # opened by someone else a moment ago
        received_on = _received_on(message)
        case = EhcCase.objects.create(
            reference=_next_reference(received_on.year),
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
            **_child(opened.payload),
        )
        _acknowledge(opened, organisation=organisation, user=opened_by)
        audit(
            actor=opened_by, action=AuditAction.CREATE, obj=case, pupil_id=None, summary=f"Case {case.reference} opened"
        )
    return case


def _locked_case(case: EhcCase) -> EhcCase:
    return EhcCase.objects.select_for_update().get(pk=case.pk)


def allocate_case(case: EhcCase, *, caseworker: Any, allocated_by: Any) -> EhcCase:
    """Give the case to a caseworker (an SEN manager's act); they own its deadlines and reminders."""
    require_allocator(_casework_roles(allocated_by))
    from tenants.selectors import roles_in

    from .permissions import CASEWORK_ROLES

    if caseworker is None or not roles_in(caseworker, _organisation()) & CASEWORK_ROLES:
        raise ValidationError({"caseworker": "Choose a caseworker of this local authority."})
    with transaction.atomic():
        case = _locked_case(case)
        case.caseworker = caseworker
        case.save(update_fields=["caseworker", "updated_at"])
        audit(actor=allocated_by, action=AuditAction.UPDATE, obj=case, pupil_id=None, fields=["caseworker"])
    return case


def _send_to_school(
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
        sender=_organisation(),
        recipient=school,
        kind=kind,
        subject=f"{case.reference}: {payload.get('subject', kind.replace('_', ' '))}",
        payload=payload,
        sent_by=sent_by,
        reply_to_id=reply_to_id or case.request_envelope_id,
    )


def ask_school_for_information(case: EhcCase, *, asked_by: Any, question: str) -> EhcCase:
    """Ask the school for more information, in the request's thread (the clock does not stop)."""
    _casework_roles(asked_by)
    question = require_text(question, "question", "Write what the local authority needs to know.")
    with transaction.atomic():
        case = _locked_case(case)
        if not case.is_open:
            raise ValidationError("This case is closed.")
        if case.school_id is None:
            raise ValidationError("This request came from the family and names no school on Cairn to ask.")
        message = _send_to_school(
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
    _casework_roles(user)
    if case.request_envelope_id is None:
        return []
    organisation = _organisation()
    exchange = get_exchange()
    applied: list[Message] = []
    with transaction.atomic():
        case = _locked_case(case)
        for message in exchange.thread(case.request_envelope_id, organisation=organisation):
            if (
                message.recipient_id != organisation.pk
                or _applied(case, message)
                or message.state in {"withdrawn", "expired"}
            ):
                continue
            opened = exchange.open(message.id, organisation=organisation, user=user)
            replies = case.evidence.setdefault("replies", [])
            replies.append(
                {
                    "received_on": _received_on(message).isoformat(),
                    "answer": str(opened.payload.get("answer", "")),
                    "documents": [{"id": d.id, "title": d.title} for d in opened.documents],
                }
            )
            _acknowledge(opened, organisation=organisation, user=user)
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


def _check_date(on: datetime.date, case: EhcCase, field: str, what: str) -> None:
    if on > today():
        raise ValidationError({field: f"{what} cannot be in the future."})
    if case.received_on and on < case.received_on:
        raise ValidationError({field: f"{what} cannot be before the request arrived ({long_date(case.received_on)})."})


def decide_whether_to_assess(
    case: EhcCase, *, decided_by: Any, agree: bool, reasons: str, on: datetime.date | None = None
) -> EhcCase:
    """Record the decision and send it, with its reasons, to the school."""
    _casework_roles(decided_by)
    on = on or today()
    reasons = require_text(
        reasons, "reasons", "Give the reasons for the decision; the school and the family will read them."
    )
    with transaction.atomic():
        case = _locked_case(case)
        if case.decision_on is not None:
            raise ValidationError("The decision whether to assess has already been made.")
        if case.status not in {CaseStatus.RECEIVED, CaseStatus.INFORMATION_REQUESTED}:
            raise ValidationError("This case is not waiting for a decision.")
        _check_date(on, case, "on", "The decision date")
        case.decision_on = on
        case.decision_reasons = reasons
        case.status = CaseStatus.ASSESSING if agree else CaseStatus.NOT_ASSESSING
        case.save()
        message = _send_to_school(
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
    _casework_roles(requested_by)
    on = on or today()
    check_choice(source, AdviceSource, "source", "who the advice is asked of")
    with transaction.atomic():
        case = _locked_case(case)
        if case.status != CaseStatus.ASSESSING:
            raise ValidationError("Advice is asked for once the LA has agreed to assess.")
        _check_date(on, case, "requested_on", "The date advice was asked for")
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
    _casework_roles(recorded_by)
    on = on or today()
    with transaction.atomic():
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
    _casework_roles(recorded_by)
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
    with transaction.atomic():
        case = _locked_case(case)
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
    _casework_roles(issued_by)
    on = on or today()
    reasons = require_text(
        reasons, "reasons", "Give the reasons no plan will be made, and how the school can meet the needs."
    )
    with transaction.atomic():
        case = _locked_case(case)
        if case.status != CaseStatus.ASSESSING:
            raise ValidationError("A no-plan notice follows an assessment, before any draft plan.")
        _check_date(on, case, "on", "The notice date")
        case.status = CaseStatus.NO_PLAN
        case.no_plan_on = on
        case.save()
        message = _send_to_school(
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


def save_plan_draft(
    case: EhcCase, *, written_by: Any, sections: dict[str, str], seen_version: str | None = None
) -> EhcPlan:
    """Write (or rewrite) the plan the LA is working on, before it is issued as a draft or final plan.

    `seen_version` is the plan's version when the editor was drawn: the editor posts every section, so
    a save from a page drawn before a colleague's save is refused rather than reverting their sections.
    """
    _casework_roles(written_by)
    cleaned = _clean_sections(sections)
    with transaction.atomic():
        case = _locked_case(case)
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
        "local_authority": _organisation().name,
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


def _send_plan(
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
    message = _send_to_school(case, kind=kind, payload=payload, sent_by=issued_by, reply_to_id=reply_to_id)
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


def _require_sections(texts: dict[str, str], required: frozenset[str], what: str) -> None:
    empty = [letter for key, letter, _ in PLAN_SECTIONS if key in required and not texts.get(key)]
    if empty:
        raise ValidationError({"sections": f"Write section {empty[0]} before issuing the {what}."})


def issue_draft_plan(case: EhcCase, *, issued_by: Any, on: datetime.date | None = None) -> EhcPlan:
    """Issue the plan as a draft: the family has 15 days to comment and to ask for a school to be named."""
    _casework_roles(issued_by)
    on = on or today()
    with transaction.atomic():
        case = _locked_case(case)
        if case.status != CaseStatus.ASSESSING:
            raise ValidationError("A draft plan is issued once the assessment is under way, and only once.")
        _check_date(on, case, "on", "The issue date")
        plan = _unissued_plan(case)
        # A draft names no placement yet (section I): the family says which school they would like.
        _require_sections(plan.section_texts(), REQUIRED_SECTIONS - {"i"}, "draft")
        plan.issued_on = on
        plan.issued_by = issued_by
        # Reg 13(1): 15 days beginning with the day served, so the last day is day + 14.
        plan.comments_due_on = clock.representations_end(on)
        plan.save()
        case.status = CaseStatus.DRAFT_ISSUED
        case.draft_issued_on = on
        case.save()
        _send_plan(case, plan, kind=MessageKind.DRAFT_PLAN, issued_by=issued_by, on=on, summary="Draft EHC plan issued")
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
    _casework_roles(issued_by)
    on = on or today()
    with transaction.atomic():
        case = _locked_case(case)
        if case.status != CaseStatus.DRAFT_ISSUED:
            raise ValidationError("A final plan follows a draft plan.")
        _check_date(on, case, "on", "The issue date")
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
            texts.update(_clean_sections(sections))
        _require_sections(texts, REQUIRED_SECTIONS, "final plan")
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
        _send_plan(case, plan, kind=MessageKind.FINAL_PLAN, issued_by=issued_by, on=on, summary="Final EHC plan issued")
    return plan


# --- Annual reviews -------------------------------------------------------------------------


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
    _school_roles(planned_by)
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
    with transaction.atomic():
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
    _school_roles(recorded_by)
    check_choice(recommendation, ReviewRecommendation, "recommendation", "what the review recommends")
    progress = require_text(progress, "progress", "Describe the progress towards the plan's outcomes.")
    if recommendation == ReviewRecommendation.AMEND and not (recommended_changes or "").strip():
        raise ValidationError({"recommended_changes": "Say which sections should change and how."})
    preparing_for_adulthood = (preparing_for_adulthood or "").strip()
    if reviews.covers_preparing_for_adulthood(review.pupil.nc_year) and not preparing_for_adulthood:
        raise ValidationError({"preparing_for_adulthood": PFA_MESSAGE})
    with transaction.atomic():
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
    _school_roles(sent_by)
    organisation = _organisation()
    if organisation.local_authority is None:
        raise ValidationError("Your school has no local authority on Cairn to send the review to.")
    with transaction.atomic():
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
    _school_roles(user)
    if review.envelope_id is None:
        return False
    organisation = _organisation()
    exchange = get_exchange()
    changed = False
    with transaction.atomic():
        review = AnnualReview.objects.select_for_update().select_related("pupil").get(pk=review.pk)
        for message in exchange.thread(review.envelope_id, organisation=organisation):
            if (
                message.recipient_id != organisation.pk
                or _applied(review, message)
                or message.state in {"withdrawn", "expired"}
            ):
                continue
            opened = exchange.open(message.id, organisation=organisation, user=user)
            if message.kind == MessageKind.DECISION and opened.payload.get("type") == "annual_review_decision":
                decision = opened.payload.get("decision", "")
                review.la_decision = decision if decision in ReviewRecommendation.values else ""
                review.la_decided_on = _date(opened.payload, "decided_on")
                review.la_reasons = str(opened.payload.get("reasons", ""))
                review.la_proposed_amendments = str(opened.payload.get("proposed_amendments", ""))
                review.status = AnnualReviewStatus.DECIDED
                if review.la_decision == ReviewRecommendation.CEASE and review.plan_id:
                    EhcPlan.objects.filter(pk=review.plan_id).update(status=EhcPlanStatus.CEASED)
            elif message.kind == MessageKind.FINAL_PLAN:
                made_on = review.plan.plan_made_on or review.plan.issued_on if review.plan_id else None
                _store_plan(
                    pupil=review.pupil,
                    case=None,
                    payload={"plan_made_on": made_on.isoformat() if made_on else "", **opened.payload, "amended": True},
                    status=EhcPlanStatus.FINAL,
                    envelope_id=message.id,
                )
            _acknowledge(opened, organisation=organisation, user=user)
            review.applied_envelope_ids = [*review.applied_envelope_ids, message.id]
            changed = True
        if changed:
            review.save()
            audit(actor=user, action=AuditAction.UPDATE, obj=review, pupil_id=review.pupil_id, fields=["la_decision"])
    return changed


def receive_annual_review(message_id: int, *, received_by: Any) -> CaseAnnualReview:
    """Open a school's annual review report and file it with the child's case (made here if there is none)."""
    _casework_roles(received_by)
    existing = CaseAnnualReview.objects.filter(envelope_id=message_id).first()
    if existing is not None:
        return existing
    organisation = _organisation()
    exchange = get_exchange()
    opened = exchange.open(message_id, organisation=organisation, user=received_by)
    message, payload = opened.message, opened.payload
    if message.kind != MessageKind.ANNUAL_REVIEW or message.recipient_id != organisation.pk:
        raise ValidationError("That message is not an annual review sent to your authority.")
    with transaction.atomic():
        _lock(f"ehc-annual-review-{message.id}")
        existing = CaseAnnualReview.objects.filter(envelope_id=message.id).first()
        if existing is not None:
            return existing
        case = selectors.case_for_pupil(message.sender_id, message.sender_pupil_id or 0)
        if case is None:
            # A plan made before the LA used Cairn: the case record starts with this review.
            case = EhcCase.objects.create(
                reference=_next_reference(_received_on(message).year),
                school_id=message.sender_id,
                school_name=message.sender_name,
                school_pupil_id=message.sender_pupil_id or 0,
                status=CaseStatus.PLAN_ISSUED,
                **_child(payload),
            )
        review = CaseAnnualReview.objects.create(
            case=case,
            envelope_id=message.id,
            meeting_on=_date(payload, "meeting_on"),
            received_on=_received_on(message),
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
        _acknowledge(opened, organisation=organisation, user=received_by)
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
    _casework_roles(decided_by)
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
    with transaction.atomic():
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
        message = _send_to_school(
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
    _casework_roles(issued_by)
    on = on or today()
    texts = _clean_sections(sections)
    _require_sections(texts, REQUIRED_SECTIONS, "amended plan")
    with transaction.atomic():
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
        _send_plan(
            case,
            plan,
            kind=MessageKind.FINAL_PLAN,
            issued_by=issued_by,
            on=on,
            summary="Amended EHC plan issued",
            reply_to_id=review.envelope_id,
        )
    return plan
