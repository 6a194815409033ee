"""Operators list and provision organisations; nobody else can."""

from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_exists

from tenants.models import Organisation
from tests.factories import MembershipFactory, UserFactory


def _operator_client(platform_org):
    operator = UserFactory()
    MembershipFactory(user=operator, organisation=platform_org, role="operator")
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    client.force_login(operator)
    return client


def test_operators_see_every_organisation(platform_org, school_a, la, trust):
    body = _operator_client(platform_org).get("/operator/organisations/").content.decode()
    for name in ("Ashgrove Primary School", "Testshire Council", "Northway Trust", "991/2101"):
        assert name in body


def test_an_operator_provisions_a_school(platform_org, la):
    client = _operator_client(platform_org)
    response = client.post(
        "/operator/organisations/",
        {
            "kind": "school",
            "name": "Hazel Primary",
            "slug": "hazel",
            "urn": "991020",
            "la_code": "991",
            "establishment_number": "2120",
            "phase": "primary",
            "local_authority": la.pk,
            "first_member_email": "senco@hazel.example.org",
        },
    )
    assert response.status_code == 302
    assert schema_exists(Organisation.objects.get(slug="hazel").schema_name)


def test_a_bad_request_re_shows_the_form_with_reasons_and_creates_nothing(platform_org, trust):
    client = _operator_client(platform_org)
    response = client.post(
        "/operator/organisations/",
        {
            "kind": "school",
            "name": "Wrong LA",
            "slug": "wrong-la",
            "urn": "99102",
            "la_code": "991",
            "establishment_number": "2121",
            "phase": "primary",
            "local_authority": "",
            "first_member_email": "a@example.org",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "A URN is 6 digits" in body and "Wrong LA" in body
    assert not Organisation.objects.filter(slug="wrong-la").exists()


def test_school_staff_cannot_reach_operator_pages(member, school_a):
    senco = member(school_a, "senco")
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    client.force_login(senco)
    assert client.get("/operator/organisations/").status_code == 403
