"""The school's acts on an EHC needs assessment request.

Start a request from what the school holds, choose its evidence, submit it (only with consent to
share with the LA and every required item of the toolkit's checklist), answer the LA's questions,
and take in the LA's decisions and plans: the final plan lands in the pupil's record and moves them
to the EHC plan stage.

Everything that goes to the LA goes through the exchange; every act is all-or-nothing and audited.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from send_core.exchange import Message, MessageKind, OpenedMessage, get_exchange
from send_core.models import ConsentScope, Document, Pupil
from send_core.selectors.agencies import consent_on
from send_core.selectors.plans import active_plan
from send_core.selectors.register import current_stage
from send_core.services.base import AuditAction, audit, long_date, require_text, today
from send_core.services.concurrency import check_not_stale
from send_core.services.documents import close_uploads, documents_as_uploads
from send_core.services.register import move_on_register
from send_core.toolkit import current_toolkit

from .. import evidence
from ..models import PLAN_SECTIONS, EhcCase, EhcPlan, EhcPlanStatus, EhcRequest, RequestStatus
from ..permissions import school_roles
from ..threads import acknowledge, date_in, organisation_here, unread_in_thread
from . import selectors

logger = logging.getLogger(__name__)


@transaction.atomic(durable=True)
def start_ehc_request(pupil: Pupil, *, started_by: Any) -> EhcRequest:
    """The pupil's request being prepared, started with the views and evidence the school already holds.

    Two "start" clicks at once both answer with the one draft: the pupil's row is locked first, so
    the second waits and then finds the first's draft.
    """
    school_roles(started_by)
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
    organisation = organisation_here()
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


@transaction.atomic(durable=True)
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
    school_roles(changed_by)
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
    if organisation_here().local_authority is None:
        errors["__all__"] = ["Your school has no local authority on Cairn to send the request to."]
    rows = evidence.evidence_for(request, current_toolkit(), today=on)
    missing = evidence.missing_evidence(rows, request.evidence_keys)
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
    school_roles(submitted_by)
    on = today()
    organisation = organisation_here()
    with transaction.atomic(durable=True):
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
    school_roles(replied_by)
    answer = require_text(answer, "answer", "Write the information the local authority asked for.")
    organisation = organisation_here()
    with transaction.atomic(durable=True):
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


def store_plan(*, pupil: Pupil | None, case: EhcCase | None, payload: dict, status: str, envelope_id: int) -> EhcPlan:
    known = {key for key, _, _ in PLAN_SECTIONS}
    sections = {key: str(text or "").strip() for key, text in (payload.get("sections") or {}).items() if key in known}
    issued_on = date_in(payload, "issued_on") if payload.get("issued_on") else today()
    comments_due = payload.get("comments_due_on")
    made_on = date_in(payload, "plan_made_on") if payload.get("plan_made_on") else None
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
        comments_due_on=date_in(payload, "comments_due_on") if comments_due else None,
        plan_made_on=made_on if status == EhcPlanStatus.FINAL else None,
        amended=bool(payload.get("amended")) and status == EhcPlanStatus.FINAL,
        issued_by_name=payload.get("issued_by", ""),
        local_authority_name=payload.get("local_authority", ""),
        envelope_id=envelope_id,
        **{f"section_{key}": sections.get(key, "") for key in known},
    )


def _place_on_ehc_stage(pupil: Pupil, *, plan: EhcPlan, by: Any) -> None:
    stage = current_toolkit().first_stage_for("E")
    current = current_stage(pupil)
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
        request.decided_on = date_in(payload, "decided_on")
        request.decision_reasons = str(payload.get("reasons", ""))
    elif kind == MessageKind.DECISION and kind_of_decision == "no_plan":
        request.status = RequestStatus.NO_PLAN
        request.decision_reasons = str(payload.get("reasons", ""))
    elif kind == MessageKind.DRAFT_PLAN:
        store_plan(pupil=request.pupil, case=None, payload=payload, status=EhcPlanStatus.DRAFT, envelope_id=message.id)
        request.status = RequestStatus.DRAFT_PLAN
    elif kind == MessageKind.FINAL_PLAN:
        plan = store_plan(
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
    school_roles(user)
    if request.envelope_id is None:
        return []
    organisation = organisation_here()
    exchange = get_exchange()
    applied: list[Message] = []
    with transaction.atomic(durable=True):
        request = EhcRequest.objects.select_for_update().select_related("pupil").get(pk=request.pk)
        for message in unread_in_thread(request.envelope_id, request.applied_envelope_ids, organisation=organisation):
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
            acknowledge(opened, organisation=organisation, user=user)
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
