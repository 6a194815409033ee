"""Creates that never double: a double click or a re-sent create form makes one record, not two."""

from __future__ import annotations

import datetime

from django.db import connection

from send_core.models import Concern, ParentMeeting, PlanOutcome, Submission
from tests.send_core.drawn_forms import drawn_form


def in_school(school, read):
    connection.set_tenant(school.organisation)
    try:
        return read()
    finally:
        connection.set_schema_to_public()


def test_posting_the_concern_form_twice_raises_one_concern(school):
    url = f"/pupils/{school.pupil.pk}/concerns/new/"
    teacher = school.client("teacher")
    form = {**drawn_form(teacher, url), "concern": "Avoids writing tasks.", "raised_by_kind": "teacher", "area": ""}
    assert form["submission_token"]
    before = in_school(school, lambda: Concern.objects.filter(pupil_id=school.pupil.pk).count())

    first = teacher.post(url, form)
    assert first.status_code == 302
    second = teacher.post(url, form)
    # The repeat lands on the concern the first one made, and says so.
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert "already saved" in teacher.get(second["Location"]).content.decode()
    assert in_school(school, lambda: Concern.objects.filter(pupil_id=school.pupil.pk).count()) == before + 1

    # A fresh page is a fresh submission: a second real concern is recorded.
    again = {**drawn_form(teacher, url), "concern": "Tired in the mornings.", "raised_by_kind": "teacher", "area": ""}
    assert again["submission_token"] != form["submission_token"]
    assert teacher.post(url, again).status_code == 302
    assert in_school(school, lambda: Concern.objects.filter(pupil_id=school.pupil.pk).count()) == before + 2


def test_posting_the_parent_meeting_form_twice_records_one_meeting(school):
    url = f"/pupils/{school.pupil.pk}/meetings/new/"
    senco = school.client("senco")
    form = {
        **drawn_form(senco, url),
        "held_on": datetime.date(2025, 2, 3).isoformat(),
        "kind": "termly",
        "notes": "Talked about reading at home.",
        "people_parent": "Grace Okafor",
    }
    before = in_school(school, lambda: ParentMeeting.objects.filter(pupil_id=school.pupil.pk).count())
    assert senco.post(url, form).status_code == 302
    assert senco.post(url, form).status_code == 302
    assert in_school(school, lambda: ParentMeeting.objects.filter(pupil_id=school.pupil.pk).count()) == before + 1


def test_a_token_is_one_persons_and_one_schools(school, school_b, member, client_for):
    url = f"/pupils/{school.pupil.pk}/concerns/new/"
    teacher, senco = school.client("teacher"), school.client("senco")
    form = {**drawn_form(teacher, url), "concern": "Avoids writing tasks.", "raised_by_kind": "teacher", "area": ""}
    assert teacher.post(url, form).status_code == 302
    # Another person sending the same token is not answered with the teacher's concern.
    response = senco.post(url, form)
    assert response.status_code == 302
    assert in_school(school, lambda: Concern.objects.filter(concern="Avoids writing tasks.").count()) == 2
    # Another school cannot reach the form, and holds no claims of school A's.
    outsider = client_for(member(school_b, "senco"), school_b)
    assert outsider.post(url, form).status_code == 404
    connection.set_tenant(school_b)
    try:
        assert not Submission.objects.exists()
        assert not Concern.objects.filter(concern="Avoids writing tasks.").exists()
    finally:
        connection.set_schema_to_public()


def test_a_refused_submission_can_be_corrected_and_sent_again(school):
    url = f"/pupils/{school.pupil.pk}/meetings/new/"
    senco = school.client("senco")
    form = {**drawn_form(senco, url), "held_on": "2099-01-01", "kind": "termly", "notes": "Future meeting."}
    refused = senco.post(url, form)
    assert refused.status_code == 400
    form["held_on"] = datetime.date(2025, 2, 3).isoformat()
    form["people_parent"] = "Grace Okafor"
    assert senco.post(url, form).status_code == 302
    assert in_school(school, lambda: ParentMeeting.objects.filter(notes="Future meeting.").count()) == 1


def test_every_create_form_carries_a_one_time_token(school):
    senco = school.client("senco")
    pupil, plan = school.pupil.pk, school.plan.pk
    pages = [
        f"/pupils/{pupil}/concerns/new/",
        f"/pupils/{pupil}/meetings/new/",
        f"/pupils/{pupil}/needs/new/",
        f"/pupils/{pupil}/diagnoses/new/",
        f"/pupils/{pupil}/assessments/new/",
        f"/pupils/{pupil}/consent/new/",
        f"/pupils/{pupil}/medical/new/",
        f"/pupils/{pupil}/parents/new/",
        "/pupils/new/",
        f"/plans/{plan}/outcomes/new/",
        f"/plans/{plan}/provision/new/",
        f"/plans/{plan}/reviews/new/",
    ]
    for url in pages:
        assert drawn_form(senco, url).get("submission_token"), url


def test_adding_an_outcome_twice_adds_one(school):
    url = f"/plans/{school.plan.pk}/outcomes/new/"
    senco = school.client("senco")
    form = {
        **drawn_form(senco, url),
        "description": "Write three sentences unaided.",
        "measure": "Writing sample",
        "baseline": "One sentence",
        "target": "Three sentences",
        "target_date": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
    }
    first, second = senco.post(url, form), senco.post(url, form)
    assert first.status_code == second.status_code == 302
    assert (
        in_school(school, lambda: PlanOutcome.objects.filter(description="Write three sentences unaided.").count()) == 1
    )
