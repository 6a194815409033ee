"""A session is good only on the address it was issued for: a cookie copied to another
organisation's host (or from the base domain) is refused, ended, and recorded there."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from send_platform.audit.models import AuditEvent

from tests.factories import TEST_PASSWORD, MembershipFactory
from tests.send_core.factories import PupilFactory


def _signed_in_at(organisation, user) -> Client:
    """A browser that signed in at the base domain and was handed over to `organisation`'s host."""
    base = Client(HTTP_HOST=settings.BASE_DOMAIN)
    assert base.post("/sign-in/", {"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    go = base.get(f"/organisations/{organisation.slug}/go/")
    target = urlsplit(go["Location"])
    client = Client(HTTP_HOST=target.hostname)
    assert client.get(f"{target.path}?{target.query}").status_code == 302
    return client


def _replay(cookie_from: Client, host: str) -> Client:
    thief = Client(HTTP_HOST=host)
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie_from.cookies[settings.SESSION_COOKIE_NAME].value
    return thief


def test_a_session_copied_to_another_schools_host_is_refused_and_recorded_there(member, school_a, school_b, in_schema):
    # The person belongs to both schools, so only the binding stands between the cookie and B.
    senco = member(school_a, "senco")
    MembershipFactory(user=senco, organisation=school_b, role="senco")
    with in_schema(school_b):
        PupilFactory(legal_first_name="Birchwoodchild")
    at_a = _signed_in_at(school_a, senco)
    assert at_a.get("/").status_code == 200

    thief = _replay(at_a, school_b.get_primary_domain().domain)
    response = thief.get("/pupils/")
    assert response.status_code == 403
    assert "started for another address" in response.content.decode()
    assert "Birchwoodchild" not in response.content.decode()

    with in_schema(school_b):
        [event] = AuditEvent.objects.filter(action="denied", actor_id=senco.pk, object_type="session")
        assert "another address" in event.summary
        # B's trail does not name where the session came from.
        assert "ashgrove" not in (event.summary + str(event.detail)).lower()
        assert "Ashgrove" not in event.acting_organisation_label
    with in_schema(school_a):
        assert not AuditEvent.objects.filter(action="denied", object_type="session").exists()
    # The stolen session is over, on both addresses.
    assert at_a.get("/")["Location"].startswith(f"http://{settings.BASE_DOMAIN}/sign-in/")


def test_a_replayed_session_gets_a_json_refusal_from_the_api(member, school_a, school_b):
    senco = member(school_a, "senco")
    MembershipFactory(user=senco, organisation=school_b, role="senco")
    at_a = _signed_in_at(school_a, senco)
    response = _replay(at_a, school_b.get_primary_domain().domain).get("/api/v1/pupils/")
    assert response.status_code == 403
    assert "another address" in response.json()["detail"]


def test_a_base_domain_session_is_refused_on_an_organisation_host(member, school_a, in_schema):
    senco = member(school_a, "senco")
    base = Client(HTTP_HOST=settings.BASE_DOMAIN)
    base.post("/sign-in/", {"email": senco.email, "password": TEST_PASSWORD})
    response = _replay(base, school_a.get_primary_domain().domain).get("/")
    assert response.status_code == 403
    with in_schema(school_a):
        assert AuditEvent.objects.filter(action="denied", actor_id=senco.pk, object_type="session").exists()


def test_an_organisation_session_is_refused_on_the_base_domain(member, school_a):
    senco = member(school_a, "senco")
    at_a = _signed_in_at(school_a, senco)
    response = _replay(at_a, settings.BASE_DOMAIN).get("/organisations/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="denied", actor_id=senco.pk, object_type="session").exists()


def test_a_session_keeps_working_where_it_was_issued(member, school_a):
    senco = member(school_a, "senco")
    at_a = _signed_in_at(school_a, senco)
    for path in ("/", "/pupils/", "/api/v1/pupils/"):
        assert at_a.get(path).status_code == 200, path
