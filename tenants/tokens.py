"""Personal REST API tokens, kept only as a SHA-256 of the key.

The key is random (256 bits), so a plain SHA-256 is enough to make the stored value useless to
anyone who copies the table, and lets a request be authenticated with one indexed lookup. The key
itself is returned once, by `issue_api_token`, and never stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event

from .models import ApiToken, User

KEY_PREFIX = "cairn_api_"
# Recording every use would write on every request; a minute's precision is enough to see use.
LAST_USED_PRECISION_SECONDS = 60


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once, never stored


@transaction.atomic
def issue_api_token(*, user: User, name: str = "", issued_by: User | None = None) -> IssuedToken:
    """A new API key for `user`; only its hash is kept, so show the returned key to them now."""
    name = (name or "").strip()
    if len(name) > 100:
        raise ValidationError({"name": "The name must be 100 characters or fewer."})
    if not user.is_active:
        raise ValidationError({"user": "This person's account is not active."})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[: len(KEY_PREFIX) + 4], key_hash=hash_api_key(key))
    record_event(
        actor=issued_by or user,
        action=AuditAction.CREATE,
        object_type="api_token",
        object_id=token.pk,
        summary="API token issued",
        detail={"user_id": user.pk},
    )
    return IssuedToken(token=token, key=key)


@transaction.atomic
def revoke_api_token(token: ApiToken, *, revoked_by: User | None = None) -> None:
    """Delete the token: the key stops working at once."""
    record_event(
        actor=revoked_by,
        action=AuditAction.DELETE,
        object_type="api_token",
        object_id=token.pk,
        summary="API token revoked",
        detail={"user_id": token.user_id},
    )
    token.delete()


def user_for_api_key(key: str) -> tuple[User, ApiToken] | None:
    """The active person whose token this key is, looked up by the key's hash; None otherwise."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_api_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
