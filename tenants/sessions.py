"""Sessions: when a signed-in session may act, on which address, and how they all end together.

`session_refusal` is the one rule every surface applies to a session (pages, REST, the exchange
and CTF APIs, GraphQL, downloads): the middleware calls it for every request, and DRF's session
authentication (`tenants.api.SessionAuthentication`) calls it again, so no view can skip it.
Personal API tokens and reporting keys are other credentials, judged by their own rules.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import DisallowedHost
from django.db.models import F
from django.http import HttpRequest
from django.http.request import split_domain_port

SESSION_EPOCH_KEY = "cairn_epoch"
# The address (host name, without port) the session was issued for.
SESSION_HOST_KEY = "cairn_host"

# Why a session may not act here.
ISSUED_FOR_ANOTHER_ADDRESS = "another-address"
SECOND_FACTOR_NEEDED = "second-factor"

REFUSAL_MESSAGES = {
    ISSUED_FOR_ANOTHER_ADDRESS: "This session was started for another address. Sign in again.",
    SECOND_FACTOR_NEEDED: "Enter the code from your authenticator app first: this session has not passed its second factor.",
}


def request_host(request: HttpRequest) -> str | None:
    """The host name the request came to, or None where there is none (a request built in code)."""
    try:
        host = request.get_host()
    except (KeyError, DisallowedHost):
        return None
    return split_domain_port(host)[0] or None


def stamp_session(sender, request: HttpRequest, user, **kwargs) -> None:
    """On every sign-in (including the hand-off to an organisation's address)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_EPOCH_KEY] = user.session_epoch
        host = request_host(request)
        if host:
            request.session[SESSION_HOST_KEY] = host
        else:
            request.session.pop(SESSION_HOST_KEY, None)


def session_is_current(request: HttpRequest) -> bool:
    return request.session.get(SESSION_EPOCH_KEY) == request.user.session_epoch


def session_is_for_this_host(request: HttpRequest) -> bool:
    """A session is good only on the address it was issued for (sign-in: the base domain; hand-off:
    the organisation's host). A cookie copied to another address is refused."""
    issued_for = request.session.get(SESSION_HOST_KEY)
    if issued_for is None:
        # Every sign-in through a request stamps the host (stamp_session), so only a session made in
        # code, or one from before this rule (gone within SESSION_COOKIE_AGE), has none. Writing a
        # stamp here would cost every such request a session save, so it is let through unbound.
        return True
    return issued_for == request_host(request)


def second_factor_needed(user) -> bool:
    """Required for everyone when CAIRN_REQUIRE_2FA is on; otherwise for anyone with a confirmed device."""
    return settings.CAIRN_REQUIRE_2FA or bool(getattr(user, "has_authenticator", False))


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def session_refusal(request: HttpRequest) -> str | None:
    """Why this request's signed-in session may not act here, or None if it may (or there is none)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    if not session_is_for_this_host(request):
        return ISSUED_FOR_ANOTHER_ADDRESS
    if not is_verified(user) and second_factor_needed(user):
        return SECOND_FACTOR_NEEDED
    return None


def session_may_act(request: HttpRequest) -> bool:
    return session_refusal(request) is None


def sign_out_everywhere(request: HttpRequest) -> None:
    """End this session and every other session the person has, on every address."""
    from .models import User

    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(session_epoch=F("session_epoch") + 1)
    logout(request)
