"""Provision over the API: groups, sessions and the map, with the pages' permissions and never across schools."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import Client

from send_core.provision.models import GroupMember, Intervention, ProvisionGroup, SessionAttendance
from tests.send_core.provision.factories import InterventionFactory

TODAY = datetime.date.today()


def _api(user, organisation):
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    client.force_login(user)
    return client


def _in(school, fn):
    connection.set_tenant(school.organisation)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def test_the_senco_starts_a_group_and_the_ta_records_a_session(school, school_b, member):
    intervention = _in(school, lambda: InterventionFactory(name="Catch Up Literacy"))
    senco = _api(school.people["senco"], school.organisation)
    created = senco.post(
        "/api/v1/provision/groups/",
        {
            "intervention": intervention.pk,
            "name": "Catch Up, Year 4",
            "staff": [school.people["teaching_assistant"].pk],
            "starts_on": (TODAY - datetime.timedelta(days=7)).isoformat(),
            "schedule": [{"day": "Monday", "time": "10:40"}],
            "pupils": [school.pupil.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    group = created.json()
    assert group["members"][0]["pupil_id"] == school.pupil.pk and group["sessions_per_week"] == 3
    refused = senco.post(
        "/api/v1/provision/groups/",
        {"intervention": intervention.pk, "name": "No staff", "staff": [], "starts_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "staff" in refused.json()

    ta = _api(school.people["teaching_assistant"], school.organisation)
    assert [g["name"] for g in ta.get("/api/v1/provision/groups/").json()] == ["Catch Up, Year 4"]
    recorded = ta.post(
        f"/api/v1/provision/groups/{group['id']}/sessions/",
        {"held_on": TODAY.isoformat(), "absent": [school.pupil.pk]},
        content_type="application/json",
    )
    assert recorded.status_code == 201 and recorded.json()["attendance"] == {str(school.pupil.pk): "absent"}
    future = ta.post(
        f"/api/v1/provision/groups/{group['id']}/sessions/",
        {"held_on": (TODAY + datetime.timedelta(days=3)).isoformat()},
        content_type="application/json",
    )
    assert future.status_code == 400 and "held_on" in future.json()
    teacher = _api(school.people["other_teacher"], school.organisation)
    assert teacher.get("/api/v1/provision/groups/").json() == []
    assert (
        teacher.post(
            f"/api/v1/provision/groups/{group['id']}/sessions/",
            {"held_on": TODAY.isoformat()},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert _in(school, lambda: SessionAttendance.objects.count()) == 1
    # School B's SENCO finds nothing of it.
    senco_b = member(school_b, "senco")
    other = _api(senco_b, school_b)
    assert other.get("/api/v1/provision/groups/").json() == []
    assert other.post(
        f"/api/v1/provision/groups/{group['id']}/sessions/",
        {"held_on": TODAY.isoformat()},
        content_type="application/json",
    ).status_code in (403, 404)
    connection.set_tenant(school_b)
    try:
        assert not ProvisionGroup.objects.exists() and not Intervention.objects.exists()
    finally:
        connection.set_schema_to_public()


def test_the_map_as_json_names_pupils_only_for_the_senco_and_head(school):
    senco = _api(school.people["senco"], school.organisation).get("/api/v1/provision/map/?term=autumn-2025")
    assert senco.status_code == 200 and "pupils" in senco.json() and senco.json()["threshold"] == "6000.00"
    business = _api(school.people["business_manager"], school.organisation).get("/api/v1/provision/map/")
    assert business.status_code == 200 and "pupils" not in business.json()
    bad = _api(school.people["senco"], school.organisation).get("/api/v1/provision/map/?term=someday")
    assert bad.status_code == 400 and "term" in bad.json()
    assert _api(school.people["teacher"], school.organisation).get("/api/v1/provision/map/").status_code == 403
    assert _api(school.people["school_admin"], school.organisation).get("/api/v1/provision/groups/").status_code == 403


def test_a_group_is_run_only_by_this_schools_teaching_staff_and_the_refusal_names_no_one(school, school_b, member):
    intervention = _in(school, lambda: InterventionFactory(name="Thrive"))
    outsider = member(school_b, "teaching_assistant", full_name="Olive Outsider")
    senco = _api(school.people["senco"], school.organisation)
    for person in (outsider, school.people["governor"], school.people["business_manager"]):
        refused = senco.post(
            "/api/v1/provision/groups/",
            {"intervention": intervention.pk, "name": "Thrive", "staff": [person.pk], "starts_on": TODAY.isoformat()},
            content_type="application/json",
        )
        assert refused.status_code == 400, refused.content
        body = refused.content.decode()
        assert "Choose members of staff of this school who teach or support pupils." in body
        assert person.full_name not in body and person.email not in body
    assert _in(school, lambda: ProvisionGroup.objects.count()) == 0


def test_the_service_refuses_staff_who_do_not_teach_or_support_pupils(school, school_b, member):
    from django.core.exceptions import ValidationError

    from send_core.provision.services import create_group

    outsider = member(school_b, "senco", full_name="Olive Outsider")

    def attempt(person):
        intervention = InterventionFactory()
        try:
            create_group(
                intervention=intervention,
                name="Numicon",
                staff=[person],
                starts_on=TODAY,
                created_by=school.people["senco"],
            )
        except ValidationError as error:
            return error.message_dict["staff"]
        return None

    for person in (outsider, school.people["governor"]):
        assert _in(school, lambda p=person: attempt(p)) == [
            "Choose members of staff of this school who teach or support pupils."
        ]
    assert _in(school, lambda: attempt(school.people["teacher"])) is None


def test_a_refused_pupil_leaves_no_group_behind(school):
    from tests.send_core.factories import PupilFactory

    intervention = _in(school, lambda: InterventionFactory(name="Numicon"))
    left = _in(school, lambda: PupilFactory(leaving_date=TODAY - datetime.timedelta(days=10)))
    refused = _api(school.people["senco"], school.organisation).post(
        "/api/v1/provision/groups/",
        {
            "intervention": intervention.pk,
            "name": "Numicon, Year 4",
            "staff": [school.people["teaching_assistant"].pk],
            "starts_on": TODAY.isoformat(),
            "pupils": [school.pupil.pk, left.pk],
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and "has left the school" in refused.content.decode()
    assert _in(school, lambda: (ProvisionGroup.objects.count(), GroupMember.objects.count())) == (0, 0)
