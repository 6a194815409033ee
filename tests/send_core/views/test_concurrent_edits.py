"""Two people editing one record: the second save from a stale page is refused, and nothing is lost."""

from __future__ import annotations

import datetime

from django.db import connection

from send_core.models import ParentCarer, PlanOutcome, Pupil, Review, ReviewStatus, SupportPlan
from tests.send_core.drawn_forms import drawn_form, drawn_form_from
from tests.send_core.factories import ReviewFactory


def in_school(school, read):
    connection.set_tenant(school.organisation)
    try:
        return read()
    finally:
        connection.set_schema_to_public()


def test_a_stale_plan_save_is_refused_with_both_versions_shown(school):
    url = f"/plans/{school.plan.pk}/edit/"
    senco, head = school.client("senco"), school.client("headteacher")
    senco_form, head_form = drawn_form(senco, url), drawn_form(head, url)
    assert senco_form["seen_version"] and senco_form["seen_version"] == head_form["seen_version"]

    # The SENCO saves first.
    response = senco.post(url, {**senco_form, "strategies": "Visual timetable on the desk."})
    assert response.status_code == 302

    # The headteacher's page was drawn before that: saving it would put the old strategies back.
    response = head.post(url, {**head_form, "strengths": "Kind to younger pupils."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this" in page
    assert school.people["senco"].email in page
    assert "Kind to younger pupils." in page  # what the headteacher typed is still in the form
    assert "Visual timetable on the desk." in page  # the SENCO's change, shown beside it
    plan = in_school(school, lambda: SupportPlan.objects.get(pk=school.plan.pk))
    assert plan.strategies == "Visual timetable on the desk."
    assert plan.strengths != "Kind to younger pupils."

    # Having seen the SENCO's change, the headteacher merges and saves again: now it goes through.
    again = drawn_form_from(page)
    response = head.post(url, {**again, "strategies": "Visual timetable on the desk."})
    assert response.status_code == 302
    plan = in_school(school, lambda: SupportPlan.objects.get(pk=school.plan.pk))
    assert plan.strengths == "Kind to younger pupils."
    assert plan.strategies == "Visual timetable on the desk."


def test_another_school_cannot_reach_the_plan_editor(school, school_b, member, client_for):
    outsider = client_for(member(school_b, "senco"), school_b)
    response = outsider.get(f"/plans/{school.plan.pk}/edit/")
    assert response.status_code == 404
    assert school.pupil.legal_first_name not in response.content.decode()


def test_a_stale_review_save_is_refused_and_keeps_both_versions(school, school_b, member, client_for):
    review = in_school(
        school,
        lambda: ReviewFactory(
            plan=school.plan, status=ReviewStatus.DRAFT, held_on=datetime.date(2025, 3, 3), notes="First notes."
        ),
    )
    url = f"/reviews/{review.pk}/edit/"
    senco, teacher = school.client("senco"), school.client("teacher")
    senco_form, teacher_form = drawn_form(senco, url), drawn_form(teacher, url)

    response = senco.post(url, {**senco_form, "parent_views": "Mum says reading at home is easier."})
    assert response.status_code == 302

    response = teacher.post(url, {**teacher_form, "notes": "Reads 30 words now."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this review" in page
    assert "Reads 30 words now." in page
    assert "Mum says reading at home is easier." in page
    saved = in_school(school, lambda: Review.objects.get(pk=review.pk))
    assert saved.parent_views == "Mum says reading at home is easier."
    assert saved.notes == "First notes."

    response = teacher.post(url, {**drawn_form_from(page), "parent_views": saved.parent_views})
    assert response.status_code == 302
    saved = in_school(school, lambda: Review.objects.get(pk=review.pk))
    assert (saved.notes, saved.parent_views) == ("Reads 30 words now.", "Mum says reading at home is easier.")

    outsider = client_for(member(school_b, "senco"), school_b)
    assert outsider.post(url, {**drawn_form_from(page), "notes": "Overwritten."}).status_code == 404
    assert in_school(school, lambda: Review.objects.get(pk=review.pk)).notes == "Reads 30 words now."


def test_a_stale_outcome_save_is_refused(school):
    outcome = school.objects["outcome"]
    url = f"/outcomes/{outcome.pk}/edit/"
    senco, head = school.client("senco"), school.client("headteacher")
    senco_form, head_form = drawn_form(senco, url), drawn_form(head, url)
    assert senco.post(url, {**senco_form, "baseline": "Reads 12 words."}).status_code == 302
    response = head.post(url, {**head_form, "target": "Reads 50 words."})
    assert response.status_code == 400
    assert "Reads 12 words." in response.content.decode()
    saved = in_school(school, lambda: PlanOutcome.objects.get(pk=outcome.pk))
    assert (saved.baseline, saved.target) == ("Reads 12 words.", outcome.target)


def test_a_stale_save_of_a_pupils_details_is_refused(school):
    url = f"/pupils/{school.pupil.pk}/details/"
    office, head = school.client("school_admin"), school.client("headteacher")
    office_form, head_form = drawn_form(office, url), drawn_form(head, url)
    assert office.post(url, {**office_form, "preferred_name": "Mara"}).status_code == 302
    response = head.post(url, {**head_form, "nc_year": "5"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this pupil&#x27;s details" in page or "Someone else saved this pupil's details" in page
    assert "Mara" in page
    saved = in_school(school, lambda: Pupil.objects.get(pk=school.pupil.pk))
    assert saved.preferred_name == "Mara" and saved.nc_year == school.pupil.nc_year


def test_a_stale_save_of_a_parents_details_is_refused(school):
    parent = school.objects["parent"]
    url = f"/parents/{parent.pk}/edit/"
    office, head = school.client("school_admin"), school.client("headteacher")
    office_form, head_form = drawn_form(office, url), drawn_form(head, url)
    assert office.post(url, {**office_form, "phone": "01632 960123"}).status_code == 302
    response = head.post(url, {**head_form, "email": "grace@example.org"})
    assert response.status_code == 400
    assert "01632 960123" in response.content.decode()
    saved = in_school(school, lambda: ParentCarer.objects.get(pk=parent.pk))
    assert saved.phone == "01632 960123" and saved.email != "grace@example.org"
