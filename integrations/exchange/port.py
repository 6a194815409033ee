"""The exchange, offered to send_core through its `Exchange` interface (send_core.exchange)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError

from send_core.exchange import Message, MessageDocument, OpenedMessage

from . import links, selectors, services
from .models import OPEN_STATES, Envelope


def describe(envelope: Envelope) -> Message:
    return Message(
        id=envelope.pk,
        kind=envelope.kind,
        kind_label=envelope.get_kind_display(),
        state=envelope.state,
        state_label=envelope.get_state_display(),
        subject=envelope.subject,
        sender_id=envelope.sender_id,
        sender_name=envelope.sender.name,
        recipient_id=envelope.recipient_id,
        recipient_name=envelope.recipient.name,
        sent_at=envelope.sent_at,
        opened_at=envelope.opened_at,
        reply_to_id=envelope.reply_to_id,
        thread_id=envelope.thread_id,
        sender_pupil_id=envelope.sender_pupil_id,
        recipient_pupil_id=envelope.recipient_pupil_id,
    )


def _described(envelope: Envelope, organisation: Any) -> Message:
    """An envelope the services just returned (sender and recipient loaded), as `organisation` reads it."""
    return describe(selectors.reveal_envelopes([envelope], organisation)[0])


class EnvelopeExchange:
    """send_core's exchange: each call goes through the exchange's own services and checks."""

    def _envelope(self, organisation: Any, message_id: int, user: Any = None) -> Envelope:
        try:
            return selectors.envelope_for(organisation, message_id)
        except Envelope.DoesNotExist:
            services.record_refused_attempt(message_id, organisation=organisation, user=user)
            raise ValidationError("There is no such message for your organisation.") from None

    def send(
        self,
        *,
        sender: Any,
        recipient: Any,
        kind: str,
        subject: str,
        payload: dict[str, Any],
        sent_by: Any,
        documents: Sequence[tuple[str, BinaryIO]] = (),
        reply_to_id: int | None = None,
        sender_pupil_id: int | None = None,
    ) -> Message:
        reply_to = self._envelope(sender, reply_to_id) if reply_to_id is not None else None
        envelope = services.send_envelope(
            sender=sender,
            recipient=recipient,
            kind=kind,
            subject=subject,
            payload=payload,
            sent_by=sent_by,
            documents=documents,
            reply_to=reply_to,
            sender_pupil_id=sender_pupil_id,
        )
        return _described(envelope, sender)

    def open(self, message_id: int, *, organisation: Any, user: Any) -> OpenedMessage:
        opened = services.open_envelope(
            self._envelope(organisation, message_id, user), organisation=organisation, user=user
        )
        return OpenedMessage(
            message=_described(opened.envelope, organisation),
            payload=opened.payload,
            documents=[
                MessageDocument(
                    id=document.pk,
                    title=document.title,
                    content_type=document.content_type,
                    size=document.size,
                    link=links.document_link(document, user, organisation),
                )
                for document in opened.documents
            ],
        )

    def received(self, organisation: Any, *, kinds: Sequence[str], open_only: bool = False) -> list[Message]:
        envelopes = selectors.inbox(organisation).filter(kind__in=list(kinds))
        if open_only:
            envelopes = envelopes.filter(state__in=list(OPEN_STATES))
        return [describe(envelope) for envelope in selectors.reveal_envelopes(envelopes, organisation)]

    def deliver(self, organisation: Any) -> int:
        return services.deliver_inbox(organisation)

    def thread(self, message_id: int, *, organisation: Any, user: Any = None) -> list[Message]:
        thread = selectors.thread_of(self._envelope(organisation, message_id, user))
        return [describe(envelope) for envelope in selectors.reveal_envelopes(thread, organisation)]

    def link_recipient_pupil(self, message_id: int, *, organisation: Any, user: Any, pupil_id: int) -> Message:
        envelope = services.link_recipient_pupil(
            self._envelope(organisation, message_id, user), organisation=organisation, user=user, pupil_id=pupil_id
        )
        return _described(envelope, organisation)

    def acknowledge(self, message_id: int, *, organisation: Any, user: Any) -> Message:
        envelope = services.acknowledge_envelope(
            self._envelope(organisation, message_id, user), organisation=organisation, user=user
        )
        return _described(envelope, organisation)
