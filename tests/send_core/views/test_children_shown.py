"""Every page that names children with their SEND data writes ONE audit row per response, listing
which children it showed; the "who has viewed" page finds those rows; no other school's trail hears of it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from send_platform.audit.models import AuditEvent

from send_core.models import Pupil
from tests.send_core.factories import ConcernFactory, PupilFactory, on_register
from tests.send_core.views.test_query_counts import grow_school_to


def _rows(school, person: str) -> list[AuditEvent]:
    connection.set_tenant(school.organisation)
    try:
        return list(AuditEvent.objects.filter(actor_id=school.people[person].pk).order_by("id"))
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def classmates(school, in_schema):
    """A second pupil on the register in the teacher's class, and one in another class, each with a concern."""
    with in_schema(school.organisation):
        mine = PupilFactory(school_class=school.own_class, legal_first_name="Bea", last_name="Adams")
        theirs = PupilFactory(school_class=school.other_class, legal_first_name="Cal", last_name="Zed")
        for pupil in (mine, theirs):
            on_register(pupil, since=datetime.date(2024, 9, 2))
            ConcernFactory(pupil=pupil)
    connection.set_schema_to_public()
    return {"mine": mine, "theirs": theirs}


@pytest.mark.parametrize(
    ("person", "expected"),
    [("senco", {"pupil", "mine", "theirs"}), ("teacher", {"pupil", "mine"})],
)
@pytest.mark.parametrize("page", ["/pupils/", "/concerns/", "/register/"])
def test_a_list_page_is_one_row_naming_exactly_the_children_shown(school, classmates, school_b, page, person, expected):
    ids = {"pupil": school.pupil.pk, **{name: pupil.pk for name, pupil in classmates.items()}}
    response = school.client(person).get(page)
    assert response.status_code == 200
    rows = _rows(school, person)
    assert len(rows) == 1, [row.summary for row in rows]
    assert rows[0].action == "view" and rows[0].pupil_ids == sorted(ids[name] for name in expected)
    for name in expected:
        assert classmates.get(name, school.pupil).display_name.split()[0] in response.content.decode()
    connection.set_tenant(school_b)
    try:
        assert not AuditEvent.objects.exists()  # another school's trail hears nothing
    finally:
        connection.set_schema_to_public()
    assert not AuditEvent.objects.filter(actor_id=school.people[person].pk).exists()  # nor the public one


def test_the_pupil_list_records_only_the_page_it_showed(school):
    grow_school_to(school, 120)
    school.client("senco").get("/pupils/?page=2")
    (row,) = _rows(school, "senco")
    connection.set_tenant(school.organisation)
    try:
        second_page = list(Pupil.objects.order_by("last_name", "legal_first_name", "id").values_list("pk", flat=True))
    finally:
        connection.set_schema_to_public()
    assert row.pupil_ids == sorted(second_page[50:100])


def test_the_dashboard_is_one_row_naming_the_children_on_it(school, classmates):
    school.client("senco").get("/send/")
    (row,) = _rows(school, "senco")
    # The SENCO's dashboard lists open concerns about all three and the review shortfall.
    assert row.pupil_ids == sorted([school.pupil.pk, classmates["mine"].pk, classmates["theirs"].pk])
    assert row.summary == "Viewed SEND dashboard"
    school.client("teacher").get("/")
    (home,) = _rows(school, "teacher")
    assert home.pupil_ids == sorted([school.pupil.pk, classmates["mine"].pk])


def test_figures_only_and_office_pages_write_no_list_row(school, classmates):
    for person, page in [("governor", "/send/"), ("governor", "/register/"), ("business_manager", "/send/")]:
        assert school.client(person).get(page).status_code == 200
        assert _rows(school, person) == []
    # The office sees names but no SEND data: nothing about SEND was shown.
    assert school.client("school_admin").get("/pupils/").status_code == 200
    assert _rows(school, "school_admin") == []


def test_who_has_viewed_finds_a_child_seen_in_a_list(school, classmates):
    school.client("teacher").get("/pupils/")
    page = school.client("senco").get(f"/pupils/{classmates['mine'].pk}/viewed/").content.decode()
    assert "Teacher Person" in page and "Viewed pupil list" in page
    # Cal is not in the teacher's class: his record shows no view by the teacher.
    other = school.client("senco").get(f"/pupils/{classmates['theirs'].pk}/viewed/").content.decode()
    assert "Teacher Person" not in other


@pytest.mark.parametrize("page", ["/concerns/", "/pupils/?need=SPLD"])
def test_list_pages_cost_the_same_with_50_or_600_pupils(school, page, django_assert_max_num_queries):
    counts = []
    for total in (50, 600):
        grow_school_to(school, total)
        with django_assert_max_num_queries(40) as queries:
            assert school.client("senco").get(page).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
