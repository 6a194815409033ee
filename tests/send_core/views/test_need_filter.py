"""The pupil list's SEND filters match only records the person may read: the office, or a teacher
looking beyond their classes, learns nobody's type of need or stage from which pupils a filter keeps."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection

from send_core.models import NeedType
from tests.factories import MembershipFactory
from tests.send_core.factories import ClassTeacherFactory, PupilFactory, on_register

ROW = re.compile(r'href="/pupils/(\d+)/"')


def _listed(client, query: str) -> set[int]:
    response = client.get(f"/pupils/{query}")
    assert response.status_code == 200
    return {int(pk) for pk in ROW.findall(response.content.decode())}


@pytest.fixture
def office_teacher(school, in_schema):
    """The office administrator who also teaches the pupil's class; Cal (ASD) is in another class."""
    person = school.people["school_admin"]
    MembershipFactory(user=person, organisation=school.organisation, role="teacher")
    with in_schema(school.organisation):
        ClassTeacherFactory(school_class=school.own_class, user=person, role="teacher")
        cal = PupilFactory(school_class=school.other_class, legal_first_name="Cal", last_name="Zed")
        on_register(cal, since=datetime.date(2024, 9, 2), need_type=NeedType.ASD)
    connection.set_schema_to_public()
    return school.client("school_admin"), cal


def test_a_need_filter_never_keeps_a_pupil_whose_needs_they_may_not_read(school, office_teacher):
    client, cal = office_teacher
    assert cal.pk in _listed(client, "")  # the office sees every pupil's name
    # Cal's need is ASD; before, ?need=ASD listed him to someone who may not read his needs.
    assert cal.pk not in _listed(client, "?need=ASD")
    # Amara (SPLD) is in their own class: her record is theirs to read, so the filter works on it.
    assert _listed(client, "?need=SPLD") == {school.pupil.pk}
    assert _listed(client, "?need=ASD") == set()


@pytest.mark.parametrize("name", ["need", "stage"])
def test_outside_their_classes_the_list_is_the_same_whatever_the_filter(school, office_teacher, name):
    client, cal = office_teacher
    values = [code for code, _ in NeedType.choices] if name == "need" else ["sen_support", "none", "monitoring"]
    outside = {value: _listed(client, f"?{name}={value}") - {school.pupil.pk} for value in values}
    assert all(shown == set() for shown in outside.values()), outside


def test_the_filter_works_on_the_records_of_the_class_they_teach(school, office_teacher):
    admin = school.people["other_teacher"]
    MembershipFactory(user=admin, organisation=school.organisation, role="school_admin")
    both = school.client("other_teacher")  # teaches Cal's class, and works in the office
    assert office_teacher[1].pk in _listed(both, "?need=ASD")
    assert school.pupil.pk not in _listed(both, "?need=SPLD")
    assert school.pupil.pk in _listed(both, "")


def test_figures_only_roles_get_no_list_to_filter(school):
    assert school.client("business_manager").get("/pupils/?need=ASD").status_code == 403
