"""Failed sign-ins: which address a client really has, and how long an account then waits.

Behind the documented proxy every request arrives from the proxy's address, so throttling by
`REMOTE_ADDR` throttled everyone together and let anyone lock any account. The client's address is
taken from `X-Forwarded-For` only when the request came from a proxy in `CAIRN_TRUSTED_PROXIES`:
the last hop that is not itself a trusted proxy (hops further left are whatever the client wrote).

Failures count per account, from every address, over the last 15 minutes. At the limit the
account pauses for 1 minute; each further failure after a pause doubles it, up to 15 minutes. A
failure while paused is not counted, so hammering does not lengthen the pause. An attacker can
therefore hold an account's pause only by failing again every time it ends — and even then the
account's owner is not kept out: from an address where the account has signed in before (in the
last 90 days) only that address's own failures count. The second factor still follows the password.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from functools import lru_cache

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(minutes=15)
KNOWN_ADDRESS_FOR = timedelta(days=90)


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.CAIRN_TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str | None:
    """The address of the client: `X-Forwarded-For` is believed only from a trusted proxy."""
    peer = request.META.get("REMOTE_ADDR")
    if not _is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ip = ipaddress.ip_address(hop)
        except ValueError:
            return peer  # not an address: nothing further left can be believed either
        if not _is_trusted_proxy(hop):
            return str(ip)
    return hops[0] if hops else peer


def username_of(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account tried, as stored: `Sally@School.org ` and `sally@school.org` are one account."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or request.POST.get(
        settings.AXES_USERNAME_FORM_FIELD
    )
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def pause_after(failures: int, limit: int) -> timedelta:
    """1 minute at the limit, doubling with each further failure, never over 15 minutes."""
    if failures < limit:
        return timedelta(0)
    doublings = min(failures - limit, 16)  # 2**16 minutes is already far past the cap
    return min(FIRST_PAUSE * 2**doublings, LONGEST_PAUSE)


def is_known_address(username: str, address: str | None, now: datetime) -> bool:
    if not address:
        return False
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=now - KNOWN_ADDRESS_FOR
    ).exists()


class SignInThrottle(AxesDatabaseHandler):
    """django-axes' database handler, counting per account with a capped, growing pause."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        address = getattr(request, "axes_ip_address", None)
        attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - LONGEST_PAUSE)
        if is_known_address(username, address, now):
            attempts = attempts.filter(ip_address=address)
        rows = list(attempts.values_list("failures_since_start", "attempt_time"))
        failures = sum(count for count, _ in rows)
        limit = get_failure_limit(request, credentials)
        if failures >= limit and now - max(at for _, at in rows) >= pause_after(failures, limit):
            return limit - 1  # the pause is over: one more failure pauses again, for longer
        return failures
