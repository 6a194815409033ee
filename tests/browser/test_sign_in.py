"""A person signs in once and lands on their school's own address."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.organisations import organisation_for_tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_senco_signs_in_and_lands_on_her_school(page, site, member):
    school = organisation_for_tests("ashgrove")
    other = organisation_for_tests("birchwood")
    senco = member(school, "senco", full_name="Rosa Lindqvist")
    sign_in(page, site, senco.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashgrove Primary School")
    assert page.url.startswith(site.org("ashgrove"))
    expect(page.get_by_test_id("staff-list")).to_contain_text("Rosa Lindqvist")
    # The same browser asking for another school's address is refused.
    page.goto(site.org(other.slug))
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")


def test_a_wrong_password_keeps_the_email_and_says_what_is_wrong(page, site, member):
    school = organisation_for_tests("ashgrove")
    senco = member(school, "senco")
    sign_in(page, site, senco.email, "not-it")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The email address or password is not right.")
    expect(page.get_by_label("Email address")).to_have_value(senco.email)
