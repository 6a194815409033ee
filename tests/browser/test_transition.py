"""A primary SENCO gives the next school access; the secondary SENCO reads the plan; after revocation she is refused."""

from __future__ import annotations

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.organisations import organisation_for_tests
from tests.send_core.transition.conftest import make_year6_pupil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _set_the_scene(primary, secondary):
    connection.set_tenant(primary)
    try:
        return make_year6_pupil(destination=secondary, legal_first_name="Ilse", last_name="Brandt")
    finally:
        connection.set_schema_to_public()


def _clear_the_scene(primary, upn):
    from send_core.models import Pupil

    connection.set_tenant(primary)
    try:
        pupil = Pupil.objects.filter(upn=upn).first()
        if pupil is not None:
            pupil.agency_involvements.all().delete()
            pupil.consents.all().delete()
            pupil.delete()
    finally:
        connection.set_schema_to_public()


def _denied_attempts(school, grant_id: int) -> int:
    from send_platform.audit.models import AuditEvent

    connection.set_tenant(school)
    try:
        return AuditEvent.objects.filter(action="denied", object_id=str(grant_id)).count()
    finally:
        connection.set_schema_to_public()


def test_the_next_school_reads_the_plan_under_a_grant_until_it_is_revoked(page, site, member, browser):
    primary = organisation_for_tests("ashgrove")
    secondary = organisation_for_tests("cedar-high")
    primary_senco = member(primary, "senco", full_name="Rosa Lindqvist")
    secondary_senco = member(secondary, "senco", full_name="Nadia Brooks")
    pupil = _set_the_scene(primary, secondary)
    try:
        # The primary SENCO grants Cedar High access from the Year 6 board.
        sign_in(page, site, primary_senco.email, TEST_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text("Ashgrove Primary School")
        page.get_by_role("link", name="Transition", exact=True).click()
        expect(page.get_by_test_id("transition-board")).to_contain_text("Cedar High School")
        page.get_by_role("link", name="Ilse Brandt").click()
        page.get_by_role("link", name="Give Cedar High School access").click()
        page.get_by_role("button", name="Give access").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Cedar High School's SENCO can now read Ilse's record"
        )

        # The secondary SENCO signs in at her own school and finds Ilse under incoming pupils.
        other_context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            secondary_page = other_context.new_page()
            secondary_page.set_default_timeout(15_000)
            sign_in(secondary_page, site, secondary_senco.email, TEST_PASSWORD)
            expect(secondary_page.get_by_role("heading", level=1)).to_have_text("Cedar High School")
            assert secondary_page.url.startswith(site.org("cedar-high"))
            secondary_page.get_by_role("link", name="Incoming pupils", exact=True).click()
            expect(secondary_page.get_by_role("heading", name="Ashgrove Primary School")).to_be_visible()
            secondary_page.get_by_role("link", name="Ilse Brandt").click()
            expect(secondary_page.get_by_role("heading", level=1)).to_have_text("Ilse Brandt")
            expect(secondary_page.get_by_test_id("plan-title")).to_contain_text("SEN Support Plan")
            expect(secondary_page.get_by_test_id("what-works")).to_contain_text("Coloured overlays")
            record_url = secondary_page.url
            grant_id = int(record_url.rstrip("/").rsplit("/", 1)[1])

            # The primary SENCO revokes access.
            page.get_by_role("link", name="Revoke").click()
            page.get_by_role("button", name="Revoke access").click()
            expect(page.locator(".govuk-notification-banner")).to_contain_text(
                "Cedar High School can no longer read Ilse's record"
            )

            # Now the secondary SENCO is refused, and the attempt is in both schools' trails.
            response = secondary_page.goto(record_url)
            assert response.status == 403
            expect(secondary_page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
            expect(secondary_page.get_by_test_id("reason")).to_contain_text("revoked")
            expect(secondary_page.get_by_text("Coloured overlays")).to_have_count(0)
            assert _denied_attempts(secondary, grant_id) == 1
            assert _denied_attempts(primary, grant_id) == 1
        finally:
            other_context.close()
    finally:
        _clear_the_scene(primary, pupil.upn)
