"""Signing in once: a single-use ticket carries a signed-in person from the base domain to an
organisation's sub-domain, where it starts a session of that host's own.

The ticket is 256 random bits; only its SHA-256 is stored (public schema), with the person, the
organisation, the device that verified the issuing session and a one-minute expiry. Nothing about
it can be worked out from `SECRET_KEY` or from the ids it names, and it is spent on first use.

Cookies are never shared across sub-domains, so one organisation's pages never see another's
session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import HandoffTicket

INVALID = "This sign-in link is not valid or has expired."


def _hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8", "surrogatepass")).hexdigest()


def _safe_path(next_path: str) -> str:
    # Only a path on the organisation's own host; never another site.
    if next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path[:500]
    return "/"


@dataclass(frozen=True)
class RedeemedTicket:
    user_id: int
    organisation_id: int
    otp_device: str
    next_path: str


@transaction.atomic
def issue_handoff_token(*, user_id: int, organisation_id: int, otp_device: str | None, next_path: str) -> str:
    """A new ticket for this person, organisation and device, good once for CAIRN_HANDOFF_MAX_AGE."""
    now = timezone.now()
    # Spent and stale tickets are of no further use; clearing them here keeps the table small.
    HandoffTicket.objects.filter(expires_at__lt=now - settings.CAIRN_HANDOFF_MAX_AGE).delete()
    ticket = secrets.token_urlsafe(32)
    HandoffTicket.objects.create(
        ticket_hash=_hash(ticket),
        user_id=user_id,
        organisation_id=organisation_id,
        otp_device=otp_device or "",
        next_path=_safe_path(next_path),
        created_at=now,
        expires_at=now + settings.CAIRN_HANDOFF_MAX_AGE,
    )
    return ticket


@transaction.atomic
def redeem_handoff_token(token: str, *, organisation_id: int) -> RedeemedTicket:
    """Spend a ticket once; PermissionDenied if unknown, stale, reused or for another organisation."""
    if not token or len(token) > 100:
        raise PermissionDenied(INVALID)
    ticket = HandoffTicket.objects.select_for_update().filter(ticket_hash=_hash(token)).first()
    if ticket is None or ticket.expires_at <= timezone.now():
        raise PermissionDenied(INVALID)
    if ticket.used_at is not None:
        raise PermissionDenied("This sign-in link has already been used.")
    if ticket.organisation_id != organisation_id:
        raise PermissionDenied("This sign-in link is for another organisation.")
    ticket.used_at = timezone.now()
    ticket.save(update_fields=["used_at"])
    return RedeemedTicket(ticket.user_id, ticket.organisation_id, ticket.otp_device, ticket.next_path)
