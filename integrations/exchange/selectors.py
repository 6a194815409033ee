"""Reads of the exchange shared by the pages and the API.

The lists decrypt nothing; `reveal_envelopes` and `reveal_documents` open the sealed subjects and
names for the organisation reading, in memory only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from tenants.models import Organisation

from .models import CLOSED_TO_RECIPIENT, Envelope, EnvelopeDocument

LIST_FIELDS = (
    "id",
    "kind",
    "subject",
    "subject_sealed",
    "reference",
    "wrapped_key_sender",
    "wrapped_key_recipient",
    "state",
    "sender__id",
    "sender__name",
    "recipient__id",
    "recipient__name",
    "sent_at",
    "delivered_at",
    "opened_at",
    "acknowledged_at",
    "withdrawn_at",
    "expired_at",
    "expires_at",
    "reply_to_id",
    "thread_root_id",
    "sender_id",
    "recipient_id",
)


def _listing(queryset: QuerySet[Envelope]) -> QuerySet[Envelope]:
    # The sealed payload and wrapped keys are never needed for a list.
    return (
        queryset.select_related("sender", "recipient")
        .only(*LIST_FIELDS)
        .annotate(document_count=Count("documents"))
        .order_by("-sent_at", "-id")
    )


def inbox(organisation: Organisation) -> QuerySet[Envelope]:
    """Envelopes sent to `organisation`, newest first."""
    return _listing(Envelope.objects.filter(recipient=organisation))


def sent_items(organisation: Organisation) -> QuerySet[Envelope]:
    """Envelopes `organisation` has sent, newest first."""
    return _listing(Envelope.objects.filter(sender=organisation))


def envelopes_for(organisation: Organisation, *, box: str = "") -> QuerySet[Envelope]:
    """Envelopes to or from `organisation` (`box` "inbox" or "sent" narrows it)."""
    if box == "inbox":
        return inbox(organisation)
    if box == "sent":
        return sent_items(organisation)
    return _listing(Envelope.objects.filter(Q(sender=organisation) | Q(recipient=organisation)))


def envelope_for(organisation: Organisation, envelope_id: int) -> Envelope:
    """One envelope `organisation` sent or received; `Envelope.DoesNotExist` for any other."""
    return Envelope.objects.select_related("sender", "recipient", "created_by").get(
        Q(sender=organisation) | Q(recipient=organisation), pk=envelope_id
    )


def document_for(organisation: Organisation, document_id: int) -> EnvelopeDocument:
    """One document of an envelope `organisation` sent or received; `DoesNotExist` for any other."""
    return EnvelopeDocument.objects.select_related("envelope__sender", "envelope__recipient").get(
        Q(envelope__sender=organisation) | Q(envelope__recipient=organisation), pk=document_id
    )


def thread_of(envelope: Envelope) -> list[Envelope]:
    """Every envelope in the envelope's thread, oldest first (only ever between its two organisations)."""
    root = envelope.thread_id
    return list(
        Envelope.objects.filter(Q(pk=root) | Q(thread_root_id=root))
        .filter(
            Q(sender_id=envelope.sender_id, recipient_id=envelope.recipient_id)
            | Q(sender_id=envelope.recipient_id, recipient_id=envelope.sender_id)
        )
        .select_related("sender", "recipient")
        .only(*LIST_FIELDS)
        .order_by("sent_at", "id")
    )


def _label(key: str) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(_text(item) for item in value)
    return str(value)


def payload_rows(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The payload as (label, text) pairs for a definition list, in the payload's own order."""
    return [(_label(key), _text(value)) for key, value in payload.items()]


# --- Revealing what was sealed, for the organisation reading ---------------------------------


def reveal_envelopes(envelopes: Iterable[Envelope], organisation: Organisation) -> list[Envelope]:
    """Put each envelope's own subject (opened with `organisation`'s key) in place of the neutral one, in memory."""
    from . import sealing

    revealed = []
    for envelope in envelopes:
        closed = organisation.pk == envelope.recipient_id and envelope.state in CLOSED_TO_RECIPIENT
        if (
            envelope.subject_sealed
            and envelope.is_party(organisation)
            and not closed
            and not getattr(envelope, "_revealed", False)
        ):
            try:
                envelope.subject = sealing.open_subject(
                    envelope.subject_sealed,
                    envelope.wrapped_key_for(organisation),
                    reference=envelope.reference,
                    schema_name=organisation.schema_name,
                )
            except sealing.ExchangeIntegrityError:
                envelope.subject = "(subject damaged)"
            envelope._revealed = True
        revealed.append(envelope)
    return revealed


def reveal_documents(documents: Iterable[EnvelopeDocument], organisation: Organisation) -> list[EnvelopeDocument]:
    """Put each document's own title and file name (opened with `organisation`'s key) in place, in memory."""
    from . import sealing

    revealed = []
    for document in documents:
        if document.names_sealed and not getattr(document, "_revealed", False):
            try:
                names = sealing.open_document_names(
                    document.names_sealed,
                    document.wrapped_key_for(organisation),
                    storage_name=document.storage_name,
                    schema_name=organisation.schema_name,
                )
            except sealing.ExchangeIntegrityError:
                names = {}
            document.title = names.get("title") or document.title
            document.original_filename = names.get("original_filename") or document.original_filename
            document._revealed = True
        revealed.append(document)
    return revealed
