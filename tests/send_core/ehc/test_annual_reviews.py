"""Annual reviews: notice, the secondary SENCO for Years 5 and 6, the report to the LA and its decision."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from send_core.ehc import reviews
from send_core.ehc.casework import annual_reviews as review_acts
from send_core.ehc.casework import selectors as case_reads
from send_core.ehc.models import AnnualReviewStatus, CaseAnnualReview, EhcCase, EhcPlan, EhcPlanStatus
from send_core.ehc.requests import annual_reviews as school_review_acts
from send_core.ehc.requests import selectors as school_reads

from .conftest import make_ready_pupil

pytestmark = pytest.mark.django_db


def pupil_with_plan(nc_year: str = "4"):
    pupil = make_ready_pupil()
    pupil.nc_year = nc_year
    pupil.save()
    EhcPlan.objects.create(
        pupil=pupil,
        status=EhcPlanStatus.FINAL,
        issued_on=timezone.localdate() - datetime.timedelta(days=330),
        section_a="Views",
        section_f="Provision",
        local_authority_name="Testshire Council",
    )
    return pupil


def test_invitations_need_two_weeks_notice(in_schema, school_a, people):
    today = timezone.localdate()
    with in_schema(school_a):
        pupil = pupil_with_plan()
        with pytest.raises(ValidationError) as refused:
            school_review_acts.plan_annual_review(
                pupil,
                planned_by=people.senco,
                meeting_on=today + datetime.timedelta(days=10),
                invitations_sent_on=today,
            )
        assert "at least two weeks before the meeting" in refused.value.message_dict["invitations_sent_on"][0]
        review = school_review_acts.plan_annual_review(
            pupil, planned_by=people.senco, meeting_on=today + datetime.timedelta(days=14), invitations_sent_on=today
        )
        plan = EhcPlan.objects.get(pupil=pupil)
        assert review.due_by == reviews.annual_review_due(plan.issued_on)
        # The next review is due a year after this one.
        assert school_reads.next_annual_review_due(pupil) == reviews.annual_review_due(review.meeting_on)


@pytest.mark.parametrize("nc_year", ["5", "6"])
def test_year_5_and_6_reviews_must_invite_the_secondary_senco(in_schema, school_a, people, nc_year):
    today = timezone.localdate()
    with in_schema(school_a):
        pupil = pupil_with_plan(nc_year)
        with pytest.raises(ValidationError) as refused:
            school_review_acts.plan_annual_review(
                pupil,
                planned_by=people.senco,
                meeting_on=today + datetime.timedelta(days=20),
                invitations_sent_on=today,
            )
        assert "secondary school's SENCO" in refused.value.message_dict["secondary_senco_invited"][0]
        review = school_review_acts.plan_annual_review(
            pupil,
            planned_by=people.senco,
            meeting_on=today + datetime.timedelta(days=20),
            invitations_sent_on=today,
            secondary_senco_invited="Ms Patel, Cedar High School",
        )
        assert review.secondary_senco_invited == "Ms Patel, Cedar High School"


def test_a_review_goes_to_the_la_is_decided_and_the_decision_comes_back(
    in_schema, school_a, school_b, la, people, client_for
):
    today = timezone.localdate()
    with in_schema(school_a):
        pupil = pupil_with_plan()
        review = school_review_acts.plan_annual_review(
            pupil,
            planned_by=people.senco,
            meeting_on=today - datetime.timedelta(days=3),
            invitations_sent_on=today - datetime.timedelta(days=20),
        )
        with pytest.raises(ValidationError):
            school_review_acts.send_annual_review(review, sent_by=people.senco)  # not recorded yet
        school_review_acts.record_annual_review(
            review,
            recorded_by=people.senco,
            participants="Parent, SENCO, class teacher",
            child_views="I like my reading group.",
            parent_views="Happy with progress.",
            progress="Reading age up 9 months in a year.",
            recommendation="amend",
            recommended_changes="Section F: reduce 1:1 to three times a week.",
        )
        review = school_review_acts.send_annual_review(review, sent_by=people.senco)
        assert review.status == AnnualReviewStatus.SENT

    with in_schema(la):
        received = review_acts.receive_annual_review(review.envelope_id, received_by=people.caseworker)
        # No case for this child yet: one is made, marked as a plan already issued.
        case = EhcCase.objects.get()
        assert case.status == "plan_issued" and case.received_on is None
        assert received.school_recommendation == "amend"
        assert review_acts.receive_annual_review(review.envelope_id, received_by=people.caseworker).pk == received.pk
        review_acts.decide_annual_review(
            received,
            decided_by=people.caseworker,
            decision="amend",
            reasons="Agreed with the school.",
            proposed_amendments="Section F: three 1:1 sessions a week.",
        )
        assert CaseAnnualReview.objects.get().decided_on == today

    with in_schema(school_a):
        assert school_review_acts.take_in_annual_review_decision(review, user=people.senco)
        review.refresh_from_db()
        assert (review.status, review.la_decision, review.la_reasons) == ("decided", "amend", "Agreed with the school.")
        # The proposed amendments came with the decision (Reg 22(2)), and the school sees them.
        assert review.la_proposed_amendments == "Section F: three 1:1 sessions a week."
    page = client_for(people.senco, school_a).get(f"/annual-reviews/{review.pk}/").content.decode()
    assert "Section F: three 1:1 sessions a week." in page
    # 15 days beginning with the day of the notice: the family can comment until day + 14.
    assert f"comment until {today + datetime.timedelta(days=14):%-d %B %Y}" in page
    refused = client_for(people.senco_b, school_b).get(f"/annual-reviews/{review.pk}/")
    assert refused.status_code == 404 and "three 1:1 sessions" not in refused.content.decode()
    with in_schema(school_a):
        assert not school_review_acts.take_in_annual_review_decision(review, user=people.senco)


def test_after_a_decision_to_amend_the_amended_plan_reaches_the_school(in_schema, school_a, la, people, client_for):
    today = timezone.localdate()
    with in_schema(school_a):
        pupil = pupil_with_plan()
        review = school_review_acts.plan_annual_review(
            pupil,
            planned_by=people.senco,
            meeting_on=today - datetime.timedelta(days=20),
            invitations_sent_on=today - datetime.timedelta(days=40),
        )
        school_review_acts.record_annual_review(
            review,
            recorded_by=people.senco,
            participants="",
            child_views="",
            parent_views="",
            progress="Good progress.",
            recommendation="amend",
            recommended_changes="Section F: fewer sessions.",
        )
        review = school_review_acts.send_annual_review(review, sent_by=people.senco)
    with in_schema(la):
        received = review_acts.receive_annual_review(review.envelope_id, received_by=people.caseworker)
    client = client_for(people.caseworker, la)
    page = f"/casework/annual-reviews/{received.pk}/"
    # The decision to amend goes with the proposed amendments (Reg 22(2)); 17 days ago, so the family's
    # 15 days have passed and the amended plan is due 8 weeks after that notice (Reg 22(3)).
    notice = today - datetime.timedelta(days=17)
    decision = {"decision": "amend", "reasons": "Agreed.", "on": notice.isoformat()}
    assert client.post(page, decision).status_code == 400
    decision["proposed_amendments"] = "Section F: three sessions a week."
    assert client.post(page, decision).status_code == 302
    with in_schema(la):
        due = [row for row in case_reads.plan_deadlines(today=today) if row.milestone.key == "amended_plan"]
        assert due[0].milestone.due == notice + datetime.timedelta(weeks=8)
    refused = client.post(
        page, {"section_a": "Views", "section_b": "", "section_e": "x", "section_f": "x", "section_i": "x"}
    )
    assert refused.status_code == 400 and "Write section B" in refused.content.decode()
    sections = {f"section_{k}": "Text" for k in ("a", "b", "e", "f", "i")}
    sections["section_f"] = "Three sessions a week of structured literacy."
    assert client.post(page, sections).status_code == 302
    with in_schema(la):
        assert not [row for row in case_reads.plan_deadlines(today=today) if row.milestone.key == "amended_plan"]
    with in_schema(school_a):
        school_review_acts.take_in_annual_review_decision(review, user=people.senco)
        current = school_reads.current_ehc_plan(pupil)
        assert current.section_f == "Three sessions a week of structured literacy."
        assert EhcPlan.objects.filter(pupil=pupil, status="superseded").count() == 1


def test_phase_transfers_are_due_by_15_february_for_year_6(in_schema, la):
    from .casework.test_casework import make_case

    on = datetime.date(2026, 11, 23)
    with in_schema(la):
        case = make_case(datetime.date(2024, 1, 5), 1, status="plan_issued", date_of_birth=datetime.date(2016, 5, 17))
        EhcPlan.objects.create(case=case, status="final", issued_on=datetime.date(2024, 5, 20))
        make_case(
            datetime.date(2024, 1, 5), 2, status="plan_issued", date_of_birth=datetime.date(2018, 5, 17)
        )  # Year 4
        rows = [row for row in case_reads.plan_deadlines(today=on) if row.milestone.key == "phase_transfer"]
        assert [(row.case.pk, row.milestone.due) for row in rows] == [(case.pk, datetime.date(2027, 2, 15))]
        # Once the amended plan is issued this school year, it is done.
        EhcPlan.objects.create(case=case, status="final", version=2, issued_on=datetime.date(2026, 10, 1))
        assert not [row for row in case_reads.plan_deadlines(today=on) if row.milestone.key == "phase_transfer"]
