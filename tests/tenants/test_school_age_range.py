"""A school's age range, recorded when it is provisioned, says which year group moves phase (SEND Regs 2 and 18)."""

from django.conf import settings
from django.test import Client

from tenants.models import Organisation
from tests.factories import MembershipFactory, UserFactory


def _operator_client(platform_org):
    operator = UserFactory()
    MembershipFactory(user=operator, organisation=platform_org, role="operator")
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    client.force_login(operator)
    return client


def _school(**fields):
    return {
        "kind": "school",
        "name": "Rowan Infant School",
        "slug": "rowan",
        "urn": "991030",
        "la_code": "991",
        "establishment_number": "2130",
        "phase": "special",
        "first_member_email": "senco@rowan.example.org",
        **fields,
    }


def test_an_operator_records_a_special_schools_age_range(platform_org, la):
    client = _operator_client(platform_org)
    page = client.get("/operator/organisations/").content.decode()
    assert "Youngest year group" in page and "Infant" in page and "Junior" in page and "First" in page
    response = client.post(
        "/operator/organisations/",
        _school(local_authority=la.pk, first_year_group="R", last_year_group="6"),
    )
    assert response.status_code == 302
    school = Organisation.objects.get(slug="rowan")
    assert (school.phase, school.first_year_group, school.last_year_group) == ("special", "R", "6")


def test_half_a_range_or_one_backwards_is_refused_and_nothing_is_made(platform_org, la):
    client = _operator_client(platform_org)
    half = client.post("/operator/organisations/", _school(local_authority=la.pk, first_year_group="R"))
    assert half.status_code == 400 and "Give both the youngest and the oldest year group" in half.content.decode()
    backwards = client.post(
        "/operator/organisations/", _school(local_authority=la.pk, first_year_group="6", last_year_group="R")
    )
    assert backwards.status_code == 400 and "cannot come before the youngest" in backwards.content.decode()
    assert not Organisation.objects.filter(slug="rowan").exists()


def test_only_a_school_has_an_age_range(platform_org):
    client = _operator_client(platform_org)
    response = client.post(
        "/operator/organisations/",
        {
            "kind": "local_authority",
            "name": "Eastshire Council",
            "slug": "eastshire",
            "la_code": "992",
            "first_year_group": "R",
            "last_year_group": "6",
            "first_member_email": "manager@eastshire.example.org",
        },
    )
    assert response.status_code == 400 and "Only a school has this." in response.content.decode()
    assert not Organisation.objects.filter(slug="eastshire").exists()
