"""A primary SENCO asks for an EHC needs assessment; the LA asks for more, agrees, drafts and issues a plan;
the pupil shows as having an EHC plan in the school. Both sides in real browsers."""

from __future__ import annotations

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.organisations import organisation_for_tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in(organisation, make):
    connection.set_tenant(organisation)
    try:
        return make()
    finally:
        connection.set_schema_to_public()


def _clear(school, la):
    from send_core.ehc.models import EhcCase, EhcPlan, EhcRequest, Reminder
    from send_core.models import Consent, Pupil

    def school_side():
        EhcPlan.objects.all().delete()
        EhcRequest.objects.all().delete()
        Consent.objects.filter(pupil__last_name="Okafor").delete()
        Pupil.objects.filter(last_name="Okafor").delete()

    def la_side():
        EhcPlan.objects.all().delete()
        EhcCase.objects.all().delete()
        Reminder.objects.all().delete()

    _in(school, school_side)
    _in(la, la_side)


def test_request_to_final_plan(browser, site, member, settings, tmp_path):
    from tests.send_core.ehc.conftest import make_ready_pupil

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    school = organisation_for_tests("ashgrove")
    la = organisation_for_tests("testshire")
    senco = member(school, "senco", full_name="Rosa Lindqvist")
    caseworker = member(la, "caseworker", full_name="Casey Worker")
    pupil = _in(school, make_ready_pupil)
    school_context = browser.new_context(viewport={"width": 1280, "height": 900})
    la_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        s = school_context.new_page()
        s.set_default_timeout(15_000)
        sign_in(s, site, senco.email, TEST_PASSWORD)
        s.goto(site.org("ashgrove", f"/pupils/{pupil.pk}/ehc/"))
        s.get_by_role("button", name="Start an EHC needs assessment request").click()
        expect(s.get_by_test_id("evidence")).to_contain_text("Reviews of the assess–plan–do–review cycles held so far")
        s.get_by_label("Why the school is asking for an EHC needs assessment").fill(
            "Two years of SEN Support; reading age has risen only four months."
        )
        s.get_by_role("button", name="Save and preview").click()
        expect(s.get_by_role("heading", level=2)).to_contain_text("Preview: what Testshire Council will receive")
        s.get_by_role("button", name="Send the request").click()
        expect(s.get_by_test_id("request-status")).to_have_text("Sent to the local authority")

        c = la_context.new_page()
        c.set_default_timeout(15_000)
        sign_in(c, site, caseworker.email, TEST_PASSWORD)
        c.goto(site.org("testshire", "/casework/"))
        expect(c.get_by_test_id("new-requests")).to_contain_text("Ashgrove Primary School")
        c.get_by_role("button", name="Open as a case").click()
        expect(c.get_by_role("heading", level=1)).to_have_text("Amara Okafor")
        expect(c.get_by_test_id("timeline")).to_contain_text("Decide whether to assess")
        c.locator("summary", has_text="Ask the school for more information").click()
        c.get_by_label("What the local authority needs to know").fill("Please send the latest reading assessments.")
        c.get_by_role("button", name="Send the question").click()
        expect(c.get_by_test_id("case-status")).to_have_text("More information asked for")

        s.reload()
        expect(s.get_by_test_id("unread")).to_contain_text("information request")
        s.get_by_role("button", name="Read and update the request").click()
        expect(s.get_by_test_id("request-status")).to_have_text("The LA has asked for more information")
        expect(s.get_by_test_id("la-question")).to_contain_text("latest reading assessments")
        s.get_by_label("Your answer").fill("Reading age 6y4m in June, 6y8m in November; both attached to the plan.")
        s.get_by_role("button", name="Send your answer").click()
        expect(s.get_by_test_id("request-status")).to_have_text("Sent to the local authority")

        c.reload()
        c.get_by_role("button", name="Read the answer").click()
        expect(c.get_by_test_id("school-reply")).to_contain_text("Reading age 6y4m")
        c.locator("summary", has_text="Decide whether to assess").click()
        c.get_by_label("Agree to carry out an EHC needs assessment").check()
        c.get_by_label("Reasons").fill("The evidence shows needs beyond what SEN Support can meet.")
        c.get_by_role("button", name="Record and send the decision").click()
        expect(c.get_by_test_id("case-status")).to_have_text("Assessing")

        c.get_by_role("link", name="Write the plan").click()
        c.get_by_label("Section A: The views, interests and aspirations of the child and their parents").fill(
            "Amara loves drawing and wants to read stories to her sister."
        )
        c.get_by_label("Section B: Special educational needs").fill("Specific learning difficulty (dyslexia).")
        c.get_by_label("Section E: Outcomes").fill("By July 2027 Amara reads age-appropriate texts fluently.")
        c.get_by_label("Section F: Special educational provision").fill("Daily 20 minutes of 1:1 structured literacy.")
        c.get_by_label("Section I: Placement: the school or other institution").fill("Ashgrove Primary School")
        c.get_by_role("button", name="Save and issue the draft").click()
        expect(c.get_by_test_id("case-status")).to_have_text("Draft plan issued")
        c.get_by_label("The family's comments on the draft are in, or they have said they have none").check()
        c.get_by_role("button", name="Issue the final plan").click()
        expect(c.get_by_test_id("case-status")).to_have_text("Final plan issued")

        s.reload()
        s.get_by_role("button", name="Read and update the request").click()
        expect(s.get_by_test_id("request-status")).to_have_text("EHC plan issued")
        expect(s.get_by_test_id("stage").first).to_have_text("EHC plan")
        s.get_by_role("link", name="Final EHC plan, version 2").click()
        expect(s.locator("main")).to_contain_text("Daily 20 minutes of 1:1 structured literacy.")
    finally:
        school_context.close()
        la_context.close()
        _clear(school, la)
