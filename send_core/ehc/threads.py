"""What both sides of EHC work do with the exchange: find their organisation, read a thread without
opening anything, and take a message in once.

A school's request and the LA's case are one thread of messages on the exchange, seen from each end.
Reading the thread (who sent what, when) writes nothing; opening a message is an audited act, done
only by the services that take messages in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from send_core.exchange import Message, OpenedMessage, get_exchange
from send_core.selectors.organisation import current_organisation

# A message its sender took back, or one left unopened too long, is no longer there to take in.
GONE = frozenset({"withdrawn", "expired"})


def organisation_here() -> Any:
    """The school or LA whose schema is active; EHC work happens nowhere else."""
    organisation = current_organisation()
    if organisation is None:
        raise PermissionDenied("EHC work happens inside an organisation.")
    return organisation


def thread(thread_root_id: int | None, *, organisation: Any) -> list[Message]:
    """Every message of the thread, oldest first, described (nothing is opened, nothing is written)."""
    if thread_root_id is None:
        return []
    return get_exchange().thread(thread_root_id, organisation=organisation)


def unread_in_thread(thread_root_id: int | None, applied_ids: Iterable[int], *, organisation: Any) -> list[Message]:
    """Messages to `organisation` in the thread not yet taken in (nothing is opened to find them)."""
    applied = set(applied_ids)
    return [
        message
        for message in thread(thread_root_id, organisation=organisation)
        if message.recipient_id == organisation.pk and message.id not in applied and message.state not in GONE
    ]


def acknowledge(opened: OpenedMessage, *, organisation: Any, user: Any) -> None:
    """Acknowledge what was just opened, unless someone already did (from the exchange's own pages)."""
    if opened.message.recipient_id == organisation.pk and opened.message.state == "opened":
        get_exchange().acknowledge(opened.message.id, organisation=organisation, user=user)


def date_in(payload: dict, key: str) -> datetime.date:
    """A date a message carries; a message without a readable one is refused, naming it."""
    try:
        return datetime.date.fromisoformat(str(payload[key]))
    except (KeyError, ValueError):
        raise ValidationError(f"The message does not give a valid {key.replace('_', ' ')}.") from None
