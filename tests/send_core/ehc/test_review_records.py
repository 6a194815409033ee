"""Annual reviews as the school records them: preparing for adulthood from Year 9 (Reg 20(6)), when the
next review is due (CFA 2014 s44(1)), and phase transfers from the school's own age range (Regs 2 and 18)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from send_core.ehc import reminders
from send_core.ehc.casework import annual_reviews as review_acts
from send_core.ehc.casework import selectors as case_reads
from send_core.ehc.models import AnnualReview, AnnualReviewStatus, CaseAnnualReview, EhcPlan
from send_core.ehc.requests import annual_reviews as school_review_acts
from send_core.ehc.requests import selectors as school_reads
from tenants.models import Organisation

from .conftest import make_ready_pupil

pytestmark = pytest.mark.django_db
D = datetime.date


def pupil_with_plan(nc_year: str, issued_on: datetime.date | None = None):
    pupil = make_ready_pupil()
    pupil.nc_year = nc_year
    pupil.save()
    issued_on = issued_on or timezone.localdate() - datetime.timedelta(days=330)
    EhcPlan.objects.create(pupil=pupil, status="final", issued_on=issued_on, plan_made_on=issued_on, section_a="Views")
    return pupil


def held_review(pupil, people):
    today = timezone.localdate()
    return school_review_acts.plan_annual_review(
        pupil,
        planned_by=people.senco,
        meeting_on=today - datetime.timedelta(days=3),
        invitations_sent_on=today - datetime.timedelta(days=20),
    )


def record(review, people, **extra):
    return school_review_acts.record_annual_review(
        review,
        recorded_by=people.senco,
        participants="Parent, SENCO",
        child_views="",
        parent_views="",
        progress="Steady progress.",
        recommendation="maintain",
        **extra,
    )


def test_a_year_9_review_must_cover_preparing_for_adulthood(in_schema, school_a, la, people):
    with in_schema(school_a):
        review = held_review(pupil_with_plan("9"), people)
        with pytest.raises(ValidationError) as refused:
            record(review, people)
        assert "Reg 20(6)" in refused.value.message_dict["preparing_for_adulthood"][0]
        review.refresh_from_db()
        assert review.recommendation == ""
        record(review, people, preparing_for_adulthood="Work experience at the garden centre; travel training.")
        review = school_review_acts.send_annual_review(review, sent_by=people.senco)
        assert review.status == AnnualReviewStatus.SENT
    with in_schema(la):
        received = review_acts.receive_annual_review(review.envelope_id, received_by=people.caseworker)
        assert received.report["preparing_for_adulthood"].startswith("Work experience")


def test_cairn_refuses_to_send_a_year_9_report_without_the_section(in_schema, school_a, people):
    with in_schema(school_a):
        review = held_review(pupil_with_plan("10"), people)
        # Recorded before the pupil's year group was corrected to Year 10.
        AnnualReview.objects.filter(pk=review.pk).update(progress="Fine.", recommendation="maintain")
        with pytest.raises(ValidationError) as refused:
            school_review_acts.send_annual_review(review, sent_by=people.senco)
        assert "preparing_for_adulthood" in refused.value.message_dict
        review.refresh_from_db()
        assert review.status == AnnualReviewStatus.PLANNED and review.envelope_id is None


def test_a_year_8_review_does_not_need_it(in_schema, school_a, people):
    with in_schema(school_a):
        review = record(held_review(pupil_with_plan("8"), people), people)
        assert school_review_acts.send_annual_review(review, sent_by=people.senco).status == AnnualReviewStatus.SENT


def test_the_next_review_runs_from_the_meeting_not_from_the_amended_plan(in_schema, school_a, school_b, people):
    with in_schema(school_a):
        # Plan made 10 March 2025: first review within 12 months starting with that day, so by 9 March 2026.
        pupil = pupil_with_plan("4", issued_on=D(2025, 3, 10))
        assert school_reads.next_annual_review_due(pupil) == D(2026, 3, 9)
        # Reviewed 2 February 2026; the amended plan followed on 20 April 2026.
        AnnualReview.objects.create(pupil=pupil, due_by=D(2026, 3, 9), meeting_on=D(2026, 2, 2))
        EhcPlan.objects.filter(pupil=pupil).update(status="superseded")
        EhcPlan.objects.create(
            pupil=pupil, status="final", version=2, issued_on=D(2026, 4, 20), plan_made_on=D(2025, 3, 10), amended=True
        )
        # 12 months starting with 2 February 2026 end on 1 February 2027, whatever the amended plan's date.
        assert school_reads.next_annual_review_due(pupil) == D(2027, 2, 1)
        due = {row.pupil.pk: row.due_by for row in school_reads.annual_reviews_due(on=D(2027, 1, 1))}
        assert due[pupil.pk] == D(2027, 2, 1)
    with in_schema(school_b):
        assert not EhcPlan.objects.exists() and not AnnualReview.objects.exists()


def test_the_page_shows_the_strict_date_and_another_school_cannot_open_it(
    in_schema, school_a, school_b, people, client_for
):
    with in_schema(school_a):
        pupil = pupil_with_plan("4", issued_on=D(2026, 1, 31))
    page = client_for(people.senco, school_a).get(f"/pupils/{pupil.pk}/ehc/").content.decode()
    assert "30 January 2027" in page  # 12 months starting with 31 January 2026
    refused = client_for(people.senco_b, school_b).get(f"/pupils/{pupil.pk}/ehc/")
    assert refused.status_code == 404 and "Okafor" not in refused.content.decode()


@pytest.mark.parametrize(
    ("phase", "first", "last", "nc_year", "due"),
    [
        ("infant", "", "", "2", D(2027, 2, 15)),
        ("primary", "", "", "2", None),
        ("all_through", "", "", "6", None),
        ("middle", "", "", "8", D(2027, 2, 15)),
        ("secondary", "7", "13", "11", None),
        ("secondary", "7", "13", "13", D(2027, 3, 31)),
        ("special", "R", "6", "6", D(2027, 2, 15)),
    ],
)
def test_phase_transfers_follow_the_schools_age_range(in_schema, school_a, people, phase, first, last, nc_year, due):
    school = Organisation.objects.get(pk=school_a.pk)
    school.phase, school.first_year_group, school.last_year_group = phase, first, last
    school.save()
    with in_schema(school):
        pupil = pupil_with_plan(nc_year)
        assert school_reads.phase_transfer_due_for(pupil, D(2026, 11, 23)) == due
        items = [i for i in reminders.due_items(D(2026, 11, 23)) if i.deadline_key == "phase_transfer"]
        assert [i.due_on for i in items] == ([due] if due else [])


def test_the_la_sees_the_transfer_date_from_the_childs_school(in_schema, school_a, la):
    from .casework.test_casework import make_case

    school = Organisation.objects.get(pk=school_a.pk)
    school.phase = "infant"
    school.save()
    with in_schema(la):
        # Born 17 May 2020: five in May 2025, so Reception in 2024/25 and Year 2 in 2026/27; at an infant
        # school, the move to junior school is in September 2027.
        make_case(D(2024, 1, 5), 1, status="plan_issued", school_id=school_a.pk, date_of_birth=D(2020, 5, 17))
        rows = [
            row for row in case_reads.plan_deadlines(today=D(2026, 11, 23)) if row.milestone.key == "phase_transfer"
        ]
        assert [row.milestone.due for row in rows] == [D(2027, 2, 15)]
        assert not CaseAnnualReview.objects.exists()


def test_an_age_range_must_be_whole_and_in_order(school_a):
    school = Organisation.objects.get(pk=school_a.pk)
    school.first_year_group, school.last_year_group = "7", ""
    with pytest.raises(ValidationError) as half:
        school.clean()
    assert "last_year_group" in half.value.message_dict
    school.first_year_group, school.last_year_group = "7", "R"
    with pytest.raises(ValidationError) as backwards:
        school.clean()
    assert "cannot come before" in backwards.value.message_dict["last_year_group"][0]
