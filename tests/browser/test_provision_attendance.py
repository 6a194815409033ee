"""A teaching assistant records a session's attendance on a phone in three taps."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.organisations import organisation_for_tests
from tests.send_core.factories import next_upn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()


def _set_the_scene(school, senco, ta):
    """Three Year 5 pupils in a Toe by Toe group the TA runs, made through the services."""
    from send_core.provision.models import Intervention
    from send_core.provision.services import add_pupil_to_group, create_group, ensure_intervention_catalogue
    from send_core.services.pupils import create_pupil, create_school_class

    connection.set_tenant(school)
    try:
        swifts = create_school_class(name="5 Swifts", year_group="5", created_by=senco)
        pupils = [
            create_pupil(
                created_by=senco,
                upn=next_upn(),
                legal_first_name=first,
                last_name="Phone",
                date_of_birth=datetime.date(2015, 3, 1),
                sex="F",
                nc_year="5",
                school_class=swifts,
            )
            for first in ("Isla", "Jude", "Kemi")
        ]
        ensure_intervention_catalogue(by=senco)
        group = create_group(
            intervention=Intervention.objects.get(name="Toe by Toe"),
            name="Toe by Toe, Year 5",
            staff=[ta],
            starts_on=TODAY - datetime.timedelta(days=7),
            ends_on=TODAY + datetime.timedelta(days=60),
            created_by=senco,
        )
        for pupil in pupils:
            add_pupil_to_group(group, pupil, added_by=senco, joined_on=group.starts_on)
        return group, pupils
    finally:
        connection.set_schema_to_public()


def _clear_the_scene(school):
    from send_core.models import Pupil, SchoolClass
    from send_core.provision.models import Intervention, ProvisionGroup

    connection.set_tenant(school)
    try:
        ProvisionGroup.objects.filter(name="Toe by Toe, Year 5").delete()
        Intervention.objects.all().delete()
        Pupil.objects.filter(last_name="Phone").delete()
        SchoolClass.objects.filter(name="5 Swifts").delete()
    finally:
        connection.set_schema_to_public()


def _attendance(school, group):
    from send_core.provision.models import SessionAttendance

    connection.set_tenant(school)
    try:
        return dict(
            SessionAttendance.objects.filter(session__group_id=group.pk, session__held_on=TODAY).values_list(
                "pupil__legal_first_name", "attendance"
            )
        )
    finally:
        connection.set_schema_to_public()


def test_a_ta_records_attendance_in_three_taps_on_a_phone(phone, site, member):
    school = organisation_for_tests("ashgrove")
    senco = member(school, "senco", full_name="Rosa Lindqvist")
    ta = member(school, "teaching_assistant", full_name="Tia Morgan")
    group, pupils = _set_the_scene(school, senco, ta)
    try:
        sign_in(phone, site, ta.email, TEST_PASSWORD)
        expect(phone.get_by_role("heading", level=1)).to_have_text("Ashgrove Primary School")
        phone.goto(site.org("ashgrove", "/provision/groups/"))

        # Tap 1: the group's "Record session" button.
        phone.get_by_role("link", name="Record session for Toe by Toe, Year 5").tap()
        expect(phone.get_by_role("heading", level=1)).to_contain_text("Session on")
        # Everyone starts as attended; the page fits the phone's width.
        for pupil in pupils:
            expect(phone.get_by_test_id(f"attendance-{pupil.pk}").get_by_label("Attended")).to_be_checked()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375

        # Tap 2: Jude was away.
        phone.get_by_test_id(f"attendance-{pupils[1].pk}").get_by_text("Absent", exact=True).tap()
        # Tap 3: save.
        phone.get_by_role("button", name="Save attendance").tap()

        expect(phone.locator(".govuk-notification-banner")).to_contain_text("Attendance saved for Toe by Toe, Year 5")
        expect(phone.locator(".govuk-notification-banner")).to_contain_text("1 absent")
        assert _attendance(school, group) == {"Isla": "attended", "Jude": "absent", "Kemi": "attended"}
    finally:
        _clear_the_scene(school)
