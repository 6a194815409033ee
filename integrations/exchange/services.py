"""Acts on the exchange: sending, delivering, opening, acknowledging, withdrawing, expiring, reading.

Each act checks who is asking first, is all-or-nothing, and is recorded in both organisations'
audit trails (ids and kinds only: never a subject, a payload value or a file name). Nothing
crosses from one organisation to another except through these functions.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django_tenants.utils import get_public_schema_name, schema_context
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_cross_organisation_event, record_event
from send_platform.crypto import DocumentRefused, delete_stored
from send_platform.uploads import document_max_bytes, too_large_message

from send_core.exchange import message_acknowledged
from send_core.services.rewrapping import RewrapCount, rewrap_column
from tenants.models import Organisation, User

from . import sealing
from .models import (
    CLOSED_TO_RECIPIENT,
    OPEN_STATES,
    Envelope,
    EnvelopeDocument,
    EnvelopeKind,
    EnvelopeState,
    in_sentence,
)
from .permissions import REPLY_ONLY_KINDS, ROUTES, require_exchange_member, require_party
from .scanning import get_scanner

logger = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
PAYLOAD_MAX_BYTES = 512 * 1024
MAX_DOCUMENTS = 20
DEFAULT_EXPIRY_DAYS = 60
MAX_EXPIRY_DAYS = 366
SPOOL_IN_MEMORY_BYTES = 1024 * 1024
_READ_BYTES = 64 * 1024

OBJECT_ENVELOPE = "exchange_envelope"
OBJECT_DOCUMENT = "exchange_document"


class EnvelopeUnavailable(ValidationError):
    """The envelope was withdrawn or has expired, so its contents are closed to the recipient."""


@dataclass(frozen=True)
class OpenedEnvelope:
    envelope: Envelope
    payload: dict[str, Any] = field(repr=False)
    payload_version: int
    documents: list[EnvelopeDocument]


# --- Checks --------------------------------------------------------------------------------


def _with_article(label: str) -> str:
    return ("An " if label[:1].upper() in "AEIOU" else "A ") + in_sentence(label)


def _kind_label(kind: str) -> str:
    return in_sentence(EnvelopeKind(kind).label)


def _organisation_kind(organisation: Organisation) -> str:
    return organisation.get_kind_display().lower()


def _check_route(*, sender: Organisation, recipient: Organisation, kind: str, reply_to: Envelope | None) -> None:
    if kind not in EnvelopeKind.values:
        raise ValidationError({"kind": "Choose what kind of envelope this is."})
    label = _kind_label(kind)
    if sender.pk == recipient.pk:
        raise ValidationError({"recipient": "An organisation cannot send an envelope to itself."})
    if not recipient.is_active:
        raise ValidationError({"recipient": f"{recipient.name} is no longer on Cairn."})
    if (sender.kind, recipient.kind) not in ROUTES[kind]:
        routes = " or ".join(
            f"from a {Organisation(kind=s).get_kind_display().lower()} to a "
            f"{Organisation(kind=r).get_kind_display().lower()}"
            for s, r in sorted(ROUTES[kind])
        )
        raise ValidationError(
            {
                "recipient": f"{_with_article(label)} can only go {routes}, not from a "
                f"{_organisation_kind(sender)} to a {_organisation_kind(recipient)}."
            }
        )
    if kind in REPLY_ONLY_KINDS and reply_to is None:
        raise ValidationError(
            {"reply_to": f"{_with_article(label)} is sent in reply to an envelope, within its thread."}
        )
    if reply_to is not None:
        if {sender.pk, recipient.pk} != {reply_to.sender_id, reply_to.recipient_id}:
            raise ValidationError({"reply_to": "A reply goes between the two organisations of its thread."})
        if reply_to.state == EnvelopeState.WITHDRAWN:
            raise ValidationError({"reply_to": "That envelope was withdrawn, so it cannot be replied to."})


def _check_subject(subject: str) -> str:
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": "Enter a subject, such as “EHC request 2026-014”."})
    if len(subject) > 200:
        raise ValidationError({"subject": "The subject must be 200 characters or fewer."})
    return subject


def _check_payload(payload: Any, payload_version: int) -> bytes:
    if not isinstance(payload_version, int) or isinstance(payload_version, bool) or not 1 <= payload_version <= 32767:
        raise ValidationError({"payload_version": "The payload version must be a whole number from 1."})
    if not isinstance(payload, dict) or not all(isinstance(key, str) for key in payload):
        raise ValidationError({"payload": "The payload must be a set of named fields."})
    try:
        plaintext = sealing.encode_payload(payload)
    except (TypeError, ValueError) as error:
        raise ValidationError({"payload": f"The payload cannot be stored as JSON ({error})."}) from None
    if len(plaintext) > PAYLOAD_MAX_BYTES:
        raise ValidationError({"payload": f"The payload is larger than the {PAYLOAD_MAX_BYTES // 1024} KB limit."})
    return plaintext


def _check_expiry(expires_in_days: int | None) -> int:
    days = (
        getattr(settings, "CAIRN_EXCHANGE_EXPIRY_DAYS", DEFAULT_EXPIRY_DAYS)
        if expires_in_days is None
        else expires_in_days
    )
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXPIRY_DAYS:
        raise ValidationError({"expires_in_days": f"An envelope expires after 1 to {MAX_EXPIRY_DAYS} days."})
    return days


def _check_pupil_id(pupil_id: int | None, field_name: str) -> None:
    if pupil_id is not None and (not isinstance(pupil_id, int) or isinstance(pupil_id, bool) or pupil_id <= 0):
        raise ValidationError({field_name: "A pupil reference is a positive whole number."})


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j F Y") if moment else ""


def _closed_message(envelope: Envelope) -> str:
    if envelope.state == EnvelopeState.WITHDRAWN:
        return f"{envelope.sender.name} withdrew this envelope on {_when(envelope.withdrawn_at)}; its contents are no longer available."
    return f"This envelope expired on {_when(envelope.expired_at or envelope.expires_at)}; its contents are no longer available."


# --- Audit ---------------------------------------------------------------------------------


def _audit(
    envelope: Envelope,
    *,
    organisation: Organisation,
    user: User | None,
    action: str,
    summary: str,
    object_type: str = OBJECT_ENVELOPE,
    object_id: Any = None,
    detail: dict | None = None,
) -> None:
    """Record an act on an envelope in both organisations' trails (and the public one).

    The pupil id goes only to the other side's row, in that side's own terms.
    """
    is_sender = organisation.pk == envelope.sender_id
    other = envelope.recipient if is_sender else envelope.sender
    record_cross_organisation_event(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=object_id if object_id is not None else envelope.pk,
        acting_organisation=organisation,
        owning_organisation=other,
        pupil_id=envelope.recipient_pupil_id if is_sender else envelope.sender_pupil_id,
        summary=summary,
        detail={"envelope_id": envelope.pk, "kind": envelope.kind, "state": envelope.state, **(detail or {})},
    )


def record_refused_attempt(
    envelope_id: int, *, organisation: Organisation, user: User | None, what: str = "open"
) -> None:
    """Someone in an organisation that is not a party asked for an envelope: kept in their trail and the sender's.

    The asking organisation's row says only that an envelope id was refused, never whose it is or
    whether it exists (so probing ids teaches nothing); the sender's row names who asked.
    """
    actor = user if getattr(user, "is_authenticated", False) else None
    with schema_context(organisation.schema_name):
        record_event(
            actor=actor,
            action=AuditAction.DENIED,
            object_type=OBJECT_ENVELOPE,
            object_id=envelope_id,
            acting_organisation=organisation,
            summary=f"Refused: no envelope {envelope_id} for {organisation.name} ({what})",
        )
    envelope = Envelope.objects.select_related("sender").filter(pk=envelope_id).first()
    if envelope is None or envelope.is_party(organisation):
        return
    with schema_context(envelope.sender.schema_name):
        record_event(
            actor=actor,
            action=AuditAction.DENIED,
            object_type=OBJECT_ENVELOPE,
            object_id=envelope.pk,
            acting_organisation=organisation,
            summary=f"Refused: {organisation.name} asked for envelope {envelope.pk} ({what})",
            detail={"envelope_id": envelope.pk},
        )


def _require_party(envelope: Envelope, organisation: Organisation, user: User | None, what: str) -> None:
    if not envelope.is_party(organisation):
        record_refused_attempt(envelope.pk, organisation=organisation, user=user, what=what)
        require_party(envelope, organisation)


def _pupil_id_on(envelope: Envelope, organisation: Organisation) -> int | None:
    """The envelope's pupil reference in `organisation`'s own terms."""
    return envelope.sender_pupil_id if organisation.pk == envelope.sender_id else envelope.recipient_pupil_id


def _locked(envelope: Envelope) -> Envelope:
    return Envelope.objects.select_for_update(of=("self",)).select_related("sender", "recipient").get(pk=envelope.pk)


# --- Sending -------------------------------------------------------------------------------


@contextlib.contextmanager
def _spooled(fileobj: BinaryIO, *, filename: str, max_bytes: int) -> Iterator[BinaryIO]:
    """The upload (from its current position) copied into a temporary file, refused once too large."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        size = 0
        while piece := fileobj.read(_READ_BYTES):
            if isinstance(piece, str):
                raise ValidationError({"documents": f"{filename}: the file must be read as bytes."})
            size += len(piece)
            if size > max_bytes:
                raise ValidationError({"documents": f"{filename}: {too_large_message(max_bytes)}."})
            spool.write(piece)
        spool.seek(0)
        yield spool


def _store_document(
    title: str, fileobj: BinaryIO, *, sender: Organisation, recipient: Organisation, stored: list[str], number: int = 1
) -> EnvelopeDocument:
    filename = PurePath(str(getattr(fileobj, "name", "") or "")).name[:255] or "document"
    title = (title or "").strip() or filename
    if len(title) > 200:
        raise ValidationError({"documents": f"{filename}: the title must be 200 characters or fewer."})
    max_bytes = document_max_bytes()
    with _spooled(fileobj, filename=filename, max_bytes=max_bytes) as spool:
        result = get_scanner().scan(spool)
        if not result.accepted:
            raise ValidationError({"documents": f"{filename}: {result.reason}"})
        spool.seek(0)
        try:
            blob = sealing.store_document(
                spool,
                sender_schema=sender.schema_name,
                recipient_schema=recipient.schema_name,
                max_bytes=max_bytes,
                title=title,
                original_filename=filename,
            )
        except DocumentRefused as error:
            raise ValidationError({"documents": f"{filename}: {error}"}) from None
    stored.append(blob.storage_name)
    # The clear columns say only which document it is and its type; the names themselves are sealed.
    return EnvelopeDocument(
        title=f"Document {number}",
        original_filename=f"document-{number}{PurePath(filename).suffix.lower()[:10]}",
        names_sealed=blob.names_sealed,
        content_type=blob.content_type,
        size=blob.size,
        sha256=blob.sha256,
        storage_name=blob.storage_name,
        wrapped_key_sender=blob.wrapped_key_sender,
        wrapped_key_recipient=blob.wrapped_key_recipient,
        scan_status=result.status,
        scan_detail=result.reason[:255],
        scanned_by=result.scanner[:100],
    )


def send_envelope(
    *,
    sender: Organisation,
    recipient: Organisation,
    kind: str,
    subject: str,
    payload: dict[str, Any],
    sent_by: User,
    documents: Sequence[tuple[str, BinaryIO]] = (),
    reply_to: Envelope | None = None,
    expires_in_days: int | None = None,
    sender_pupil_id: int | None = None,
    payload_version: int = PAYLOAD_VERSION,
) -> Envelope:
    """Send an envelope with its payload and documents, or (if anything is refused) nothing at all.

    Documents are size-limited, type-checked and scanned before any of them is stored; a refused
    document raises `ValidationError` and leaves no envelope row and no stored file behind.
    """
    require_exchange_member(sent_by, sender)
    _check_route(sender=sender, recipient=recipient, kind=kind, reply_to=reply_to)
    subject = _check_subject(subject)
    plaintext = _check_payload(payload, payload_version)
    days = _check_expiry(expires_in_days)
    _check_pupil_id(sender_pupil_id, "sender_pupil_id")
    documents = list(documents)
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": f"An envelope can carry at most {MAX_DOCUMENTS} documents."})

    stored: list[str] = []
    try:
        with transaction.atomic():
            thread_root_id = recipient_pupil_id = None
            if reply_to is not None:
                reply_to = _locked(reply_to)
                _check_route(sender=sender, recipient=recipient, kind=kind, reply_to=reply_to)
                thread_root_id = reply_to.thread_id
                # A reply concerns the same child: each side keeps its own pupil reference.
                if sender_pupil_id is None:
                    sender_pupil_id = _pupil_id_on(reply_to, sender)
                recipient_pupil_id = _pupil_id_on(reply_to, recipient)
            rows = [
                _store_document(title, fileobj, sender=sender, recipient=recipient, stored=stored, number=number)
                for number, (title, fileobj) in enumerate(documents, start=1)
            ]
            now = timezone.now()
            envelope = Envelope(
                sender=sender,
                recipient=recipient,
                kind=kind,
                subject=EnvelopeKind(kind).label,
                reply_to=reply_to,
                thread_root_id=thread_root_id,
                payload_version=payload_version,
                sender_pupil_id=sender_pupil_id,
                recipient_pupil_id=recipient_pupil_id,
                state=EnvelopeState.SENT,
                created_by=sent_by,
                sent_at=now,
                expires_at=now + timedelta(days=days),
            )
            sealed = sealing.seal_payload(
                plaintext,
                reference=envelope.reference,
                payload_version=payload_version,
                sender_schema=sender.schema_name,
                recipient_schema=recipient.schema_name,
                subject=subject,
            )
            envelope.payload_sealed = sealed.sealed
            envelope.subject_sealed = sealed.subject_sealed
            envelope.wrapped_key_sender = sealed.wrapped_key_sender
            envelope.wrapped_key_recipient = sealed.wrapped_key_recipient
            envelope.save()
            for row in rows:
                row.envelope = envelope
            EnvelopeDocument.objects.bulk_create(rows)
            _audit(
                envelope,
                organisation=sender,
                user=sent_by,
                action=AuditAction.SHARE,
                summary=f"Sent {_kind_label(kind)} {envelope.pk} from {sender.name} to {recipient.name}",
                detail={"documents": len(rows)},
            )
    except BaseException:
        for name in stored:
            with contextlib.suppress(Exception):
                delete_stored(name)
        raise
    return envelope


# --- The envelope's life -------------------------------------------------------------------


def mark_delivered(envelope: Envelope, *, organisation: Organisation, now: datetime | None = None) -> Envelope:
    """The envelope has reached the recipient's inbox (sent → delivered; otherwise unchanged)."""
    if organisation.pk != envelope.recipient_id:
        raise PermissionDenied("Only the recipient's inbox receives an envelope.")
    now = now or timezone.now()
    if Envelope.objects.filter(pk=envelope.pk, state=EnvelopeState.SENT).update(
        state=EnvelopeState.DELIVERED, delivered_at=now
    ):
        envelope.state, envelope.delivered_at = EnvelopeState.DELIVERED, now
    return envelope


def deliver_inbox(organisation: Organisation, *, now: datetime | None = None) -> int:
    """Every envelope sent to `organisation` and not yet delivered is now in its inbox."""
    return Envelope.objects.filter(recipient=organisation, state=EnvelopeState.SENT).update(
        state=EnvelopeState.DELIVERED, delivered_at=now or timezone.now()
    )


def open_envelope(envelope: Envelope, *, organisation: Organisation, user: User) -> OpenedEnvelope:
    """The payload and documents, for the sender or the recipient; audited on both sides.

    The recipient's first open moves the envelope from sent or delivered to opened. A withdrawn
    or expired envelope is closed to the recipient (`EnvelopeUnavailable`); a damaged payload
    raises `sealing.ExchangeIntegrityError` and is not shown.
    """
    require_exchange_member(user, organisation)
    _require_party(envelope, organisation, user, "open")
    with transaction.atomic():
        envelope = _locked(envelope)
        is_recipient = organisation.pk == envelope.recipient_id
        if is_recipient and envelope.state in CLOSED_TO_RECIPIENT:
            raise EnvelopeUnavailable(_closed_message(envelope))
        try:
            payload = sealing.open_payload(
                envelope.payload_sealed,
                envelope.wrapped_key_for(organisation),
                reference=envelope.reference,
                payload_version=envelope.payload_version,
                schema_name=organisation.schema_name,
            )
        except sealing.ExchangeIntegrityError:
            logger.warning("Envelope %s failed its integrity check when opened", envelope.pk)
            raise
        if is_recipient and envelope.state in (EnvelopeState.SENT, EnvelopeState.DELIVERED):
            now = timezone.now()
            envelope.state = EnvelopeState.OPENED
            envelope.delivered_at = envelope.delivered_at or now
            envelope.opened_at = now
            envelope.opened_by = user
            envelope.save(update_fields=["state", "delivered_at", "opened_at", "opened_by"])
        _audit(
            envelope,
            organisation=organisation,
            user=user,
            action=AuditAction.VIEW,
            summary=f"Opened {_kind_label(envelope.kind)} {envelope.pk}",
        )
        documents = list(envelope.documents.all())
    from .selectors import reveal_documents, reveal_envelopes

    reveal_envelopes([envelope], organisation)
    return OpenedEnvelope(
        envelope=envelope,
        payload=payload,
        payload_version=envelope.payload_version,
        documents=reveal_documents(documents, organisation),
    )


def acknowledge_envelope(envelope: Envelope, *, organisation: Organisation, user: User) -> Envelope:
    """The recipient confirms it has received what it opened."""
    require_exchange_member(user, organisation)
    require_party(envelope, organisation)
    with transaction.atomic():
        envelope = _locked(envelope)
        if organisation.pk != envelope.recipient_id:
            raise PermissionDenied("Only the recipient can acknowledge an envelope.")
        if envelope.state == EnvelopeState.ACKNOWLEDGED:
            raise ValidationError(f"This envelope was already acknowledged on {_when(envelope.acknowledged_at)}.")
        if envelope.state in CLOSED_TO_RECIPIENT:
            raise EnvelopeUnavailable(_closed_message(envelope))
        if envelope.state != EnvelopeState.OPENED:
            raise ValidationError("Open the envelope before acknowledging it.")
        envelope.state = EnvelopeState.ACKNOWLEDGED
        envelope.acknowledged_at = timezone.now()
        envelope.acknowledged_by = user
        envelope.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        _audit(
            envelope,
            organisation=organisation,
            user=user,
            action=AuditAction.UPDATE,
            summary=f"Acknowledged {_kind_label(envelope.kind)} {envelope.pk}",
        )
        message_acknowledged.send(
            sender=Envelope, message_id=envelope.pk, kind=envelope.kind, organisation=organisation
        )
    return envelope


def withdraw_envelope(envelope: Envelope, *, organisation: Organisation, user: User) -> Envelope:
    """The sender takes an envelope back, as long as the recipient has not acknowledged it."""
    require_exchange_member(user, organisation)
    require_party(envelope, organisation)
    with transaction.atomic():
        envelope = _locked(envelope)
        if organisation.pk != envelope.sender_id:
            raise PermissionDenied("Only the sender can withdraw an envelope.")
        if envelope.state == EnvelopeState.ACKNOWLEDGED:
            raise ValidationError(
                f"{envelope.recipient.name} acknowledged this envelope on {_when(envelope.acknowledged_at)}, "
                "so it can no longer be withdrawn."
            )
        if envelope.state == EnvelopeState.WITHDRAWN:
            raise ValidationError(f"This envelope was already withdrawn on {_when(envelope.withdrawn_at)}.")
        if envelope.state == EnvelopeState.EXPIRED:
            raise ValidationError("This envelope has expired, so there is nothing to withdraw.")
        envelope.state = EnvelopeState.WITHDRAWN
        envelope.withdrawn_at = timezone.now()
        envelope.withdrawn_by = user
        envelope.save(update_fields=["state", "withdrawn_at", "withdrawn_by"])
        _audit(
            envelope,
            organisation=organisation,
            user=user,
            action=AuditAction.UPDATE,
            summary=f"Withdrew {_kind_label(envelope.kind)} {envelope.pk}",
        )
    return envelope


def expire_envelopes(now: datetime | None = None) -> int:
    """Envelopes not acknowledged by their expiry date expire (closed to the recipient). Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Envelope.objects.select_for_update(skip_locked=True)
            .filter(state__in=OPEN_STATES, expires_at__lte=now)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        count = Envelope.objects.filter(pk__in=ids, state__in=OPEN_STATES).update(
            state=EnvelopeState.EXPIRED, expired_at=now
        )
        with schema_context(get_public_schema_name()):
            record_event(
                actor=None,
                action=AuditAction.UPDATE,
                object_type=OBJECT_ENVELOPE,
                summary=f"Expired {count} envelope(s) not acknowledged in time",
                detail={"envelope_ids": ids[:1000]},
            )
    return count


def link_recipient_pupil(envelope: Envelope, *, organisation: Organisation, user: User, pupil_id: int) -> Envelope:
    """Note which of the recipient's own pupils the envelope is about (after importing it)."""
    require_exchange_member(user, organisation)
    require_party(envelope, organisation)
    _check_pupil_id(pupil_id, "recipient_pupil_id")
    if organisation.pk != envelope.recipient_id:
        raise PermissionDenied("Only the recipient links an envelope to one of its own pupils.")
    with transaction.atomic():
        envelope = _locked(envelope)
        envelope.recipient_pupil_id = pupil_id
        envelope.save(update_fields=["recipient_pupil_id"])
        with schema_context(organisation.schema_name):
            record_event(
                actor=user,
                action=AuditAction.UPDATE,
                object_type=OBJECT_ENVELOPE,
                object_id=envelope.pk,
                acting_organisation=organisation,
                pupil_id=pupil_id,
                summary=f"Linked {_kind_label(envelope.kind)} {envelope.pk} to a pupil",
                detail={"envelope_id": envelope.pk},
            )
    return envelope


# --- Documents -----------------------------------------------------------------------------


def read_document(document: EnvelopeDocument, *, organisation: Organisation, user: User) -> Iterator[bytes]:
    """The document's plaintext for the sender or the recipient, checked whole before a byte is returned.

    Raises `sealing.ExchangeIntegrityError` if the stored file, its key or its checksum does not
    match; the read is audited on both sides only once the document has passed that check.
    """
    require_exchange_member(user, organisation)
    document = EnvelopeDocument.objects.select_related("envelope__sender", "envelope__recipient").get(pk=document.pk)
    envelope = document.envelope
    _require_party(envelope, organisation, user, "document")
    if organisation.pk == envelope.recipient_id and envelope.state in CLOSED_TO_RECIPIENT:
        raise EnvelopeUnavailable(_closed_message(envelope))
    wrapped_key = document.wrapped_key_for(organisation)
    try:
        sealing.verify_document(
            document.storage_name, wrapped_key, document.sha256, schema_name=organisation.schema_name
        )
    except sealing.ExchangeIntegrityError:
        logger.warning("Exchange document %s (envelope %s) failed its integrity check", document.pk, envelope.pk)
        raise
    with transaction.atomic():
        _audit(
            envelope,
            organisation=organisation,
            user=user,
            action=AuditAction.DOWNLOAD,
            summary=f"Downloaded a document of {_kind_label(envelope.kind)} {envelope.pk}",
            object_type=OBJECT_DOCUMENT,
            object_id=document.pk,
            detail={"document_id": document.pk},
        )
    return sealing.document_chunks(
        document.storage_name, wrapped_key, document.sha256, schema_name=organisation.schema_name
    )


def sweep_orphan_documents(*, older_than: timedelta = timedelta(days=1), storage=None) -> int:
    """Delete stored exchange files that no envelope document refers to; returns how many.

    A send that succeeds inside a larger transaction which is then rolled back leaves its
    encrypted files behind with no key to them. They are unreadable, but they are removed here
    (only once they are a day old, so a send in progress is never touched).
    """
    from django.core.files.storage import default_storage

    from send_core.services.documents import sweep_unreferenced_files

    removed = sweep_unreferenced_files(
        f"documents/{sealing.EXCHANGE_NAMESPACE}",
        lambda names: EnvelopeDocument.objects.filter(storage_name__in=names).values_list("storage_name", flat=True),
        older_than=older_than,
        storage=storage or default_storage,
    )
    if removed:
        logger.info("Removed %s exchange file(s) that no envelope refers to", removed)
    return removed


def rewrap_exchange_keys(organisation: Organisation) -> RewrapCount:
    """Move `organisation`'s copies of envelope and document keys to the current master key.

    Its copies are the sender's side of what it sent and the recipient's side of what it
    received; the other party's copies are re-wrapped when that organisation's turn comes.
    """
    count = RewrapCount()
    schema_name = organisation.schema_name
    with schema_context(get_public_schema_name()):
        for queryset, field_name in (
            (Envelope.objects.filter(sender=organisation), "wrapped_key_sender"),
            (Envelope.objects.filter(recipient=organisation), "wrapped_key_recipient"),
            (EnvelopeDocument.objects.filter(envelope__sender=organisation), "wrapped_key_sender"),
            (EnvelopeDocument.objects.filter(envelope__recipient=organisation), "wrapped_key_recipient"),
        ):
            count.add(rewrap_column(queryset, field_name, schema_name))
    return count
