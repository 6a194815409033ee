"""What someone trying the demo meets at addresses Cairn has no page for: an icon, GOV.UK 404s."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.send_core.factories import PupilFactory


@pytest.fixture
def base_client(db) -> Client:
    from django.conf import settings

    return Client(HTTP_HOST=settings.BASE_DOMAIN)


def test_the_favicon_is_an_icon_on_the_base_domain_for_anyone(base_client):
    response = base_client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # the ICO header


def test_the_favicon_is_an_icon_on_an_organisations_host_without_signing_in(school_a, client_for):
    response = client_for(None, school_a).get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


@pytest.mark.parametrize("debug", [True, False])
def test_a_wrong_address_on_the_base_domain_gets_the_govuk_404_page(base_client, settings, debug):
    settings.DEBUG = debug
    response = base_client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "govuk-template" in page and "Page not found" in page
    assert "URLconf" not in page  # Django's debug page lists the URL patterns it tried


def test_a_wrong_address_on_an_organisations_host_gets_the_govuk_404_page_in_debug(
    school_a, member, client_for, settings
):
    settings.DEBUG = True
    response = client_for(member(school_a, "senco"), school_a).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "govuk-template" in page and "Page not found" in page and "URLconf" not in page


def test_a_pupil_of_another_school_gets_the_govuk_404_page_in_debug(
    school_a, school_b, member, client_for, in_schema, settings
):
    settings.DEBUG = True
    with in_schema(school_b):
        pupil = PupilFactory(legal_first_name="Amelia", last_name="Thornbury")
    response = client_for(member(school_a, "senco"), school_a).get(f"/pupils/{pupil.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "govuk-template" in page and "Page not found" in page and "Thornbury" not in page


def test_a_missing_slash_is_still_added_in_debug(base_client, settings):
    settings.DEBUG = True
    response = base_client.get("/sign-in")
    assert response.status_code == 301
    assert response["Location"] == "/sign-in/"
