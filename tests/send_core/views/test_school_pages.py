"""Classes and their staff, staff training, a pupil leaving, and keeping parents: who may, and what it does."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from send_platform.audit.models import AuditEvent

from send_core.models import ClassTeacher, ParentCarer, Pupil, RegisterEntry, SchoolClass, StaffTraining
from tests.send_core.factories import ParentCarerFactory, SchoolClassFactory
from tests.send_core.views.conftest import ROLES


def in_school(school, make):
    connection.set_tenant(school.organisation)
    try:
        return make()
    finally:
        connection.set_schema_to_public()


CORE_EDITORS = frozenset({"senco", "headteacher", "school_admin"})
TRAINING_KEEPERS = frozenset({"senco", "headteacher", "business_manager"})

PAGES = [
    ("/classes/", CORE_EDITORS),
    ("/training/", TRAINING_KEEPERS),
    ("/pupils/{pupil}/leaving/", CORE_EDITORS),
    ("/parents/{parent}/edit/", CORE_EDITORS),
    ("/parents/{parent}/remove/", CORE_EDITORS),
]


@pytest.mark.parametrize("page, allowed", PAGES, ids=[page for page, _ in PAGES])
def test_each_role_gets_the_page_or_a_403(school, page, allowed):
    for role in ROLES:
        response = school.client(role).get(school.url(page))
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, f"{role} on {page}: {response.status_code}"
        if expected == 403:
            assert "Amara" not in response.content.decode()


def test_teachers_and_governors_cannot_change_classes(school):
    for role in ("teacher", "governor"):
        client = school.client(role)
        assert client.post("/classes/", {"name": "5 Robins"}).status_code == 403
        response = client.post(
            f"/classes/{school.own_class.pk}/staff/",
            {
                f"class-{school.own_class.pk}-user": school.people[role].pk,
                f"class-{school.own_class.pk}-role": "teacher",
            },
        )
        assert response.status_code == 403
    assert in_school(school, lambda: not SchoolClass.objects.filter(name="5 Robins").exists())


def test_the_classes_page_lists_classes_and_their_staff(school):
    body = school.client("school_admin").get("/classes/").content.decode()
    assert "4 Kestrels" in body and "3 Owls" in body
    assert "Teacher Person" in body and "Teaching Assistant Person" in body and "Other Teacher Person" in body


def test_adding_a_class(school):
    response = school.client("senco").post("/classes/", {"name": "5 Robins", "year_group": "5"})
    assert response.status_code == 302
    assert in_school(school, lambda: SchoolClass.objects.get(name="5 Robins").year_group) == "5"


def test_a_class_with_a_name_already_used_is_refused_and_nothing_is_written(school):
    before = in_school(school, SchoolClass.objects.count)
    response = school.client("senco").post("/classes/", {"name": "4 kestrels"})
    assert response.status_code == 400
    assert "There is already a class called 4 kestrels." in response.content.decode()
    assert in_school(school, SchoolClass.objects.count) == before


def test_assigning_a_teacher_to_a_class_shows_them_its_pupils(school):
    teacher = school.people["other_teacher"]
    assert "Okafor" not in school.client("other_teacher").get("/pupils/").content.decode()
    prefix = f"class-{school.own_class.pk}"
    response = school.client("senco").post(
        f"/classes/{school.own_class.pk}/staff/", {f"{prefix}-user": teacher.pk, f"{prefix}-role": "teacher"}
    )
    assert response.status_code == 302
    assert "Okafor, Amara" in school.client("other_teacher").get("/pupils/").content.decode()
    # Removing them takes the pupils away again.
    response = school.client("senco").post(f"/classes/{school.own_class.pk}/staff/{teacher.pk}/remove/")
    assert response.status_code == 302
    assert "Okafor" not in school.client("other_teacher").get("/pupils/").content.decode()


def test_only_the_schools_teachers_and_assistants_can_be_assigned(school, school_b, member):
    outsider = member(school_b, "teacher", full_name="Birchwood Teacher")
    links = ClassTeacher.objects.count
    before = in_school(school, links)
    prefix = f"class-{school.own_class.pk}"
    for user in (outsider, school.people["governor"]):
        response = school.client("senco").post(
            f"/classes/{school.own_class.pk}/staff/", {f"{prefix}-user": user.pk, f"{prefix}-role": "teacher"}
        )
        assert response.status_code == 400
        assert "Choose one of the school&#x27;s teachers or teaching assistants." in response.content.decode()
    response = school.client("senco").post(
        f"/classes/{school.own_class.pk}/staff/", {f"{prefix}-user": school.people["other_teacher"].pk}
    )
    assert response.status_code == 400
    assert in_school(school, links) == before
    assert "Birchwood Teacher" not in school.client("senco").get("/classes/").content.decode()


def test_school_b_does_not_see_school_a_classes(school, school_b, member, client_for, in_schema):
    senco_b = member(school_b, "senco")
    with in_schema(school_b):
        SchoolClassFactory(name="1 Wrens")
    body = client_for(senco_b, school_b).get("/classes/").content.decode()
    assert "1 Wrens" in body and body.count('data-testid="class"') == 1
    assert "4 Kestrels" not in body and "3 Owls" not in body and "Teacher Person" not in body
    assert client_for(senco_b, school_b).post(f"/classes/{school.own_class.pk + 1000}/staff/").status_code == 404


def test_recording_training(school):
    data = {
        "user": school.people["teaching_assistant"].pk,
        "course": "Autism awareness",
        "provider": "Local authority",
        "completed_on": "2025-01-10",
        "area": "communication_interaction",
        "expires_on": "2028-01-10",
    }
    response = school.client("business_manager").post("/training/", data)
    assert response.status_code == 302
    record = in_school(school, lambda: StaffTraining.objects.get())
    assert record.user_id == school.people["teaching_assistant"].pk and record.expires_on == datetime.date(2028, 1, 10)
    body = school.client("senco").get("/training/").content.decode()
    assert "Autism awareness" in body and "Teaching Assistant Person" in body


def test_training_that_expires_before_it_was_completed_is_refused(school):
    data = {
        "user": school.people["teacher"].pk,
        "course": "Dyslexia",
        "completed_on": "2025-01-10",
        "expires_on": "2024-01-10",
    }
    response = school.client("senco").post("/training/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "The expiry date must be after the course was completed." in body and 'value="Dyslexia"' in body
    assert in_school(school, StaffTraining.objects.count) == 0
    assert school.client("senco").post("/training/", {}).status_code == 400


def test_recording_a_pupil_leaving(school):
    response = school.client("school_admin").get(school.url("/pupils/{pupil}/leaving/"))
    assert response.status_code == 200
    views = in_school(
        school,
        lambda: list(
            AuditEvent.objects.filter(pupil_id=school.pupil.pk, action="view").values_list("summary", flat=True)
        ),
    )
    assert "Viewed details" in views
    data = {"leaving_date": "2025-03-14", "destination": "Birchwood Primary", "destination_urn": "123456"}
    response = school.client("senco").post(school.url("/pupils/{pupil}/leaving/"), data)
    assert response.status_code == 302
    pupil = in_school(school, lambda: Pupil.objects.get(pk=school.pupil.pk))
    assert pupil.leaving_date == datetime.date(2025, 3, 14) and pupil.destination_urn == "123456"
    assert in_school(school, lambda: not RegisterEntry.objects.filter(pupil=pupil, ended_on__isnull=True).exists())


def test_a_leaving_date_before_the_register_entry_is_refused(school):
    for data in (
        {"leaving_date": "2020-01-01"},
        {"leaving_date": "2025-03-14", "destination_urn": "12"},
        {},
    ):
        response = school.client("senco").post(school.url("/pupils/{pupil}/leaving/"), data)
        assert response.status_code == 400, data
    assert in_school(school, lambda: Pupil.objects.get(pk=school.pupil.pk).leaving_date) is None


def test_editing_a_parent(school):
    page = school.client("school_admin").get(school.url("/parents/{parent}/edit/")).content.decode()
    assert 'value="Grace Okafor"' in page
    data = {"name": "Grace Okafor-Smith", "relationship": "mother", "parental_responsibility": "on", "phone": "0123"}
    response = school.client("school_admin").post(school.url("/parents/{parent}/edit/"), data)
    assert response.status_code == 302
    parent = in_school(school, lambda: ParentCarer.objects.get(pk=school.objects["parent"].pk))
    assert parent.name == "Grace Okafor-Smith" and parent.phone == "0123"
    overview = school.client("senco").get(school.url("/pupils/{pupil}/")).content.decode()
    assert school.url("/parents/{parent}/edit/") in overview


def test_a_bad_parent_edit_changes_nothing(school):
    data = {"name": "", "relationship": "mother", "email": "not-an-email"}
    response = school.client("senco").post(school.url("/parents/{parent}/edit/"), data)
    assert response.status_code == 400
    assert in_school(school, lambda: ParentCarer.objects.get(pk=school.objects["parent"].pk).name) == "Grace Okafor"


def test_removing_a_parent(school):
    other = in_school(school, lambda: ParentCarerFactory(pupil=school.pupil, name="Sam Okafor"))
    response = school.client("senco").post(f"/parents/{other.pk}/remove/")
    assert response.status_code == 302
    assert in_school(school, lambda: not ParentCarer.objects.filter(pk=other.pk).exists())
    # One who gave consent stays on record.
    response = school.client("senco").post(school.url("/parents/{parent}/remove/"))
    assert response.status_code == 400
    assert "cannot be removed" in response.content.decode()
    assert in_school(school, lambda: ParentCarer.objects.filter(pk=school.objects["parent"].pk).exists())
    assert school.client("teacher").post(school.url("/parents/{parent}/remove/")).status_code == 403
