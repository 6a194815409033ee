"""Failed sign-ins behind the proxy: the real client's address, a per-account pause that grows to at
most 15 minutes, and an owner who is never kept out from an address they have used before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone
from send_platform.sign_in_limits import client_address, pause_after

from tests.factories import TEST_PASSWORD

PROXY = "10.0.0.5"  # the load balancer, inside the trusted range
OWNER_HOME = "203.0.113.7"  # where the account's owner has signed in before
ATTACKER = "198.51.100.9"
STRANGER = "198.51.100.77"


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings):
    settings.CAIRN_TRUSTED_PROXIES = ["10.0.0.0/8"]


def _request(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# --- Which address -----------------------------------------------------------------------------


def test_behind_a_trusted_proxy_the_client_is_the_last_hop_the_proxy_did_not_add():
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really came from.
    assert client_address(_request(PROXY, f"1.2.3.4, {ATTACKER}")) == ATTACKER
    # Two proxies of ours in a row: the client is the hop before them.
    assert client_address(_request(PROXY, f"{OWNER_HOME}, 10.1.2.3")) == OWNER_HOME


def test_x_forwarded_for_from_anyone_else_is_ignored():
    assert client_address(_request(ATTACKER, OWNER_HOME)) == ATTACKER
    assert client_address(_request(ATTACKER)) == ATTACKER


def test_a_hop_that_is_not_an_address_stops_the_search():
    assert client_address(_request(PROXY, "not-an-address")) == PROXY
    assert client_address(_request(PROXY, "")) == PROXY


def test_with_no_trusted_proxies_the_connecting_address_is_the_client(settings):
    settings.CAIRN_TRUSTED_PROXIES = []
    assert client_address(_request(PROXY, ATTACKER)) == PROXY


def test_a_pause_doubles_from_one_minute_and_stops_at_fifteen():
    # Worked by hand with a limit of 5: 5 failures → 1 min, 6 → 2, 7 → 4, 8 → 8, 9 → 16 capped at 15.
    minutes = [pause_after(n, 5) / timedelta(minutes=1) for n in (4, 5, 6, 7, 8, 9, 30)]
    assert minutes == [0, 1, 2, 4, 8, 15, 15]


# --- Signing in ------------------------------------------------------------------------------------


@pytest.fixture
def owner(member, school_a):
    return member(school_a, "senco", email="sally.senco@example.org")


def _sign_in(client_ip: str, email: str, password: str, *, via_proxy: bool = True, forwarded: str | None = None):
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    extra = {"REMOTE_ADDR": PROXY if via_proxy else client_ip}
    header = forwarded if forwarded is not None else (client_ip if via_proxy else None)
    if header is not None:
        extra["HTTP_X_FORWARDED_FOR"] = header
    return client.post("/sign-in/", {"email": email, "password": password}, **extra)


def _locked(response) -> bool:
    return response.status_code in (403, 429) and "Too many sign-in attempts" in response.content.decode()


def _signed_in(response) -> bool:
    return response.status_code == 302


def _fail(times: int, client_ip: str, email: str, **kwargs) -> None:
    for _ in range(times):
        assert not _signed_in(_sign_in(client_ip, email, "wrong-password", **kwargs))


def _age_failures(email: str, by: timedelta) -> None:
    AccessAttempt.objects.filter(username=email).update(attempt_time=timezone.now() - by)


def test_five_failures_from_anywhere_pause_the_account_for_a_stranger(owner):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(1, f"198.51.100.{n + 20}", owner.email)  # every failure from a different address
    assert _locked(_sign_in(STRANGER, owner.email, TEST_PASSWORD))
    # Another account behind the same proxy is untouched.
    other = _sign_in(STRANGER, "someone.else@example.org", "wrong-password")
    assert other.status_code == 400 and not _locked(other)


def test_the_owner_signs_in_from_an_address_used_before_while_a_stranger_is_paused(owner):
    assert _signed_in(_sign_in(OWNER_HOME, owner.email, TEST_PASSWORD))  # an earlier visit
    _fail(settings.AXES_FAILURE_LIMIT, ATTACKER, owner.email)
    assert _locked(_sign_in(STRANGER, owner.email, TEST_PASSWORD))
    assert _signed_in(_sign_in(OWNER_HOME, owner.email, TEST_PASSWORD))


def test_failures_from_the_owners_own_address_still_pause_it(owner):
    assert _signed_in(_sign_in(OWNER_HOME, owner.email, TEST_PASSWORD))
    _fail(settings.AXES_FAILURE_LIMIT, OWNER_HOME, owner.email)
    assert _locked(_sign_in(OWNER_HOME, owner.email, TEST_PASSWORD))


def test_a_spoofed_forwarded_address_from_an_untrusted_peer_is_ignored(owner):
    assert _signed_in(_sign_in(OWNER_HOME, owner.email, TEST_PASSWORD))
    # Directly connected, claiming to be the owner's address: counted against its real address.
    _fail(settings.AXES_FAILURE_LIMIT, ATTACKER, owner.email, via_proxy=False, forwarded=OWNER_HOME)
    assert set(AccessAttempt.objects.filter(username=owner.email).values_list("ip_address", flat=True)) == {ATTACKER}
    # … so it gets no owner's pass: paused like any stranger.
    assert _locked(_sign_in(ATTACKER, owner.email, TEST_PASSWORD, via_proxy=False, forwarded=OWNER_HOME))
    assert _signed_in(_sign_in(OWNER_HOME, owner.email, TEST_PASSWORD))


def test_the_pause_grows_with_each_failure_after_it_and_ends_by_itself(owner):
    limit = settings.AXES_FAILURE_LIMIT
    _fail(limit, ATTACKER, owner.email)
    assert _locked(_sign_in(STRANGER, owner.email, TEST_PASSWORD))
    _age_failures(owner.email, timedelta(seconds=61))  # 1 minute has passed
    _fail(1, ATTACKER, owner.email)  # one more failure: now 2 minutes
    _age_failures(owner.email, timedelta(seconds=61))
    assert _locked(_sign_in(STRANGER, owner.email, TEST_PASSWORD))
    _age_failures(owner.email, timedelta(seconds=121))
    assert _signed_in(_sign_in(STRANGER, owner.email, TEST_PASSWORD))


def test_however_many_failures_the_pause_is_at_most_fifteen_minutes(owner):
    _fail(settings.AXES_FAILURE_LIMIT, ATTACKER, owner.email)
    AccessAttempt.objects.filter(username=owner.email).update(failures_since_start=500)
    _age_failures(owner.email, timedelta(minutes=14))
    assert _locked(_sign_in(STRANGER, owner.email, TEST_PASSWORD))
    _age_failures(owner.email, timedelta(minutes=15, seconds=1))
    assert _signed_in(_sign_in(STRANGER, owner.email, TEST_PASSWORD))


def test_failures_while_paused_do_not_lengthen_the_pause(owner):
    _fail(settings.AXES_FAILURE_LIMIT, ATTACKER, owner.email)
    _fail(10, ATTACKER, owner.email)  # refused without being counted
    assert sum(AccessAttempt.objects.filter(username=owner.email).values_list("failures_since_start", flat=True)) == 5


def test_changing_the_case_of_the_email_address_does_not_reset_the_count(owner):
    variants = ["Sally.Senco@example.org", " SALLY.SENCO@EXAMPLE.ORG", "sally.senco@Example.org"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(1, ATTACKER, variants[n % len(variants)])
    assert _locked(_sign_in(STRANGER, owner.email, TEST_PASSWORD))


def test_rotating_the_user_agent_does_not_escape_the_count(owner):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client = Client(HTTP_HOST=settings.BASE_DOMAIN, HTTP_USER_AGENT=f"Browser/{n}")
        client.post(
            "/sign-in/", {"email": owner.email, "password": "wrong"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
        )
    assert AccessAttempt.objects.filter(username=owner.email).count() == settings.AXES_FAILURE_LIMIT  # one row each
    assert _locked(_sign_in(STRANGER, owner.email, TEST_PASSWORD))
