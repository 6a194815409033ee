"""Only an organisation's members get past its front door; nobody else sees its data."""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context
from send_platform.audit.models import AuditEvent

from tenants.handoff import issue_handoff_token


def test_a_member_of_school_a_gets_403_and_no_data_at_school_b(member, client_for, school_a, school_b, in_schema):
    senco_a = member(school_a, "senco")
    member(school_b, "senco", full_name="Beatrice Secretname")
    response = client_for(senco_a, school_b).get("/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You are not a member of Birchwood Primary Academy" in body
    assert "Beatrice Secretname" not in body
    # The refusal is in the refused person's own trail (the public one), never in school B's.
    with schema_context("public"):
        assert AuditEvent.objects.filter(action="denied", actor_id=senco_a.pk).exists()
    with in_schema(school_b):
        assert not AuditEvent.objects.filter(action="denied", actor_id=senco_a.pk).exists()


def test_a_member_sees_their_schools_home_with_its_staff(member, client_for, school_a):
    senco = member(school_a, "senco", full_name="Hannah Fieldfare")
    response = client_for(senco, school_a).get("/")
    assert response.status_code == 200
    assert "Ashgrove Primary School" in response.content.decode()
    assert "Hannah Fieldfare" in response.content.decode()


def test_every_page_of_another_organisation_is_refused(member, client_for, school_a, school_b):
    senco_a = member(school_a, "senco")
    client = client_for(senco_a, school_b)
    for path in ("/", "/staff/", "/no-such-page/"):
        assert client.get(path).status_code == 403, path


def test_signed_out_visitors_are_sent_to_sign_in(school_a):
    response = Client(HTTP_HOST=school_a.get_primary_domain().domain).get("/staff/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.hostname == settings.BASE_DOMAIN and target.path == "/sign-in/"
    assert parse_qs(target.query)["next"] == [f"http://ashgrove.{settings.BASE_DOMAIN}/staff/"]


def test_unknown_hosts_get_a_404_page(db):
    response = Client(HTTP_HOST=f"nowhere.{settings.BASE_DOMAIN}").get("/")
    assert response.status_code == 404
    assert "There is no organisation at this address" in response.content.decode()


def test_la_home_lists_its_schools_and_trusts(member, client_for, la, school_a, school_b):
    manager = member(la, "sen_manager")
    body = client_for(manager, la).get("/").content.decode()
    assert "Ashgrove Primary School" in body and "Birchwood Primary Academy" in body
    assert "Northway Trust" in body


def test_trust_home_lists_only_its_schools(member, client_for, trust, school_a, school_b, secondary):
    lead = member(trust, "send_lead")
    body = client_for(lead, trust).get("/").content.decode()
    assert "Birchwood Primary Academy" in body and "Cedar High School" in body
    assert "Ashgrove Primary School" not in body


def test_home_pages_cost_a_fixed_number_of_queries(member, client_for, la, django_assert_max_num_queries):
    manager = member(la, "sen_manager")
    client = client_for(manager, la)
    with django_assert_max_num_queries(12):
        client.get("/")


class TestHandoff:
    """Signing in once at the base domain carries the person to an organisation's host."""

    def _signed_in_public_client(self, user):
        client = Client(HTTP_HOST=settings.BASE_DOMAIN)
        client.force_login(user)
        return client

    def test_choosing_an_organisation_signs_you_in_there(self, member, school_a):
        senco = member(school_a, "senco")
        go = self._signed_in_public_client(senco).get(f"/organisations/{school_a.slug}/go/")
        assert go.status_code == 302
        target = urlsplit(go["Location"])
        assert target.hostname == f"ashgrove.{settings.BASE_DOMAIN}" and target.path == "/auth/handoff/"
        school_client = Client(HTTP_HOST=target.hostname)
        landed = school_client.get(f"{target.path}?{target.query}")
        assert landed.status_code == 302 and landed["Location"] == "/"
        assert school_client.get("/").status_code == 200

    def test_a_handoff_link_works_once(self, member, school_a):
        senco = member(school_a, "senco")
        token = issue_handoff_token(user_id=senco.pk, organisation_id=school_a.pk, otp_device=None, next_path="/")
        host = f"ashgrove.{settings.BASE_DOMAIN}"
        assert Client(HTTP_HOST=host).get("/auth/handoff/", {"token": token}).status_code == 302
        assert Client(HTTP_HOST=host).get("/auth/handoff/", {"token": token}).status_code == 403

    def test_a_handoff_link_for_one_school_does_not_open_another(self, member, school_a, school_b):
        senco = member(school_a, "senco")
        token = issue_handoff_token(user_id=senco.pk, organisation_id=school_a.pk, otp_device=None, next_path="/")
        response = Client(HTTP_HOST=f"birchwood.{settings.BASE_DOMAIN}").get("/auth/handoff/", {"token": token})
        assert response.status_code == 403

    def test_you_cannot_choose_an_organisation_you_do_not_belong_to(self, member, school_a, school_b):
        senco = member(school_a, "senco")
        response = self._signed_in_public_client(senco).get(f"/organisations/{school_b.slug}/go/")
        assert response.status_code == 403

    def test_a_forged_token_is_refused(self, school_a):
        response = Client(HTTP_HOST=f"ashgrove.{settings.BASE_DOMAIN}").get("/auth/handoff/", {"token": "forged:abc"})
        assert response.status_code == 403


def test_signing_out_of_a_school_signs_out_everywhere(member, school_a):
    senco = member(school_a, "senco")
    base = Client(HTTP_HOST=settings.BASE_DOMAIN)
    base.force_login(senco)
    school = Client(HTTP_HOST=f"ashgrove.{settings.BASE_DOMAIN}")
    school.force_login(senco)
    assert school.get("/").status_code == 200
    school.post("/sign-out/")
    # The base domain's session ended too: nothing signs the person straight back in.
    assert base.get("/organisations/").status_code == 302
    again = base.get("/sign-in/", {"next": f"http://ashgrove.{settings.BASE_DOMAIN}/staff/"})
    assert again.status_code == 200 and "Sign in to Cairn" in again.content.decode()
    assert school.get("/").status_code == 302


def test_the_api_schema_is_for_members_only(member, school_a):
    anonymous = Client(HTTP_HOST=f"ashgrove.{settings.BASE_DOMAIN}")
    assert anonymous.get("/api/schema/").status_code in (401, 403)
