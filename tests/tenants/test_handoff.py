"""Hand-off tickets: random, stored only as a hash, single use, one minute, bound to person,
organisation and device — so knowing SECRET_KEY is not enough to forge one."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.core import signing
from django.test import Client
from django.utils import timezone

from tenants.handoff import issue_handoff_token
from tenants.models import HandoffTicket
from tests.tenants.second_factor import enrol, verify


def _host(organisation) -> str:
    return organisation.get_primary_domain().domain


def test_a_token_forged_with_the_secret_key_is_refused(member, school_a):
    senco = member(school_a, "senco")
    device = enrol(senco)
    # Everything an attacker with SECRET_KEY could predict, signed as the old tokens were.
    forged = signing.dumps(
        {"u": senco.pk, "o": school_a.pk, "d": device.persistent_id, "n": "anything", "p": "/"},
        salt="cairn.handoff",
    )
    client = Client(HTTP_HOST=_host(school_a))
    assert client.get("/auth/handoff/", {"token": forged}).status_code == 403
    assert "_auth_user_id" not in client.session


def test_only_the_hash_of_a_ticket_is_stored(member, school_a):
    senco = member(school_a, "senco")
    ticket = issue_handoff_token(user_id=senco.pk, organisation_id=school_a.pk, otp_device=None, next_path="/")
    stored = HandoffTicket.objects.get(user=senco)
    assert stored.ticket_hash == hashlib.sha256(ticket.encode()).hexdigest()
    assert ticket not in stored.ticket_hash
    assert len(ticket) >= 43  # 256 random bits, URL-safe


def test_a_ticket_older_than_a_minute_is_refused(member, school_a):
    senco = member(school_a, "senco")
    ticket = issue_handoff_token(user_id=senco.pk, organisation_id=school_a.pk, otp_device=None, next_path="/")
    HandoffTicket.objects.filter(user=senco).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client(HTTP_HOST=_host(school_a)).get("/auth/handoff/", {"token": ticket}).status_code == 403


def test_a_ticket_lasts_sixty_seconds(member, school_a):
    senco = member(school_a, "senco")
    before = timezone.now()
    issue_handoff_token(user_id=senco.pk, organisation_id=school_a.pk, otp_device=None, next_path="/")
    stored = HandoffTicket.objects.get(user=senco)
    assert timedelta(seconds=59) <= stored.expires_at - before <= timedelta(seconds=61)


def test_a_verified_session_arrives_verified_with_its_own_device(member, school_a, settings):
    settings.CAIRN_REQUIRE_2FA = True
    senco = member(school_a, "senco")
    base = Client(HTTP_HOST=settings.BASE_DOMAIN)
    base.force_login(senco)
    verify(base, enrol(senco))
    go = base.get(f"/organisations/{school_a.slug}/go/", {"next": "/pupils/"})
    target = urlsplit(go["Location"])
    assert target.hostname == _host(school_a) and "token" in parse_qs(target.query)
    school = Client(HTTP_HOST=target.hostname)
    landed = school.get(f"{target.path}?{target.query}")
    assert landed.status_code == 302 and landed["Location"] == "/pupils/"
    assert school.get("/pupils/").status_code == 200


def test_a_ticket_naming_someone_elses_device_does_not_verify(member, school_a, settings):
    settings.CAIRN_REQUIRE_2FA = True
    senco = member(school_a, "senco")
    other = member(school_a, "teacher")
    enrol(senco)
    ticket = issue_handoff_token(
        user_id=senco.pk, organisation_id=school_a.pk, otp_device=enrol(other).persistent_id, next_path="/"
    )
    school = Client(HTTP_HOST=_host(school_a))
    assert school.get("/auth/handoff/", {"token": ticket}).status_code == 302
    # Signed in, but not past the second factor: the pages send the person to give a code.
    assert "/two-factor/" in school.get("/")["Location"]


def test_next_never_leaves_the_organisations_host(member, school_a):
    senco = member(school_a, "senco")
    for unsafe in ("//evil.example.com/", "https://evil.example.com/", "/\\evil.example.com"):
        ticket = issue_handoff_token(user_id=senco.pk, organisation_id=school_a.pk, otp_device=None, next_path=unsafe)
        landed = Client(HTTP_HOST=_host(school_a)).get("/auth/handoff/", {"token": ticket})
        assert landed["Location"] == "/", unsafe
