"""Sessions end together: each carries the person's sign-out epoch from when it started."""

from __future__ import annotations

from django.contrib.auth import logout
from django.db.models import F
from django.http import HttpRequest

SESSION_EPOCH_KEY = "cairn_epoch"


def stamp_session(sender, request: HttpRequest, user, **kwargs) -> None:
    """On every sign-in (including the hand-off to an organisation's address)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_EPOCH_KEY] = user.session_epoch


def session_is_current(request: HttpRequest) -> bool:
    return request.session.get(SESSION_EPOCH_KEY) == request.user.session_epoch


def sign_out_everywhere(request: HttpRequest) -> None:
    """End this session and every other session the person has, on every address."""
    from .models import User

    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(session_epoch=F("session_epoch") + 1)
    logout(request)
