"""How the SEND records reach another organisation: the exchange, as send_core sees it.

send_core depends on no integration, yet an EHC request, a local authority's decision or a
transition file must travel between organisations, and only the secure exchange may carry them.
So send_core states here what it needs from an exchange (`Exchange`), and the exchange registers
itself at start-up (`register_exchange`). Everything crossing this boundary is plain, read-only
data: messages are described, never handed over as rows that could be saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from django.dispatch import Signal


class MessageKind:
    """The kinds of message the exchange carries (the same words as its envelopes)."""

    EHC_REQUEST = "ehc_request"
    INFORMATION_REQUEST = "information_request"
    DECISION = "decision"
    DRAFT_PLAN = "draft_plan"
    FINAL_PLAN = "final_plan"
    ANNUAL_REVIEW = "annual_review"
    TRANSITION_FILE = "transition_file"


@dataclass(frozen=True)
class Message:
    """One envelope: who sent it to whom, what kind, when, in which thread, about which pupil."""

    id: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    subject: str
    sender_id: int
    sender_name: str
    recipient_id: int
    recipient_name: str
    sent_at: datetime.datetime
    opened_at: datetime.datetime | None
    reply_to_id: int | None
    thread_id: int
    # The child, as an id in each organisation's own schema.
    sender_pupil_id: int | None
    recipient_pupil_id: int | None


@dataclass(frozen=True)
class MessageDocument:
    id: int
    title: str
    content_type: str
    size: int
    # A short-lived download link for the person who opened the message.
    link: str


@dataclass(frozen=True)
class OpenedMessage:
    message: Message
    payload: dict[str, Any] = field(repr=False)
    documents: list[MessageDocument]


class Exchange(Protocol):
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
        """Send, all or nothing; refused input raises ValidationError naming the field."""

    def open(self, message_id: int, *, organisation: Any, user: Any) -> OpenedMessage:
        """The payload and documents, for the sender or recipient only; audited on both sides."""

    def received(self, organisation: Any, *, kinds: Sequence[str], open_only: bool = False) -> list[Message]:
        """Messages of these kinds sent to the organisation, newest first (no contents); `open_only`: not yet acknowledged.

        A read: nothing is marked delivered (`deliver` is the act that does)."""

    def deliver(self, organisation: Any) -> int:
        """Mark everything sent to the organisation and not yet delivered as delivered; how many."""

    def thread(self, message_id: int, *, organisation: Any, user: Any = None) -> list[Message]:
        """Every message in the thread of `message_id`, oldest first, if the organisation is a party."""

    def link_recipient_pupil(self, message_id: int, *, organisation: Any, user: Any, pupil_id: int) -> Message:
        """Note which of the recipient's own pupils the message is about."""

    def acknowledge(self, message_id: int, *, organisation: Any, user: Any) -> Message:
        """The recipient confirms it has what it opened."""


# Sent by the exchange when a recipient acknowledges a message: `message_id`, `kind`, `organisation`.
# (So a record that went out as a message — a transition file — can show it has arrived, however
# the recipient acknowledged it.)
message_acknowledged = Signal()

_exchange: Exchange | None = None


class ExchangeNotInstalled(RuntimeError):
    pass


def register_exchange(exchange: Exchange) -> None:
    global _exchange
    _exchange = exchange


def get_exchange() -> Exchange:
    if _exchange is None:
        raise ExchangeNotInstalled("No exchange is installed, so nothing can be sent to another organisation.")
    return _exchange
