"""The EHC pages: who gets in, what a refusal looks like, and bounded queries on the LA's lists."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from integrations.exchange.models import Envelope
from send_core.ehc.casework import services as case_acts
from send_core.ehc.models import EhcCase, EhcRequest
from send_core.ehc.requests import services as request_acts

from .casework.test_casework import make_case
from .conftest import make_ready_pupil

pytestmark = pytest.mark.django_db


def ready(in_schema, school_a):
    with in_schema(school_a):
        return make_ready_pupil()


def test_the_senco_builds_previews_and_sends_a_request(in_schema, school_a, la, people, client_for):
    pupil = ready(in_schema, school_a)
    client = client_for(people.senco, school_a)
    assert client.get(f"/pupils/{pupil.pk}/ehc/").status_code == 200
    response = client.post(f"/pupils/{pupil.pk}/ehc/request/")
    assert response.status_code == 302
    builder = response["Location"]
    page = client.get(builder).content.decode()
    assert "Attainment and progress over time" in page and "Cairn holds" in page
    with in_schema(school_a):
        keys = list(EhcRequest.objects.get().evidence_keys)
    response = client.post(
        builder,
        {
            "reason": "Little progress.",
            "parent_views": "Worried.",
            "child_views": "Reading is hard.",
            "evidence_keys": keys,
            "preview": "1",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/preview/")
    preview = client.get(response["Location"]).content.decode()
    assert "Amara" in preview and "Little progress." in preview
    response = client.post(response["Location"])
    assert response.status_code == 302
    assert "Sent to the local authority" in client.get(builder).content.decode()
    assert Envelope.objects.filter(kind="ehc_request", recipient=la).count() == 1


def test_a_refused_send_names_what_is_missing_and_sends_nothing(in_schema, school_a, people, client_for):
    with in_schema(school_a):
        pupil = make_ready_pupil(with_consent=False)
    client = client_for(people.senco, school_a)
    builder = client.post(f"/pupils/{pupil.pk}/ehc/request/")["Location"]
    response = client.post(builder.rstrip("/") + "/preview/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Record a parent" in body and "consent to share information with the local authority" in body
    assert "Say why the school is asking" in body
    assert not Envelope.objects.exists()


def test_class_staff_see_the_plan_but_not_requests(in_schema, school_a, people, client_for, member):
    pupil = ready(in_schema, school_a)
    teacher = member(school_a, "teacher")
    with in_schema(school_a):
        from send_core.models import ClassTeacher

        ClassTeacher.objects.create(school_class=pupil.school_class, user_id=teacher.pk)
    client = client_for(teacher, school_a)
    page = client.get(f"/pupils/{pupil.pk}/ehc/")
    assert page.status_code == 200 and "Start an EHC" not in page.content.decode()
    assert client.post(f"/pupils/{pupil.pk}/ehc/request/").status_code == 403
    assert client.get("/ehc-requests/").status_code == 403


def test_another_school_and_the_la_cannot_reach_a_schools_request(
    in_schema, school_a, school_b, la, people, client_for
):
    pupil = ready(in_schema, school_a)
    client_for(people.senco, school_a).post(f"/pupils/{pupil.pk}/ehc/request/")
    with in_schema(school_a):
        request_id = EhcRequest.objects.get().pk
    assert client_for(people.senco_b, school_b).get(f"/ehc-requests/{request_id}/").status_code == 404
    assert client_for(people.caseworker, la).get(f"/ehc-requests/{request_id}/").status_code == 404
    assert client_for(people.senco, school_a).get("/casework/").status_code == 404


def test_casework_pages_for_la_staff_only(in_schema, la, people, client_for, school_a):
    with in_schema(la):
        case = make_case(datetime.date.today() - datetime.timedelta(days=10))
    caseworker = client_for(people.caseworker, la)
    for path in (
        "/casework/",
        "/casework/cases/",
        f"/casework/cases/{case.pk}/",
        "/casework/caseload/",
        "/casework/deadlines/",
        "/reminders/",
    ):
        response = caseworker.get(path)
        assert response.status_code == 200, path
    assert "Amara Okafor" in caseworker.get(f"/casework/cases/{case.pk}/").content.decode()
    # A school's SENCO is not a member of the LA: refused at the door.
    assert client_for(people.senco, la).get(f"/casework/cases/{case.pk}/").status_code == 403
    with in_schema(school_a):
        assert not EhcCase.objects.exists()


def test_a_decision_without_reasons_reshows_the_case_with_the_error(in_schema, la, people, client_for):
    with in_schema(la):
        case = make_case(datetime.date.today() - datetime.timedelta(days=3))
    response = client_for(people.caseworker, la).post(
        f"/casework/cases/{case.pk}/decision/",
        {"decision": "agree", "reasons": "", "on": datetime.date.today().isoformat()},
    )
    assert response.status_code == 400
    assert "Give the reasons for the decision." in response.content.decode()
    with in_schema(la):
        assert EhcCase.objects.get().decision_on is None


def test_only_a_manager_sees_the_allocation_form(in_schema, la, people, client_for):
    with in_schema(la):
        case = make_case(datetime.date.today())
    assert 'name="caseworker"' in client_for(people.manager, la).get(f"/casework/cases/{case.pk}/").content.decode()
    assert (
        'name="caseworker"' not in client_for(people.caseworker, la).get(f"/casework/cases/{case.pk}/").content.decode()
    )
    assert (
        client_for(people.caseworker, la)
        .post(f"/casework/cases/{case.pk}/allocate/", {"caseworker": people.caseworker.pk})
        .status_code
        == 403
    )


@pytest.mark.parametrize("path", ["/casework/", "/casework/caseload/", "/casework/deadlines/", "/casework/cases/"])
def test_casework_lists_take_the_same_queries_for_5_or_40_cases(in_schema, la, people, client_for, path):
    client = client_for(people.caseworker, la)
    # The first request of a new sign-in also settles its session (a write or two, whatever the page);
    # that is not what this test measures, so it happens before counting.
    assert client.get(path).status_code == 200
    counts = []
    for total in (5, 40):
        with in_schema(la):
            EhcCase.objects.all().delete()
            for n in range(1, total + 1):
                # Received five weeks ago and more, so every list (deadlines too) shows cases in both runs.
                make_case(
                    datetime.date.today() - datetime.timedelta(weeks=5, days=n),
                    n,
                    caseworker=people.caseworker if n % 2 else None,
                )
        connection.set_schema_to_public()
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 25


def test_the_api_lists_cases_with_their_next_deadline_for_the_la_only(in_schema, la, school_a, people, client_for):
    received = datetime.date.today() - datetime.timedelta(days=10)
    with in_schema(la):
        case = make_case(received)
    response = client_for(people.caseworker, la).get("/api/v1/ehc/cases/")
    assert response.status_code == 200
    (row,) = response.json()["results"] if "results" in response.json() else response.json()
    assert row["reference"] == case.reference
    assert row["next_deadline"]["key"] == "decision"
    assert row["next_deadline"]["due"] == (received + datetime.timedelta(weeks=6)).isoformat()
    detail = client_for(people.caseworker, la).get(f"/api/v1/ehc/cases/{case.pk}/").json()
    assert [m["key"] for m in detail["timeline"]][:2] == ["received", "decision"]
    assert client_for(people.senco, school_a).get("/api/v1/ehc/cases/").status_code == 404
    assert client_for(people.senco, school_a).get("/api/v1/ehc/requests/").status_code == 200
    assert client_for(people.teacher, school_a).get("/api/v1/ehc/requests/").status_code == 403


def test_looking_at_a_request_opens_nothing_reading_the_replies_is_a_choice(
    in_schema, school_a, la, people, client_for
):

    with in_schema(school_a):
        pupil = make_ready_pupil()
        request = request_acts.start_ehc_request(pupil, started_by=people.senco)
        request.reason = "Little progress."
        request.save()
        request = request_acts.submit_ehc_request(request, submitted_by=people.senco)
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        case_acts.ask_school_for_information(case, asked_by=people.caseworker, question="Any EP report?")
    question = Envelope.objects.get(kind="information_request")
    client = client_for(people.senco, school_a)
    page = client.get(f"/ehc-requests/{request.pk}/").content.decode()
    assert "1 message not yet read" in page and "Any EP report?" not in page
    question.refresh_from_db()
    assert question.opened_at is None  # a GET (or a forged image link) opens nothing
    assert client.get(f"/ehc-requests/{request.pk}/read/").status_code == 405
    assert client.post(f"/ehc-requests/{request.pk}/read/").status_code == 302
    question.refresh_from_db()
    assert question.opened_at is not None
    assert "Any EP report?" in client.get(f"/ehc-requests/{request.pk}/").content.decode()
