"""`Idempotency-Key` on API POSTs: a retried POST is answered with the first response and makes nothing more."""

from __future__ import annotations

import pytest
from django.db import connection

from send_core.models import PlanOutcome, Pupil, Submission
from tests.send_core.factories import PupilFactory, active_plan_for, on_register

from .test_api import _api, _upn

OUTCOME = {
    "description": "Read 40 high-frequency words.",
    "measure": "Word list",
    "baseline": "12 words",
    "target": "40 words",
    "target_date": "2099-07-01",
}


@pytest.fixture
def pupil(in_a):
    made = PupilFactory(legal_first_name="Mina")
    on_register(made)
    made.plan = active_plan_for(made)
    return made


def _outcomes(pupil, school):
    connection.set_tenant(school)
    try:
        return PlanOutcome.objects.filter(plan_id=pupil.plan.pk).count()
    finally:
        connection.set_schema_to_public()


def test_a_retried_post_with_the_same_key_makes_one_need(pupil, staff, school_a):
    before = _outcomes(pupil, school_a)
    client = _api(staff("senco"), school_a, token=True)
    url, body = f"/api/v1/plans/{pupil.plan.pk}/outcomes/", OUTCOME
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="need-7f3a")
    assert first.status_code == 201, first.json()
    second = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="need-7f3a")
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert _outcomes(pupil, school_a) == before + 1

    # Without the header, or with another key, a POST makes a record each time.
    assert (
        client.post(url, {**body, "description": "Spell CVC words."}, content_type="application/json").status_code
        == 201
    )
    assert _outcomes(pupil, school_a) == before + 2


def test_a_key_is_one_persons(pupil, staff, school_a):
    url, body = f"/api/v1/plans/{pupil.plan.pk}/outcomes/", OUTCOME
    before = _outcomes(pupil, school_a)
    senco, head = _api(staff("senco"), school_a), _api(staff("headteacher"), school_a)
    assert senco.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    response = head.post(
        url, {**body, "description": "Spell CVC words."}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert _outcomes(pupil, school_a) == before + 2


def test_a_key_reused_for_another_path_is_refused(pupil, staff, school_a):
    client = _api(staff("senco"), school_a)
    url, body = f"/api/v1/plans/{pupil.plan.pk}/outcomes/", OUTCOME
    assert client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 201
    pupil_body = {
        "upn": _upn("881201234567"),
        "legal_first_name": "Ada",
        "last_name": "Lovel",
        "date_of_birth": "2017-05-01",
        "sex": "F",
        "nc_year": "3",
    }
    response = client.post("/api/v1/pupils/", pupil_body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k2")
    assert response.status_code == 422
    connection.set_tenant(school_a)
    try:
        assert not Pupil.objects.filter(legal_first_name="Ada").exists()
    finally:
        connection.set_schema_to_public()


def test_a_refused_post_keeps_nothing_so_the_corrected_one_can_reuse_its_key(pupil, staff, school_a):
    client = _api(staff("senco"), school_a)
    url = f"/api/v1/plans/{pupil.plan.pk}/outcomes/"
    # An active plan's outcomes must be SMART: without a measure the service refuses it.
    refused = client.post(url, {**OUTCOME, "measure": ""}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k3")
    assert refused.status_code == 400
    made = client.post(url, OUTCOME, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k3")
    assert made.status_code == 201 and "Idempotent-Replayed" not in made


def test_another_school_gets_nothing_from_a_key(pupil, staff, school_a, school_b, member):
    client = _api(staff("senco"), school_a)
    url, body = f"/api/v1/plans/{pupil.plan.pk}/outcomes/", OUTCOME
    assert client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k4").status_code == 201
    outsider = _api(member(school_b, "senco"), school_b)
    response = outsider.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k4")
    assert response.status_code == 404
    assert "Mina" not in response.content.decode()
    connection.set_tenant(school_b)
    try:
        assert not Submission.objects.exists()
    finally:
        connection.set_schema_to_public()
