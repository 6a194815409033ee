"""Signing in once: a short-lived, single-use token carries a signed-in person from the base
domain to an organisation's sub-domain, where it starts a session of that host's own.

Cookies are never shared across sub-domains, so one organisation's pages never see another's
session.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django_tenants.utils import get_public_schema_name, schema_context

HANDOFF_SALT = "cairn.handoff"


def issue_handoff_token(*, user_id: int, organisation_id: int, otp_device: str | None, next_path: str) -> str:
    payload = {
        "u": user_id,
        "o": organisation_id,
        "d": otp_device,
        "n": secrets.token_urlsafe(16),
        "p": next_path if next_path.startswith("/") and not next_path.startswith("//") else "/",
    }
    return signing.dumps(payload, salt=HANDOFF_SALT)


def redeem_handoff_token(token: str, *, organisation_id: int) -> dict:
    """Check a token once; PermissionDenied if forged, stale, reused or for another organisation."""
    try:
        payload = signing.loads(token, salt=HANDOFF_SALT, max_age=settings.CAIRN_HANDOFF_MAX_AGE.total_seconds())
    except signing.BadSignature:
        raise PermissionDenied("This sign-in link is not valid or has expired.") from None
    if payload.get("o") != organisation_id:
        raise PermissionDenied("This sign-in link is for another organisation.")
    # Single use: the nonce is remembered (in the public key space) for as long as the token lives.
    with schema_context(get_public_schema_name()):
        if not cache.add(f"handoff:{payload['n']}", 1, timeout=settings.CAIRN_HANDOFF_MAX_AGE.total_seconds() + 5):
            raise PermissionDenied("This sign-in link has already been used.")
    return payload
