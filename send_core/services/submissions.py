"""Creates that never double: a submission's key is claimed in the same transaction as what it makes.

The claim is a row unique per (person, key). A second submission with the same key waits on that
row's unique index until the first commits, then fails to insert and is answered with what the
first made; if the first was refused (a ValidationError rolls its claim back), the second goes
ahead as if it were the first, so a corrected form can be sent again.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Submission

T = TypeVar("T")

# How long a key is remembered: a retry after that makes a new record.
KEPT_FOR = datetime.timedelta(hours=24)
KEY_LENGTH = 128


class KeyReused(Exception):
    """The key was used before for a different page or API path."""


def new_submission_token() -> str:
    """A random token for a create form to carry, once per page drawn."""
    return secrets.token_urlsafe(24)


def submit_once(
    user: Any,
    key: str | None,
    *,
    purpose: str,
    act: Callable[[], T],
    remember: Callable[[T], dict[str, Any] | None],
) -> tuple[T | None, Submission | None]:
    """Run `act` once per (user, key): (what it made, None) the first time, (None, the first's claim) after.

    `remember` says what to keep of the result for repeats (a page address, or an API response);
    None means the act did not succeed (an API 4xx), so nothing is kept and a retry runs again.
    Without a key (a script, an API client that sends none) the act just runs.
    """
    if not key or getattr(user, "pk", None) is None:
        return act(), None
    key = key[:KEY_LENGTH]
    with transaction.atomic(durable=True):
        Submission.objects.filter(user_id=user.pk, created_at__lt=timezone.now() - KEPT_FOR).delete()
        try:
            with transaction.atomic():
                claim = Submission.objects.create(user_id=user.pk, key=key, purpose=purpose[:255])
        except IntegrityError:
            earlier = Submission.objects.get(user_id=user.pk, key=key)
            if earlier.purpose != purpose[:255]:
                raise KeyReused(purpose) from None
            return None, earlier
        result = act()
        kept = remember(result)
        if kept is None:
            transaction.set_rollback(True)
            return result, None
        for name, value in kept.items():
            setattr(claim, name, value)
        claim.save()
        return result, None
