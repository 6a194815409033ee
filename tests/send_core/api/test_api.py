"""The REST API answers with the same permissions as the pages, and never across schools."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from send_platform.audit.models import AuditEvent

from send_core.models import Pupil, RegisterEntry
from send_core.upn import upn_check_letter
from tenants.tokens import issue_api_token
from tests.send_core.factories import (
    ClassTeacherFactory,
    PupilFactory,
    SchoolClassFactory,
    active_plan_for,
    on_register,
)


@pytest.fixture
def pupils(in_a, staff):
    """Two pupils in two classes of school A; a teacher for class 1."""
    class_1, class_2 = SchoolClassFactory(name="Oak"), SchoolClassFactory(name="Ash")
    teacher = staff("teacher")
    ClassTeacherFactory(school_class=class_1, user=teacher)
    mine = PupilFactory(school_class=class_1, legal_first_name="Mina")
    other = PupilFactory(school_class=class_2, legal_first_name="Otto")
    on_register(mine)
    plan = active_plan_for(mine)
    return {"mine": mine, "other": other, "teacher": teacher, "plan": plan}


def _api(user, organisation, *, token=False):
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    if token:
        key = issue_api_token(user=user).key
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    else:
        client.force_login(user)
    return client


def _upn(body12: str) -> str:
    return upn_check_letter(body12) + body12


ROLE_CASES = [
    ("senco", {"list": 2, "mine": 200, "other": 200, "needs": 200}),
    ("headteacher", {"list": 2, "mine": 200, "other": 200, "needs": 200}),
    ("school_admin", {"list": 2, "mine": 200, "other": 200, "needs": 403}),
    ("governor", {"list": 0, "mine": 404, "other": 404, "needs": 404}),
    ("business_manager", {"list": 0, "mine": 404, "other": 404, "needs": 404}),
]


@pytest.mark.parametrize("role, expected", ROLE_CASES, ids=[r for r, _ in ROLE_CASES])
def test_each_role_sees_what_the_pages_allow(pupils, staff, school_a, role, expected):
    client = _api(staff(role), school_a)
    listing = client.get("/api/v1/pupils/")
    assert listing.status_code == 200
    assert listing.json()["count"] == expected["list"]
    assert client.get(f"/api/v1/pupils/{pupils['mine'].pk}/").status_code == expected["mine"]
    assert client.get(f"/api/v1/pupils/{pupils['other'].pk}/").status_code == expected["other"]
    assert client.get(f"/api/v1/pupils/{pupils['mine'].pk}/needs/").status_code == expected["needs"]


def test_a_teacher_sees_only_their_class(pupils, school_a):
    client = _api(pupils["teacher"], school_a)
    names = [p["legal_first_name"] for p in client.get("/api/v1/pupils/").json()["results"]]
    assert names == ["Mina"]
    assert client.get(f"/api/v1/pupils/{pupils['mine'].pk}/plans/").status_code == 200
    assert client.get(f"/api/v1/pupils/{pupils['other'].pk}/").status_code == 404
    # Teachers read; they do not change the register.
    response = client.post(
        f"/api/v1/pupils/{pupils['mine'].pk}/register/",
        {"stage": "monitoring", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_another_schools_staff_reach_nothing(pupils, member, school_a, school_b):
    senco_b = member(school_b, "senco")
    # On school A's host: not a member.
    assert _api(senco_b, school_a).get("/api/v1/pupils/").status_code == 403
    assert _api(senco_b, school_a, token=True).get(f"/api/v1/pupils/{pupils['mine'].pk}/").status_code == 403
    # On her own host: school A's pupil does not exist there.
    own = _api(senco_b, school_b)
    assert own.get(f"/api/v1/pupils/{pupils['mine'].pk}/").status_code == 404
    assert own.get("/api/v1/pupils/").json()["count"] == 0


def test_signed_out_requests_are_refused(pupils, school_a):
    response = Client(HTTP_HOST=school_a.get_primary_domain().domain).get("/api/v1/pupils/")
    assert response.status_code in (401, 403)


def test_a_token_works_like_a_session(pupils, staff, school_a):
    client = _api(staff("senco"), school_a, token=True)
    assert client.get("/api/v1/pupils/").json()["count"] == 2


def test_creating_a_pupil_checks_the_upn_and_writes_nothing_on_error(pupils, staff, school_a, in_schema):
    client = _api(staff("senco"), school_a)
    body = {
        "upn": "A" + "123456789012",
        "legal_first_name": "Ada",
        "last_name": "Lovel",
        "date_of_birth": "2017-05-01",
        "sex": "F",
        "nc_year": "3",
    }
    good_upn = _upn("881201234567")
    bad_upn = ("B" if good_upn[0] != "B" else "C") + good_upn[1:]
    refused = client.post("/api/v1/pupils/", {**body, "upn": bad_upn}, content_type="application/json")
    assert refused.status_code == 400
    assert "upn" in refused.json()
    with in_schema(school_a):
        assert not Pupil.objects.filter(legal_first_name="Ada").exists()
    created = client.post("/api/v1/pupils/", {**body, "upn": good_upn}, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["upn"] == good_upn


def test_moving_on_the_register_through_the_api(pupils, staff, school_a, in_schema):
    client = _api(staff("senco"), school_a)
    other = pupils["other"]
    refused = client.post(
        f"/api/v1/pupils/{other.pk}/register/",
        {"stage": "sen_support", "reason": "Assessed needs"},
        content_type="application/json",
    )
    # SEN Support needs a primary need first: a clear reason, and nothing written.
    assert refused.status_code == 400
    assert "need" in str(refused.json()).lower()
    client.post(
        f"/api/v1/pupils/{other.pk}/needs/", {"need_type": "SLCN", "rank": "primary"}, content_type="application/json"
    )
    moved = client.post(
        f"/api/v1/pupils/{other.pk}/register/",
        {"stage": "sen_support", "reason": "Assessed needs", "notification_method": "letter"},
        content_type="application/json",
    )
    assert moved.status_code == 201, moved.json()
    assert moved.json()["census_code"] == "K"
    on_register_today = client.get("/api/v1/register/").json()["results"]
    assert {row["pupil"] for row in on_register_today} == {pupils["mine"].pk, other.pk}
    assert client.get("/api/v1/register/?on=2001-01-01").json()["count"] == 0
    assert client.get("/api/v1/register/?on=yesterday").status_code == 400
    with in_schema(school_a):
        assert RegisterEntry.objects.filter(pupil_id=other.pk, ended_on__isnull=True).count() == 1


def test_plan_review_cycle_through_the_api(pupils, staff, school_a):
    senco = staff("senco")
    client = _api(senco, school_a)
    plan = pupils["plan"]
    detail = client.get(f"/api/v1/plans/{plan.pk}/").json()
    assert detail["status"] == "active" and len(detail["outcomes"]) == 2
    outcome_ids = [o["id"] for o in detail["outcomes"]]
    review = client.post(
        f"/api/v1/plans/{plan.pk}/reviews/",
        {
            "held_on": str(datetime.date.today()),
            "decision": "continue",
            "next_review_on": str(datetime.date.today() + datetime.timedelta(days=90)),
            "participants": [{"role": "parent", "name": "Parent"}, {"role": "senco", "name": "SENCO"}],
            "progress": [{"outcome": i, "progress": "met"} for i in outcome_ids],
        },
        content_type="application/json",
    )
    assert review.status_code == 201, review.json()
    closed = client.post(f"/api/v1/reviews/{review.json()['id']}/close/")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    assert [r["id"] for r in client.get(f"/api/v1/pupils/{pupils['mine'].pk}/reviews/").json()] == [review.json()["id"]]


def test_api_reads_are_audited(pupils, staff, school_a, in_schema):
    senco = staff("senco")
    _api(senco, school_a).get(f"/api/v1/pupils/{pupils['mine'].pk}/")
    with in_schema(school_a):
        assert AuditEvent.objects.filter(actor_id=senco.pk, pupil_id=pupils["mine"].pk, action="view").exists()


def test_an_api_list_read_is_one_audit_row_naming_each_pupil_listed(pupils, staff, school_a, in_schema):
    senco = staff("senco")
    listed = _api(senco, school_a).get("/api/v1/pupils/").json()["results"]
    with in_schema(school_a):
        rows = list(AuditEvent.objects.filter(actor_id=senco.pk, action="view").values_list("pupil_ids", flat=True))
    assert len(listed) > 1
    assert rows == [sorted(row["id"] for row in listed)]


def test_the_pupil_list_costs_the_same_for_50_and_600_pupils(in_a, staff, school_a, django_assert_max_num_queries):
    from tests.send_core.factories import bulk_pupils

    client = _api(staff("senco"), school_a)
    for total in (50, 600):
        connection.set_tenant(school_a)
        bulk_pupils(total - Pupil.objects.count())
        with django_assert_max_num_queries(12):
            assert client.get("/api/v1/pupils/").json()["count"] == total


def test_the_openapi_schema_is_served(pupils, staff, school_a):
    response = _api(staff("senco"), school_a).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/pupils/" in response.content.decode()
    assert settings.SPECTACULAR_SETTINGS["TITLE"] in response.content.decode()
