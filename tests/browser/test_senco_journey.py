"""A SENCO takes a pupil from a first concern to a reviewed plan in the browser; another class's teacher is kept out."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.organisations import organisation_for_tests
from tests.send_core.factories import next_upn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()


def _set_the_scene(school, senco, other_teacher):
    """A pupil in 4 Kestrels and a teacher of 3 Owls, made through the domain services in the school's schema."""
    from send_core.services.pupils import assign_class_staff, create_pupil, create_school_class

    connection.set_tenant(school)
    try:
        kestrels = create_school_class(name="4 Kestrels", year_group="4", created_by=senco)
        owls = create_school_class(name="3 Owls", year_group="3", created_by=senco)
        assign_class_staff(owls, user=other_teacher, assigned_by=senco)
        return create_pupil(
            created_by=senco,
            upn=next_upn(),
            legal_first_name="Amara",
            last_name="Okafor",
            date_of_birth=datetime.date(2016, 5, 17),
            sex="F",
            nc_year="4",
            school_class=kestrels,
        )
    finally:
        connection.set_schema_to_public()


def _clear_the_scene(school):
    from send_core.models import Pupil, SchoolClass

    connection.set_tenant(school)
    try:
        Pupil.objects.filter(last_name="Okafor", legal_first_name="Amara").delete()
        SchoolClass.objects.filter(name__in=["4 Kestrels", "3 Owls"]).delete()
    finally:
        connection.set_schema_to_public()


def field(page, label: str):
    """The form field with exactly this label (GOV.UK adds "(optional)" to optional ones)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(optional\))?$"))


def _add_outcome(page, description: str, target: str) -> None:
    page.get_by_role("link", name="Add an outcome").click()
    page.get_by_label("Outcome", exact=True).fill(description)
    page.get_by_label("Measure").fill("Words read correctly from the list")
    page.get_by_label("Baseline").fill("12 of 100")
    field(page, "Target").fill(target)
    page.get_by_label("Target date").fill((TODAY + datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Add outcome").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been added")


def test_a_senco_takes_a_pupil_from_concern_to_review(page, site, member, browser):
    school = organisation_for_tests("ashgrove")
    senco = member(school, "senco", full_name="Rosa Lindqvist")
    other_teacher = member(school, "teacher", full_name="Owen Price")
    pupil = _set_the_scene(school, senco, other_teacher)
    try:
        sign_in(page, site, senco.email, TEST_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text("Ashgrove Primary School")

        # Open the pupil from the list.
        page.get_by_role("link", name="Pupils", exact=True).click()
        page.get_by_label("Name or UPN", exact=True).fill("Okafor")
        page.get_by_role("button", name="Apply filters").click()
        page.get_by_role("link", name="Okafor, Amara").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Amara Okafor")

        # Raise a concern.
        page.get_by_role("link", name="Raise a concern").click()
        page.get_by_label("What is the concern?").fill("Reverses letters and avoids reading aloud in guided reading.")
        page.get_by_role("button", name="Raise concern").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("The concern has been recorded.")

        # Move her to SEN Support, recording her primary need in the same step.
        page.get_by_role("link", name="Move to SEN Support").click()
        page.get_by_label("Why does the pupil need SEN Support?").fill(
            "Little progress after a term of adapted teaching."
        )
        page.get_by_label("Primary type of need").select_option(label="Specific learning difficulty")
        page.get_by_role("group", name="How parents were told").get_by_label("In a meeting").check()
        page.get_by_role("button", name="Move to SEN Support").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Amara Okafor is now at SEN Support.")
        expect(page.get_by_test_id("stage").first).to_have_text("SEN Support")

        # Write her SEN Support Plan with two SMART outcomes and make it active.
        page.get_by_role("navigation", name="Sections of this pupil's record").get_by_role(
            "link", name="SEN Support Plan"
        ).click()
        page.get_by_role("button", name="Start a new SEN Support Plan").click()
        page.get_by_role("link", name="Write the plan").click()
        page.get_by_label("The child's views").fill("I like stories about space.")
        page.get_by_label("Strengths and interests").fill("Builds brilliant Lego models.")
        page.get_by_label("What works: strategies").fill("A coloured overlay; instructions one at a time.")
        page.get_by_role("button", name="Save").click()
        _add_outcome(page, "Read the first 100 high-frequency words.", "80 of 100")
        _add_outcome(page, "Spell three-letter CVC words.", "18 of 20")
        expect(page.get_by_test_id("outcome")).to_have_count(2)
        page.get_by_role("link", name="Make this plan active").click()
        page.get_by_role("button", name="Make active").click()
        expect(page.get_by_test_id("plan-status")).to_have_text("Active")

        # Record the review, then close it.
        page.get_by_role("link", name="Record a review").click()
        page.get_by_label("Date of the review").fill(TODAY.isoformat())
        page.get_by_label("The child took part").check()
        page.get_by_label("Parents or carers").fill("Grace Okafor")
        page.get_by_role("group", name="Progress towards outcome 1").get_by_label("Partly met").check()
        page.get_by_role("group", name="Progress towards outcome 2").get_by_label("Met", exact=True).check()
        page.get_by_label("The child's views").fill("Reading is getting easier.")
        page.get_by_role("group", name="Decision").get_by_label("Continue the plan").check()
        page.get_by_label("Next review date").fill((TODAY + datetime.timedelta(days=91)).isoformat())
        page.get_by_role("button", name="Save review").click()
        expect(page.get_by_test_id("review-status")).to_have_text("Draft")
        page.get_by_role("button", name="Close the review").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("The review is closed: continue the plan.")
        expect(page.get_by_test_id("review-status")).to_have_text("Closed")

        # The review is on her chronology.
        page.get_by_role("link", name="Chronology").click()
        expect(page.get_by_test_id("chronology")).to_contain_text("Review held: Continue the plan")
        expect(page.get_by_test_id("chronology")).to_contain_text("Concern escalated to SEN Support")

        # A teacher of another class who opens her page is refused.
        other_context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            other = other_context.new_page()
            other.set_default_timeout(15_000)
            sign_in(other, site, other_teacher.email, TEST_PASSWORD)
            expect(other.get_by_role("heading", level=1)).to_have_text("Ashgrove Primary School")
            other.goto(site.org("ashgrove", f"/pupils/{pupil.pk}/"))
            expect(other.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
            expect(other.get_by_test_id("reason")).to_have_text("You can only see pupils in the classes you work with.")
            expect(other.get_by_text("Amara")).to_have_count(0)
        finally:
            other_context.close()
    finally:
        _clear_the_scene(school)
